// The explicit table of engines (STYLE.md 3: no static-initialiser registration).
#include <functional>

#include "host/engine/cpu_engine.h"
#include "host/engine/engine.h"
#include "host/model/error.h"
#if WAFER_HAVE_CUDA
#include "cuda/cuda_engine.h"
#include "cuda/device_memory.h"
#endif

namespace wafer {

namespace {
struct EngineEntry {
  const char* name;
  std::function<std::unique_ptr<Engine>(const EngineOptions&)> make;
};

const std::vector<EngineEntry>& engine_table() {
  static const std::vector<EngineEntry> table = {
    {"cpu", [](const EngineOptions& o) { return make_cpu_engine(o); }},
#if WAFER_HAVE_CUDA
    {"cuda", [](const EngineOptions& o) { return make_cuda_engine(o); }},
#endif
  };
  return table;
}
}  // namespace

std::unique_ptr<Engine> make_engine(const std::string& name, const EngineOptions& options) {
  for (const auto& e : engine_table()) {
    if (name == e.name) return e.make(options);
  }
  if (name == "cuda") {
    throw Error(
        "engine 'cuda' is not built: this wafer was configured without nvcc (WAFER_CUDA=OFF or no CUDA "
        "compiler found); rebuild on a machine with the CUDA toolkit");
  }
  std::string known;
  for (const auto& e : engine_table()) known += std::string(known.empty() ? "" : ", ") + e.name;
  throw Error("unknown engine '" + name + "' (built engines: " + known + ")");
}

std::vector<std::string> engine_names() {
  std::vector<std::string> names;
  for (const auto& e : engine_table()) names.push_back(e.name);
  return names;
}

bool cuda_engine_built() {
#if WAFER_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

uint64_t gpu_bytes_needed(uint32_t width, uint32_t height, uint32_t sram_words) {
#if WAFER_HAVE_CUDA
  return device_bytes_for_grid(width, height, sram_words);
#else
  return MachineState::bytes_needed(width, height, sram_words);
#endif
}

GpuStatus gpu_status(int device) {
  GpuStatus g;
#if WAFER_HAVE_CUDA
  g.built = true;
  const CudaDeviceInfo info = cuda_device_info(device);
  g.present = info.present;
  g.free_bytes = info.free_bytes, g.total_bytes = info.total_bytes;
  if (info.present) {
    g.summary = info.name + " (sm_" + std::to_string(info.cc_major) + std::to_string(info.cc_minor) + ", " +
                std::to_string(info.total_bytes >> 20) + " MiB, " + std::to_string(info.free_bytes >> 20) +
                " MiB free)";
  } else {
    g.summary = info.why_not;
  }
#else
  (void)device;
  g.summary = "CUDA engine not built (configured without nvcc)";
#endif
  return g;
}

}  // namespace wafer
