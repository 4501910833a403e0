// wafer map MODEL: import an ONNX model (or a JSON layer list), place it on a grid, write the image and
// plan.json, print the plan.
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>

#include "host/cli/commands.h"
#include "host/cli/model_commands_common.h"
#include "host/io/npy.h"
#include "host/model/error.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/picture/plan_picture.h"
#include "mapper/run/batch_input.h"
#include "mapper/sparsity/density.h"
#include "mapper/sparsity/setup.h"
#include "mapper/search/explain.h"

namespace wafer::cli {

int map_command(int argc, char** argv) {
  cxxopts::Options opts("wafer map", "Place a network on the wafer: writes DIR/model.wimg, DIR/plan.json, DIR/plan.png and DIR/plan.svg");
  opts.add_options()("model", "ONNX model (.onnx) or JSON layer list (.json)", cxxopts::value<std::string>())(

      "o,out", "output directory", cxxopts::value<std::string>()->default_value("map"))(

      "input", "embed this batch (.npy) in the image's input streams, and plan with its densities (non-zero inputs)", cxxopts::value<std::string>())(
      "explain", "print the alternatives the search weighed: for every layer, or for LAYER",
      cxxopts::value<std::string>()->implicit_value("all"))(
      "no-image", "write plan.json (and the pictures) but not the image")(
      "json", "print plan.json instead of the table")("h,help", "show help");
  add_plan_options(opts);
  opts.parse_positional({"model"});
  opts.positional_help("MODEL");
  const auto args = opts.parse(argc, argv);
  if (args.count("help") || !args.count("model")) {
    std::printf("%s\n", opts.help().c_str());
    return args.count("help") ? 0 : 2;
  }
  const std::string model = args["model"].as<std::string>();
  const GridSize grid = parse_grid(args["grid"].as<std::string>());
  mapper::LayerGraph g = mapper::import_model(model);
  mapper::Batch batch;
  if (args.count("input")) {
    const std::string in = args["input"].as<std::string>();
    batch = mapper::batch_from_npy(read_npy(in), g, in);
    // The sparse kernel's cost follows the non-zero inputs: plan with this batch's densities, as `wafer
    // infer` does, so that both predict the same (without --input: every input non-zero).
    mapper::measure_densities(g, batch.values, batch.size);
  }
  PlanChoice choice = choose_plan(g, grid, args);
  // With a batch, the chosen plan's interval is predicted over its samples (the coupling model), as `wafer
  // infer` does.
  mapper::CoupledPlan coupled;
  if (batch.size) coupled = mapper::couple_plan(g, choice.plan, batch.values, batch.size);
  const mapper::Plan& plan = choice.plan;
  const std::filesystem::path dir = args["out"].as<std::string>();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(dir.string() + ": cannot create the output directory: " + ec.message());
  if (!args.count("no-image")) {
    check_image_fits_memory(model, plan);
    const Image im = mapper::build_pipeline_image(g, plan, batch.values, batch.size);
    im.validate();
    save_image(im, (dir / "model.wimg").string());
  }
  const std::string json = mapper::plan_json(g, plan);
  std::ofstream((dir / "plan.json").string()) << json << "\n";
  mapper::write_plan_png(g, plan, (dir / "plan.png").string());
  mapper::write_plan_svg(g, plan, (dir / "plan.svg").string());
  if (args.count("json")) {
    std::printf("%s\n", json.c_str());
  } else {
    std::printf("%s: %zu layers, %llu weights -> %s/\n", model.c_str(), g.layers.size(),
                (unsigned long long)g.weight_count(), dir.string().c_str());
    std::printf("%s", mapper::plan_table(g, plan).c_str());
    std::printf("%s", describe_choice(choice).c_str());
    std::printf("%s", mapper::describe_coupled(coupled).c_str());
    if (args.count("explain")) {
      if (!choice.search) throw Error("--explain shows the search's alternatives: drop --block");
      const std::string which = args["explain"].as<std::string>();
      std::optional<uint32_t> layer;
      if (which != "all") {
        try {
          layer = uint32_t(std::stoul(which));
        } catch (const std::exception&) {
          throw Error("--explain '" + which + "': expected a layer number");
        }
      }
      std::printf("%s", mapper::explain_text(g, *choice.search, layer).c_str());
    }
    if (args.count("no-image"))
      std::printf("no image written (--no-image)\n");
    else if (batch.size == 0)
      std::printf("the image's input streams are empty: give --input X.npy to embed a batch, or use wafer infer\n");
    else
      std::printf("the image holds a batch of %u sample(s): `wafer run %s/model.wimg` runs it\n", batch.size,
                  dir.string().c_str());
  }
  return 0;
}

}  // namespace wafer::cli
