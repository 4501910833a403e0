// wafer info: presets, the memory an image needs on a grid, the GPU.
#include <cstdio>
#include <cxxopts.hpp>

#include "host/cli/commands.h"
#include "host/cli/grid_spec.h"
#include "host/cli/json_text.h"
#include "host/engine/engine.h"
#include "host/engine/host_memory.h"
#include "host/engine/machine_state.h"

namespace wafer::cli {

int info_command(int argc, char** argv) {
  cxxopts::Options opts("wafer info", "Grid presets, emulation memory, GPU status");
  opts.add_options()("grid", "grid: wse2, wse3 or WIDTHxHEIGHT",
                     cxxopts::value<std::string>()->default_value("wse3"))(
      "image", "image file whose SRAM footprint to use", cxxopts::value<std::string>())(
      "sram-words", "SRAM words per PE to allocate (default: the full 48 KiB, or the image's footprint)",
      cxxopts::value<uint32_t>())("json", "print JSON")("h,help", "show help");
  const auto args = opts.parse(argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", opts.help().c_str());
    return 0;
  }
  GridSize grid = parse_grid(args["grid"].as<std::string>());
  uint32_t sram_words = kSramWords;
  std::string footprint_from = "full 48 KiB SRAM";
  if (args.count("image")) {
    const Image im = load_image(args["image"].as<std::string>());
    if (!args.count("grid")) grid = {im.width, im.height};
    sram_words = im.sram_words();
    footprint_from = "image footprint";
  }
  if (args.count("sram-words")) {
    sram_words = args["sram-words"].as<uint32_t>();
    footprint_from = "--sram-words";
  }
  if (sram_words > kSramWords)
    throw Error("--sram-words " + std::to_string(sram_words) + " exceeds the 12288-word SRAM");
  const uint64_t pes = uint64_t(grid.width) * grid.height;
  if (pes > kMaxImagePes) {
    throw Error("grid " + std::to_string(grid.width) + "x" + std::to_string(grid.height) + " has " +
                std::to_string(pes) + " PEs, more than the " + std::to_string(kMaxImagePes) +
                " (2^30) an image may have");
  }
  const uint64_t bytes = MachineState::bytes_needed(grid.width, grid.height, sram_words);
  const GpuStatus gpu = gpu_status();
  const uint64_t gpu_bytes = gpu_bytes_needed(grid.width, grid.height, sram_words);
  const HostMemory host = host_memory();
  const bool fits_host = host.available == 0 || bytes <= host.available;  // unknown: assume it fits

  if (args.count("json")) {
    const nlohmann::ordered_json j = {{"width", grid.width},
                                      {"height", grid.height},
                                      {"pes", pes},
                                      {"sram_words", sram_words},
                                      {"state_bytes", bytes},
                                      {"host_bytes_available", host.available},
                                      {"host_bytes_total", host.total},
                                      {"fits_host", fits_host},
                                      {"gpu_built", gpu.built},
                                      {"gpu_present", gpu.present},
                                      {"gpu", gpu.summary},
                                      {"gpu_bytes", gpu_bytes},
                                      {"fits_gpu", gpu.present && gpu_bytes <= gpu.free_bytes}};
    std::printf("%s\n", json_text(j).c_str());
    return 0;
  }
  std::printf("presets:\n");
  for (const auto& p : kPresets) {
    std::printf("  %-5s %u x %u = %llu PEs\n", p.name, p.width, p.height,
                (unsigned long long)p.width * p.height);
  }
  std::printf("grid %u x %u = %llu PEs, %u SRAM words per PE (%s)\n", grid.width, grid.height,
              (unsigned long long)pes, sram_words, footprint_from.c_str());
  std::printf("emulated state: %.3f GiB (%.0f bytes per PE: SRAM %u B + core and router state)\n",
              double(bytes) / double(1ull << 30), double(bytes) / double(pes), sram_words * 4);
  if (host.available > 0) {
    std::printf("host memory: %s available of %s: the state %s\n", gib(host.available).c_str(),
                gib(host.total).c_str(), fits_host ? "fits" : "does NOT fit (a load would be refused)");
  }
  std::printf("engines built: ");
  for (const auto& n : engine_names()) std::printf("%s ", n.c_str());
  std::printf("\nGPU: %s\n", gpu.summary.c_str());
  if (gpu.built) {
    std::printf("CUDA engine would allocate %.3f GiB of device memory",
                double(gpu_bytes) / double(1ull << 30));
    if (gpu.present) {
      std::printf(": %s (%.3f GiB free)", gpu_bytes <= gpu.free_bytes ? "fits" : "does NOT fit",
                  double(gpu.free_bytes) / double(1ull << 30));
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace wafer::cli
