#include "mapper/import/onnx_model.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "host/model/error.h"

namespace wafer::mapper::onnx_model {

const std::vector<std::string> kSupportedOps = {"Gemm",    "MatMul",   "Add",     "Relu",    "Flatten",
                                                "Reshape", "Identity", "Dropout", "Constant"};

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open the ONNX model: " + std::strerror(errno));
  std::ostringstream s;
  s << f.rdbuf();
  if (f.bad()) throw Error(path + ": cannot read the ONNX model");
  return s.str();
}

bool is_default_domain(const std::string& domain) {
  return domain.empty() || domain == "ai.onnx";
}

void refuse_unsupported_ops(const onnx::GraphProto& g, const std::string& path) {
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    const bool known =
        std::find(kSupportedOps.begin(), kSupportedOps.end(), n.op_type()) != kSupportedOps.end();
    if (known && is_default_domain(n.domain())) continue;
    std::string list;
    for (const auto& op : kSupportedOps) list += (list.empty() ? "" : ", ") + op;
    const std::string op = is_default_domain(n.domain()) ? n.op_type() : n.domain() + ":" + n.op_type();
    throw Error(path + ": " + node_label(n, i) + " has op type '" + op +
                "', which the mapper does not support (supported: " + list + ")");
  }
}

void run_checker(onnx::ModelProto& m, const std::string& path) {
  const int64_t checker_ir = onnx::IR_VERSION;
  const int64_t checker_opset = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map().at("").second;
  // The checker refuses an IR version it does not know outright, though newer exporters write one for the
  // same graphs. Such a model is checked claiming the checker's versions (set in place, not on a copy of
  // a possibly large model, and restored after).
  const int64_t ir = m.ir_version();
  std::vector<int64_t> opsets;
  for (const auto& op : m.opset_import()) opsets.push_back(op.version());
  m.set_ir_version(std::min(ir, checker_ir));
  for (auto& op : *m.mutable_opset_import())
    if (is_default_domain(op.domain())) op.set_version(std::min<int64_t>(op.version(), checker_opset));
  std::string refusal;
  try {
    onnx::checker::check_model(m);
  } catch (const std::exception& e) {
    refusal = e.what();
  }
  m.set_ir_version(ir);
  for (int i = 0; i < m.opset_import_size(); ++i) m.mutable_opset_import(i)->set_version(opsets[i]);
  if (!refusal.empty()) throw Error(path + ": the ONNX checker refuses the model: " + refusal);
}

std::string type_name(int32_t data_type) {
  const std::string& n = onnx::TensorProto_DataType_IsValid(data_type)
                             ? onnx::TensorProto_DataType_Name(onnx::TensorProto_DataType(data_type))
                             : std::string();
  return n.empty() ? "data type " + std::to_string(data_type) : n;
}

// Element `i` of little-endian raw_data, `Bytes` bytes wide, as an unsigned integer: portable to any host
// byte order.
template <int Bytes, typename U>
U raw_element(const std::string& raw, uint64_t i) {
  U u = 0;
  for (int b = 0; b < Bytes; ++b) u |= U(uint8_t(raw[i * Bytes + b])) << (8 * b);
  return u;
}

std::string tensor_where(const onnx::TensorProto& t, const std::string& where) {
  return where + ": tensor '" + t.name() + "'";
}

// The number of values stored (typed field or raw bytes) must be the dims' element count.
void check_count(const onnx::TensorProto& t, const std::string& where, uint64_t stored, uint64_t bytes_each) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error(tensor_where(t, where) +
                " keeps its data in an external file, which the mapper does not read");
  const std::vector<int64_t> dims = tensor_dims(t);
  const uint64_t want = element_count(dims, tensor_where(t, where));
  if (!t.raw_data().empty()) {
    if (t.raw_data().size() != want * bytes_each)
      throw Error(tensor_where(t, where) + " has dims " + dims_string(dims) + " (" + std::to_string(want) +
                  " elements of " + std::to_string(bytes_each) + " bytes) but " +
                  std::to_string(t.raw_data().size()) + " bytes of raw_data");
  } else if (stored != want) {
    throw Error(tensor_where(t, where) + " has dims " + dims_string(dims) + " (" + std::to_string(want) +
                " elements) but holds " + std::to_string(stored) + " values");
  }
}

}  // namespace

onnx::ModelProto load(const std::string& path) {
  const std::string bytes = read_file(path);
  if (bytes.empty()) throw Error(path + ": the file is empty, not an ONNX model");
  onnx::ModelProto m;
  if (!m.ParseFromString(bytes))
    throw Error(path + ": not a valid ONNX model (the protobuf does not parse: truncated or malformed, " +
                std::to_string(bytes.size()) + " bytes)");
  if (!m.has_graph()) throw Error(path + ": the ONNX model has no graph");
  refuse_unsupported_ops(m.graph(), path);
  run_checker(m, path);
  return m;
}

std::string node_label(const onnx::NodeProto& node, int index) {
  return node.name().empty() ? "node #" + std::to_string(index) : "node '" + node.name() + "'";
}

std::string dims_string(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

uint64_t element_count(const std::vector<int64_t>& dims, const std::string& where) {
  uint64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) throw Error(where + ": negative dimension in " + dims_string(dims));
    if (__builtin_mul_overflow(n, uint64_t(d), &n))
      throw Error(where + ": the dimensions " + dims_string(dims) + " overflow");
  }
  return n;
}

std::vector<int64_t> tensor_dims(const onnx::TensorProto& t) {
  return {t.dims().begin(), t.dims().end()};
}

std::vector<double> float_values(const onnx::TensorProto& t, const std::string& where) {
  std::vector<double> v;
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    check_count(t, where, uint64_t(t.float_data_size()), 4);
    if (t.raw_data().empty()) return {t.float_data().begin(), t.float_data().end()};
    v.resize(t.raw_data().size() / 4);
    for (uint64_t i = 0; i < v.size(); ++i)
      v[i] = std::bit_cast<float>(raw_element<4, uint32_t>(t.raw_data(), i));
  } else if (t.data_type() == onnx::TensorProto::DOUBLE) {
    check_count(t, where, uint64_t(t.double_data_size()), 8);
    if (t.raw_data().empty()) return {t.double_data().begin(), t.double_data().end()};
    v.resize(t.raw_data().size() / 8);
    for (uint64_t i = 0; i < v.size(); ++i)
      v[i] = std::bit_cast<double>(raw_element<8, uint64_t>(t.raw_data(), i));
  } else {
    throw Error(tensor_where(t, where) + " has " + type_name(t.data_type()) +
                " values; the mapper reads only FLOAT and DOUBLE weights");
  }
  return v;
}

std::vector<int64_t> int_values(const onnx::TensorProto& t, const std::string& where) {
  std::vector<int64_t> v;
  if (t.data_type() == onnx::TensorProto::INT64) {
    check_count(t, where, uint64_t(t.int64_data_size()), 8);
    if (t.raw_data().empty()) return {t.int64_data().begin(), t.int64_data().end()};
    v.resize(t.raw_data().size() / 8);
    for (uint64_t i = 0; i < v.size(); ++i) v[i] = int64_t(raw_element<8, uint64_t>(t.raw_data(), i));
  } else if (t.data_type() == onnx::TensorProto::INT32) {
    check_count(t, where, uint64_t(t.int32_data_size()), 4);
    if (t.raw_data().empty()) return {t.int32_data().begin(), t.int32_data().end()};
    v.resize(t.raw_data().size() / 4);
    for (uint64_t i = 0; i < v.size(); ++i) v[i] = int32_t(raw_element<4, uint32_t>(t.raw_data(), i));
  } else if (t.data_type() == onnx::TensorProto::BOOL) {
    // ONNX stores bools one per int32_data entry, or one byte each in raw_data.
    check_count(t, where, uint64_t(t.int32_data_size()), 1);
    if (t.raw_data().empty()) return {t.int32_data().begin(), t.int32_data().end()};
    v.resize(t.raw_data().size());
    for (uint64_t i = 0; i < v.size(); ++i) v[i] = uint8_t(t.raw_data()[i]) != 0;
  } else {
    throw Error(tensor_where(t, where) + " has " + type_name(t.data_type()) +
                " values where INT64, INT32 or BOOL is expected");
  }
  return v;
}

onnx::TensorProto constant_value(const onnx::NodeProto& node, const std::string& where) {
  if (node.attribute_size() != 1)
    throw Error(where + ": a Constant needs exactly one value attribute, it has " +
                std::to_string(node.attribute_size()));
  const onnx::AttributeProto& a = node.attribute(0);
  onnx::TensorProto t;
  t.set_name(node.output_size() > 0 ? node.output(0) : node.name());
  if (a.name() == "value" && a.type() == onnx::AttributeProto::TENSOR) {
    t = a.t();
    if (node.output_size() > 0) t.set_name(node.output(0));
  } else if (a.name() == "value_float" && a.type() == onnx::AttributeProto::FLOAT) {
    t.set_data_type(onnx::TensorProto::FLOAT), t.add_float_data(a.f());
  } else if (a.name() == "value_floats" && a.type() == onnx::AttributeProto::FLOATS) {
    t.set_data_type(onnx::TensorProto::FLOAT), t.add_dims(a.floats_size());
    for (float f : a.floats()) t.add_float_data(f);
  } else if (a.name() == "value_int" && a.type() == onnx::AttributeProto::INT) {
    t.set_data_type(onnx::TensorProto::INT64), t.add_int64_data(a.i());
  } else if (a.name() == "value_ints" && a.type() == onnx::AttributeProto::INTS) {
    t.set_data_type(onnx::TensorProto::INT64), t.add_dims(a.ints_size());
    for (int64_t i : a.ints()) t.add_int64_data(i);
  } else {
    throw Error(where + ": a Constant with attribute '" + a.name() +
                "' (the mapper reads value, value_float(s) and value_int(s))");
  }
  return t;
}

}  // namespace wafer::mapper::onnx_model
