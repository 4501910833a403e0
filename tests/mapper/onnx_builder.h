// Builds small ONNX models in C++ through the onnx protobuf classes and writes them to temp files, for the
// mapper's tests. Header-only. Typical use:
//
//   test::OnnxBuilder b;                                   // ir_version 8, opset 13
//   b.input("x", {"batch", 4}).output("y", {"batch", 3});
//   b.initializer("W", {3, 4}, w).initializer("b", {3}, bias);
//   b.node("Gemm", {"x", "W", "b"}, {"h"}, "fc1", {{"transB", 1}, {"alpha", 0.5}});
//   b.node("Relu", {"h"}, {"y"}, "relu1");
//   const std::string path = b.save("mlp");               // removed when the builder is destroyed
//
// Nothing is checked here: tests build broken models on purpose.
#pragma once
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "host/model/split_mix.h"

namespace wafer::test {

// How a float tensor stores its values: float_data / double_data, or little-endian bytes in raw_data.
enum class TensorStorage { kFloatData, kDoubleData, kRawFloat, kRawDouble };

// One dimension of a declared input/output shape: a number, a symbol (dim_param) or nothing (unknown).
struct Dim {
  std::variant<std::monostate, int64_t, std::string> v;
  Dim(int v) : v(int64_t(v)) {}
  Dim(int64_t v) : v(v) {}
  Dim(const char* s) : v(std::string(s)) {}
  static Dim unknown() { return Dim(); }

 private:
  Dim() = default;
};

// A node attribute: int, float, ints or tensor, by the C++ type of the value.
struct Attr {
  onnx::AttributeProto proto;
  Attr(const std::string& name, int v) : Attr(name, int64_t(v)) {}
  Attr(const std::string& name, int64_t v) {
    proto.set_name(name), proto.set_type(onnx::AttributeProto::INT), proto.set_i(v);
  }
  Attr(const std::string& name, double v) {
    proto.set_name(name), proto.set_type(onnx::AttributeProto::FLOAT), proto.set_f(float(v));
  }
  Attr(const std::string& name, std::vector<int64_t> v) {
    proto.set_name(name), proto.set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) proto.add_ints(x);
  }
  Attr(const std::string& name, const onnx::TensorProto& t) {
    proto.set_name(name), proto.set_type(onnx::AttributeProto::TENSOR), *proto.mutable_t() = t;
  }
  // A FLOATS attribute (a named factory: a braced list would be ambiguous with the ints constructor).
  static Attr floats(const std::string& name, const std::vector<double>& v) {
    Attr a(name, int64_t(0));
    a.proto.clear_i();
    a.proto.set_type(onnx::AttributeProto::FLOATS);
    for (double x : v) a.proto.add_floats(float(x));
    return a;
  }
};

// `n` values uniform in [-1, 1) on a 2^-23 grid (SplitMix64 from `seed`): exact in float32, so a model
// stored as float32 holds exactly the values a test computes with.
inline std::vector<double> random_fp32_values(uint64_t seed, uint64_t n) {
  std::vector<double> v(n);
  wafer::SplitMix r{seed};
  for (double& x : v) x = r.uniform();
  return v;
}

// A float32/float64 tensor. kFloatData and kRawFloat round the values to float32.
inline onnx::TensorProto make_tensor(const std::string& name, const std::vector<int64_t>& dims,
                                     const std::vector<double>& values,
                                     TensorStorage storage = TensorStorage::kFloatData) {
  onnx::TensorProto t;
  t.set_name(name);
  for (int64_t d : dims) t.add_dims(d);
  const bool is_double = storage == TensorStorage::kDoubleData || storage == TensorStorage::kRawDouble;
  t.set_data_type(is_double ? onnx::TensorProto::DOUBLE : onnx::TensorProto::FLOAT);
  std::string raw;
  for (double v : values) {
    switch (storage) {
      case TensorStorage::kFloatData:
        t.add_float_data(float(v));
        break;
      case TensorStorage::kDoubleData:
        t.add_double_data(v);
        break;
      case TensorStorage::kRawFloat:
        for (int i = 0; i < 4; ++i) raw.push_back(char(std::bit_cast<uint32_t>(float(v)) >> (8 * i)));
        break;
      case TensorStorage::kRawDouble:
        for (int i = 0; i < 8; ++i) raw.push_back(char(std::bit_cast<uint64_t>(v) >> (8 * i)));
        break;
    }
  }
  if (storage == TensorStorage::kRawFloat || storage == TensorStorage::kRawDouble) t.set_raw_data(raw);
  return t;
}

// An int64 tensor (Reshape's shape), in int64_data.
inline onnx::TensorProto make_int64_tensor(const std::string& name, const std::vector<int64_t>& dims,
                                           const std::vector<int64_t>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  for (int64_t d : dims) t.add_dims(d);
  t.set_data_type(onnx::TensorProto::INT64);
  for (int64_t v : values) t.add_int64_data(v);
  return t;
}

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int64_t opset = 13, int64_t ir_version = 8) {
    model_.set_ir_version(ir_version);
    model_.set_producer_name("wafer-tests");
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }
  ~OnnxBuilder() {
    std::error_code ec;
    for (const auto& p : saved_) std::filesystem::remove(p, ec);
  }
  OnnxBuilder(const OnnxBuilder&) = delete;
  OnnxBuilder& operator=(const OnnxBuilder&) = delete;

  OnnxBuilder& initializer(const std::string& name, const std::vector<int64_t>& dims,
                           const std::vector<double>& values,
                           TensorStorage storage = TensorStorage::kFloatData) {
    *graph().add_initializer() = make_tensor(name, dims, values, storage);
    return *this;
  }
  OnnxBuilder& initializer(const onnx::TensorProto& t) {
    *graph().add_initializer() = t;
    return *this;
  }
  // Returns the node, for anything the arguments do not cover (a domain, an odd attribute).
  onnx::NodeProto& node(const std::string& op_type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "",
                        const std::vector<Attr>& attrs = {}) {
    onnx::NodeProto& n = *graph().add_node();
    n.set_op_type(op_type);
    n.set_name(name);
    for (const auto& s : inputs) n.add_input(s);
    for (const auto& s : outputs) n.add_output(s);
    for (const auto& a : attrs) *n.add_attribute() = a.proto;
    return n;
  }
  // A Constant node holding a float tensor (attribute `value`).
  OnnxBuilder& constant(const std::string& output, const std::vector<int64_t>& dims,
                        const std::vector<double>& values, const std::string& name = "") {
    node("Constant", {}, {output}, name, {Attr("value", make_tensor(output, dims, values))});
    return *this;
  }
  OnnxBuilder& input(const std::string& name, const std::vector<Dim>& shape,
                     int32_t elem_type = onnx::TensorProto::FLOAT) {
    set_value_info(*graph().add_input(), name, shape, elem_type);
    return *this;
  }
  OnnxBuilder& output(const std::string& name, const std::vector<Dim>& shape) {
    set_value_info(*graph().add_output(), name, shape, onnx::TensorProto::FLOAT);
    return *this;
  }

  onnx::ModelProto& model() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }
  std::string serialized() const {
    std::string s;
    model_.SerializeToString(&s);
    return s;
  }
  // Writes the model to a fresh temp file named after `stem` and returns its path.
  std::string save(const std::string& stem) { return save_bytes(stem, serialized()); }
  // Writes arbitrary bytes (a truncated model, garbage) to a fresh temp file; removed like save()'s.
  std::string save_bytes(const std::string& stem, const std::string& bytes) {
    static std::atomic<int> counter{0};
    // pid and counter: ctest runs test processes in parallel, each saving models with the same stems.
    const auto path =
        std::filesystem::temp_directory_path() /
        ("wafer_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + stem + ".onnx");
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    saved_.push_back(path.string());
    return path.string();
  }

 private:
  static void set_value_info(onnx::ValueInfoProto& vi, const std::string& name, const std::vector<Dim>& shape,
                             int32_t elem_type) {
    vi.set_name(name);
    auto* tt = vi.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem_type);
    auto* sh = tt->mutable_shape();
    for (const Dim& d : shape) {
      auto* dim = sh->add_dim();
      if (const auto* v = std::get_if<int64_t>(&d.v)) dim->set_dim_value(*v);
      if (const auto* s = std::get_if<std::string>(&d.v)) dim->set_dim_param(*s);
    }
  }

  onnx::ModelProto model_;
  std::vector<std::string> saved_;
};

}  // namespace wafer::test
