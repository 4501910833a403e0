// The JSON layer-list format (mapper/import/json_import.h): inline and seeded weights, and its refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "mapper/import/json_import.h"
#include "mapper/reference.h"
#include "tests/mapper/import_test_util.h"
#include "tests/mapper/onnx_builder.h"

namespace wafer::mapper {
namespace {

using test::expect_error;

// Writes `text` to a temp file removed at the end of the test.
class JsonFile {
 public:
  explicit JsonFile(const std::string& text) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("wafer_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + ".json"))
                .string();
    std::ofstream(path_) << text;
  }
  ~JsonFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ImportJson, InlineAndSeededLayers) {
  const uint64_t seed = 7;
  std::printf("seed %llu\n", (unsigned long long)seed);
  const JsonFile f(R"({
    "input": 2, "comment": "a test",
    "layers": [
      {"name": "first", "activation": "relu", "weights": [[1, 2], [3, 4]], "bias": [0.5, -20]},
      {"out": 3, "weights": "random", "seed": 7, "bias": "random"},
      {"out": 5, "activation": "none", "weights": "random", "seed": 7, "comment": "no bias: zeros"}
    ]})");
  const LayerGraph g = import_json_layers(f.path());
  ASSERT_EQ(g.layers.size(), 3u);
  EXPECT_EQ(g.source, f.path());
  EXPECT_EQ(g.input_name, "input");
  EXPECT_EQ(g.output_name, "output");
  EXPECT_FALSE(g.input_feature_major);
  EXPECT_EQ(g.layers[0].name, "first");
  EXPECT_EQ(g.layers[0].weight, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(g.layers[0].bias, (std::vector<double>{0.5, -20}));
  EXPECT_EQ(g.layers[0].act, Activation::kRelu);
  EXPECT_EQ(g.layers[1].name, "fc2");
  EXPECT_EQ(g.layers[1].in, 2u);
  EXPECT_EQ(g.layers[1].out, 3u);
  EXPECT_EQ(g.layers[2].in, 3u);
  EXPECT_EQ(g.layers[2].bias, std::vector<double>(5, 0.0));
  // Seeded values: exact in float32, in [-1/sqrt(N), 1/sqrt(N)], not all equal.
  for (const FcLayer* l : {&g.layers[1], &g.layers[2]}) {
    const double bound = 1 / std::sqrt(double(l->in));
    std::vector<double> all = l->weight;
    if (l == &g.layers[1]) all.insert(all.end(), l->bias.begin(), l->bias.end());
    for (double v : all) {
      EXPECT_EQ(double(float(v)), v);
      EXPECT_LE(std::abs(v), bound);
    }
    EXPECT_NE(all.front(), all.back());
  }
  // Deterministic, and the reference evaluates it: sample (1, 1) -> layer 1 gives relu(3.5, -13).
  EXPECT_EQ(import_json_layers(f.path()).layers[2].weight, g.layers[2].weight);
  const std::vector<double> y = evaluate_layer_graph(g, {1, 1}, 1);
  ASSERT_EQ(y.size(), 5u);
  double h[3];
  for (int i = 0; i < 3; ++i) h[i] = g.layers[1].weight[i * 2] * 3.5 + g.layers[1].bias[i];
  for (int i = 0; i < 5; ++i) {
    double want = 0;
    for (int j = 0; j < 3; ++j) want += g.layers[2].weight[i * 3 + j] * h[j];
    EXPECT_NEAR(y[i], want, 1e-12);
  }
}

// The generator is pinned: the same seed must give the same weights on every machine and every release.
TEST(ImportJson, SeededWeightsArePinned) {
  const JsonFile f(
      R"({"input": 4, "layers": [{"out": 1, "weights": "random", "seed": 1, "bias": "random"}]})");
  const LayerGraph g = import_json_layers(f.path());
  // float32(u * float32(1/sqrt(4))) = u / 2 for SplitMix64(1)'s first draws u.
  const std::vector<double> u = test::random_fp32_values(1, 5);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(g.layers[0].weight[i], u[i] / 2) << i;
  EXPECT_EQ(g.layers[0].bias[0], u[4] / 2);
  // The literal, computed apart (Python's integers), should the two C++ generators drift together.
  EXPECT_EQ(g.layers[0].weight[0], 0x1.10a2dp-4);
}

TEST(ImportJson, TheShippedModels) {
  const std::string path = std::string(WAFER_MODELS_DIR) + "/fc34_relu_256.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is missing";
  const LayerGraph g = import_json_layers(path);
  ASSERT_EQ(g.layers.size(), 34u);
  for (size_t i = 0; i < g.layers.size(); ++i) {
    EXPECT_EQ(g.layers[i].name, "fc" + std::to_string(i + 1));
    EXPECT_EQ(g.layers[i].in, 256u);
    EXPECT_EQ(g.layers[i].out, 256u);
    EXPECT_EQ(g.layers[i].act, i + 1 < g.layers.size() ? Activation::kRelu : Activation::kNone);
  }
}

TEST(ImportJson, Refusals) {
  struct Case {
    std::string json;
    std::vector<std::string> says;
  };
  const std::vector<Case> cases = {
      {R"({"input": 2, "layers": [)", {"not valid JSON (byte ", "line 1"}},
      {R"([1, 2])", {"top level must be an object"}},
      {R"({"layers": [{"out": 1, "weights": "random", "seed": 1}]})", {"\"input\" is missing"}},
      {R"({"input": 0, "layers": [{"out": 1, "weights": "random", "seed": 1}]})", {"\"input\"", "got 0"}},
      {R"({"input": "64", "layers": [{"out": 1, "weights": "random", "seed": 1}]})",
       {"\"input\"", "got \"64\""}},
      {R"({"input": 2, "layers": []})", {"\"layers\" must be a non-empty array"}},
      {R"({"input": 2, "layer": []})", {"unknown key \"layer\""}},
      {R"({"input": 2, "layers": [{"out": 1, "weights": "random", "seed": 1}, {"name": "fc2", "out": 1, "weight": "random", "seed": 1}]})",
       {"layers[1] ('fc2')", "unknown key \"weight\""}},
      {R"({"input": 2, "layers": [{"weights": "random", "seed": 1}]})",
       {"layers[0] ('fc1')", "\"out\" is missing"}},
      {R"({"input": 2, "layers": [{"out": 2.5, "weights": "random", "seed": 1}]})", {"\"out\"", "got 2.5"}},
      {R"({"input": 2, "layers": [{"out": 1, "weights": "random"}]})", {"layers[0]", "\"seed\"", "missing"}},
      {R"({"input": 2, "layers": [{"out": 1, "weights": "random", "seed": -3}]})", {"\"seed\"", "got -3"}},
      {R"({"input": 2, "layers": [{"out": 1, "weights": [[1, 2]], "seed": 4}]})", {"\"seed\" is given"}},
      {R"({"input": 2, "layers": [{"out": 1, "weights": "ones"}]})", {"\"weights\"", "got \"ones\""}},
      {R"({"input": 2, "layers": [{"out": 1}]})", {"\"weights\" is missing"}},
      {R"({"input": 2, "layers": [{"weights": [[1, 2], [3]]}]})",
       {"layers[0]", "row 1 must hold 2 numbers", "[3]"}},
      {R"({"input": 2, "layers": [{"weights": [[1, "x"]]}]})", {"row 0 column 1 is not a number: \"x\""}},
      {R"({"input": 2, "layers": [{"out": 3, "weights": [[1, 2]]}]})", {"1 rows but \"out\" is 3"}},
      {R"({"input": 2, "layers": [{"weights": [[1, 2]], "bias": [1, 2]}]})",
       {"\"bias\"", "1 numbers", "[1,2]"}},
      {R"({"input": 2, "layers": [{"weights": [[1, 2]], "bias": "ones"}]})", {"\"bias\"", "got \"ones\""}},
      {R"({"input": 2, "layers": [{"weights": [[1, 2]], "activation": "tanh"}]})",
       {"layers[0] ('fc1')", "\"activation\"", "\"tanh\""}},
      {R"({"input": 2, "layers": [{"name": "", "weights": [[1, 2]]}]})", {"layers[0]", "\"name\""}},
      {R"({"input": 2, "layers": [7]})", {"layers[0] must be an object, got 7"}},
      {R"({"input": 4294967295, "layers": [{"out": 4294967295, "weights": "random", "seed": 1}]})",
       {"more than the largest wafer holds"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    const JsonFile f(c.json);
    std::vector<std::string> says = c.says;
    says.push_back(f.path());
    expect_error([&] { import_json_layers(f.path()); }, says);
  }
  expect_error([&] { import_json_layers("/nonexistent/model.json"); },
               {"/nonexistent/model.json", "cannot open"});
}

}  // namespace
}  // namespace wafer::mapper
