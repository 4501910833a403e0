#include "mapper/import/json_import.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "host/model/error.h"
#include "host/model/split_mix.h"

namespace wafer::mapper {
namespace {

using nlohmann::json;

// More weights in one layer than the largest wafer holds (900,000 PEs x 48 KiB / 4 B is about 1.1e10):
// refused before allocating, so that a typo in "out" fails with a message rather than bad_alloc.
constexpr uint64_t kMaxLayerWeights = uint64_t(1) << 34;

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open the layer list: " + std::strerror(errno));
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A value for an error message, cut short when long (an inline weight matrix).
std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

class JsonLayers {
 public:
  explicit JsonLayers(std::string path) : path_(std::move(path)) {}

  LayerGraph parse(const json& doc) {
    if (!doc.is_object()) throw Error(path_ + ": the top level must be an object, got " + shown(doc));
    check_keys(doc, {"input", "layers", "comment"}, path_);
    LayerGraph g;
    g.source = path_, g.input_name = "input", g.output_name = "output";
    uint32_t n = size_value(doc, "input", path_);
    if (!doc.contains("layers") || !doc["layers"].is_array() || doc["layers"].empty())
      throw Error(
          path_ + ": \"layers\" must be a non-empty array" +
          (doc.contains("layers") ? ", got " + shown(doc["layers"]) : std::string(", and is missing")));
    const json& layers = doc["layers"];
    for (size_t i = 0; i < layers.size(); ++i) {
      g.layers.push_back(layer(layers[i], i, n));
      n = g.layers.back().out;
    }
    g.validate();
    return g;
  }

 private:
  void check_keys(const json& obj, const std::set<std::string>& known, const std::string& where) const {
    for (const auto& [key, value] : obj.items()) {
      if (known.count(key)) continue;
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "\"" : ", \"") + k + "\"";
      throw Error(where + ": unknown key \"" + key + "\" (known: " + list + ")");
    }
  }
  // A required positive integer that fits a layer size.
  uint32_t size_value(const json& obj, const std::string& key, const std::string& where) const {
    if (!obj.contains(key)) throw Error(where + ": \"" + key + "\" is missing");
    const json& v = obj[key];
    if (!v.is_number_unsigned() || v.get<uint64_t>() == 0 ||
        v.get<uint64_t>() > std::numeric_limits<uint32_t>::max())
      throw Error(where + ": \"" + key + "\" must be an integer from 1 to 2^32-1, got " + shown(v));
    return uint32_t(v.get<uint64_t>());
  }

  FcLayer layer(const json& j, size_t index, uint32_t n) const {
    std::string where = path_ + ": layers[" + std::to_string(index) + "]";
    if (!j.is_object()) throw Error(where + " must be an object, got " + shown(j));
    FcLayer l;
    l.name = "fc" + std::to_string(index + 1);
    if (j.contains("name")) {
      if (!j["name"].is_string() || j["name"].get<std::string>().empty())
        throw Error(where + ": \"name\" must be a non-empty string, got " + shown(j["name"]));
      l.name = j["name"].get<std::string>();
    }
    where += " ('" + l.name + "')";
    check_keys(j, {"name", "out", "activation", "weights", "seed", "bias", "comment"}, where);
    l.in = n;

    if (j.contains("activation")) {
      const json& a = j["activation"];
      if (a == "relu")
        l.act = Activation::kRelu;
      else if (a != "none")
        throw Error(where + ": \"activation\" must be \"relu\" or \"none\", got " + shown(a));
    }

    if (!j.contains("weights"))
      throw Error(where + ": \"weights\" is missing (\"random\" or M rows of N numbers)");
    const json& w = j["weights"];
    const bool random_weights = w.is_string();
    if (random_weights && w != "random")
      throw Error(where + ": \"weights\" must be \"random\" or M rows of N numbers, got " + shown(w));
    if (random_weights || j.contains("out")) l.out = size_value(j, "out", where);
    if (!random_weights) {
      if (!w.is_array() || w.empty())
        throw Error(where + ": \"weights\" must be \"random\" or M rows of N numbers, got " + shown(w));
      if (l.out != 0 && w.size() != l.out)
        throw Error(where + ": \"weights\" has " + std::to_string(w.size()) + " rows but \"out\" is " +
                    std::to_string(l.out));
      if (w.size() > std::numeric_limits<uint32_t>::max()) throw Error(where + ": too many weight rows");
      l.out = uint32_t(w.size());
    }
    if (uint64_t(l.out) * n > kMaxLayerWeights)
      throw Error(where + ": " + std::to_string(l.out) + " x " + std::to_string(n) +
                  " weights are more than the largest wafer holds");

    const json* b = j.contains("bias") ? &j["bias"] : nullptr;
    const bool random_bias = b && b->is_string() && *b == "random";
    if (b && b->is_string() && !random_bias && *b != "zero")
      throw Error(where + ": \"bias\" must be \"random\", \"zero\" or " + std::to_string(l.out) +
                  " numbers, got " + shown(*b));

    SplitMix rng{0};
    if (random_weights || random_bias) {
      if (!j.contains("seed") || !j["seed"].is_number_unsigned())
        throw Error(where + ": \"seed\" must be an unsigned integer when weights or bias are \"random\"" +
                    (j.contains("seed") ? ", got " + shown(j["seed"]) : std::string(", and is missing")));
      rng.s = j["seed"].get<uint64_t>();
    } else if (j.contains("seed")) {
      throw Error(where + ": \"seed\" is given but neither weights nor bias are \"random\"");
    }
    // 1/sqrt(N) correctly rounded (IEEE sqrt and division), then one float multiply per value: exact fp32.
    const float scale = float(1.0 / std::sqrt(double(n)));

    l.weight.resize(uint64_t(l.out) * n);
    if (random_weights) {
      for (double& v : l.weight) v = rng.uniform() * scale;
    } else {
      for (uint32_t r = 0; r < l.out; ++r) {
        const json& row = w[r];
        const std::string at = where + ": \"weights\" row " + std::to_string(r);
        if (!row.is_array() || row.size() != n)
          throw Error(at + " must hold " + std::to_string(n) + " numbers (the layer's input width), got " +
                      shown(row));
        for (uint32_t c = 0; c < n; ++c) {
          if (!row[c].is_number())
            throw Error(at + " column " + std::to_string(c) + " is not a number: " + shown(row[c]));
          l.weight[uint64_t(r) * n + c] = row[c].get<double>();
        }
      }
    }

    l.bias.assign(l.out, 0.0);
    if (random_bias) {
      for (double& v : l.bias) v = rng.uniform() * scale;
    } else if (b && !b->is_string()) {
      if (!b->is_array() || b->size() != l.out)
        throw Error(where + ": \"bias\" must be \"random\", \"zero\" or " + std::to_string(l.out) +
                    " numbers, got " + shown(*b));
      for (uint32_t i = 0; i < l.out; ++i) {
        if (!(*b)[i].is_number())
          throw Error(where + ": \"bias\" entry " + std::to_string(i) +
                      " is not a number: " + shown((*b)[i]));
        l.bias[i] = (*b)[i].get<double>();
      }
    }
    return l;
  }

  const std::string path_;
};

}  // namespace

LayerGraph import_json_layers(const std::string& path) {
  const std::string text = read_file(path);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(path + ": not valid JSON (byte " + std::to_string(e.byte) + "): " + e.what());
  }
  return JsonLayers(path).parse(doc);
}

}  // namespace wafer::mapper
