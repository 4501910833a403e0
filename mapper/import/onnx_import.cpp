#include "mapper/import/onnx_import.h"

#include <deque>
#include <limits>
#include <map>
#include <set>

#include "host/model/error.h"
#include "mapper/import/onnx_model.h"

namespace wafer::mapper {
namespace {

using onnx_model::dims_string;

constexpr int64_t kUnknown = -1;

// The activation flowing down the chain: dimension 0 is the batch, the rest are one sample's features.
struct ActShape {
  bool rank_known = false;        // false when the graph input declares no shape
  int64_t batch = kUnknown;       // the declared value; kUnknown when symbolic or absent
  std::vector<int64_t> features;  // kUnknown where symbolic or absent
  bool features_known() const {
    if (!rank_known) return false;
    for (int64_t d : features)
      if (d == kUnknown) return false;
    return true;
  }
  int64_t feature_count() const {
    int64_t n = 1;
    for (int64_t d : features) n *= d;
    return n;
  }
  std::string str() const {
    if (!rank_known) return "[batch, ?] (undeclared)";
    std::string s = "[" + (batch == kUnknown ? std::string("batch") : std::to_string(batch));
    for (int64_t d : features) s += ", " + (d == kUnknown ? std::string("?") : std::to_string(d));
    return s + "]";
  }
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

class OnnxImporter {
 public:
  OnnxImporter(const std::string& path, const onnx::ModelProto& m) : path_(path), g_(m.graph()) {}

  LayerGraph run() {
    find_constants();
    find_ends();
    find_consumers();
    walk_chain();
    LayerGraph out;
    out.source = path_;
    out.input_name = input_;
    out.output_name = output_;
    out.input_feature_major = feature_major_;
    out.layers = std::move(layers_);
    check_declared_output(out);
    out.validate();
    return out;
  }

 private:
  // ---- errors and attributes ----
  std::string where(int n) const {
    return path_ + ": " + onnx_model::node_label(g_.node(n), n) + " (" + g_.node(n).op_type() + ")";
  }
  [[noreturn]] void fail(int n, const std::string& msg) const { throw Error(where(n) + ": " + msg); }
  // The name a fused layer carries: the node's, or "Gemm#3" for a node without one.
  std::string layer_name(int n) const {
    const auto& node = g_.node(n);
    return node.name().empty() ? node.op_type() + "#" + std::to_string(n) : node.name();
  }
  void check_attributes(int n, const std::set<std::string>& known) const {
    for (const auto& a : g_.node(n).attribute())
      if (!known.count(a.name())) fail(n, "has attribute '" + a.name() + "', which the mapper does not read");
  }
  const onnx::AttributeProto* attribute(int n, const std::string& name,
                                        onnx::AttributeProto::AttributeType type) const {
    for (const auto& a : g_.node(n).attribute()) {
      if (a.name() != name) continue;
      if (a.type() != type) fail(n, "attribute '" + name + "' has the wrong type");
      return &a;
    }
    return nullptr;
  }
  int64_t int_attribute(int n, const std::string& name, int64_t fallback) const {
    const auto* a = attribute(n, name, onnx::AttributeProto::INT);
    return a ? a->i() : fallback;
  }
  double float_attribute(int n, const std::string& name, float fallback) const {
    const auto* a = attribute(n, name, onnx::AttributeProto::FLOAT);
    return a ? a->f() : fallback;
  }

  // ---- constants: initializers, Constant nodes and Identity nodes of a constant ----
  void find_constants() {
    for (const auto& t : g_.initializer()) {
      constants_[t.name()] = &t;
      initializers_.insert(t.name());
    }
    for (int n = 0; n < g_.node_size(); ++n) {
      const auto& node = g_.node(n);
      if (node.op_type() == "Constant") {
        owned_.push_back(onnx_model::constant_value(node, where(n)));
        constants_[node.output(0)] = &owned_.back();
        constant_nodes_.insert(n);
      } else if (node.op_type() == "Identity" && constants_.count(node.input(0))) {
        // PyTorch writes Identity nodes on initializers (shared weights); they are constants too.
        constants_[node.output(0)] = constants_[node.input(0)];
        constant_nodes_.insert(n);
      }
    }
  }
  bool is_constant(const std::string& name) const { return constants_.count(name) > 0; }
  std::vector<double> float_constant(int n, const std::string& name, std::vector<int64_t>* dims) const {
    const onnx::TensorProto& t = *constants_.at(name);
    *dims = onnx_model::tensor_dims(t);
    return onnx_model::float_values(t, where(n));
  }

  // ---- the graph's ends ----
  void find_ends() {
    std::vector<const onnx::ValueInfoProto*> inputs;
    std::vector<std::string> names;
    for (const auto& vi : g_.input())
      if (!initializers_.count(vi.name())) inputs.push_back(&vi), names.push_back("'" + vi.name() + "'");
    if (inputs.size() != 1)
      throw Error(path_ + ": the graph has " + std::to_string(inputs.size()) +
                  " inputs that are not initializers (" + join(names) +
                  "); the mapper takes exactly one, the activation");
    if (g_.output_size() != 1)
      throw Error(path_ + ": the graph has " + std::to_string(g_.output_size()) +
                  " outputs; the mapper takes exactly one");
    input_ = inputs[0]->name();
    output_ = g_.output(0).name();
    input_info_ = inputs[0];
    const auto& type = input_info_->type();
    if (type.has_tensor_type()) {
      const int32_t elem = type.tensor_type().elem_type();
      if (elem != onnx::TensorProto::FLOAT && elem != onnx::TensorProto::DOUBLE &&
          elem != onnx::TensorProto::UNDEFINED)
        throw Error(path_ + ": the graph input '" + input_ + "' has element type " +
                    onnx::TensorProto_DataType_Name(onnx::TensorProto_DataType(elem)) +
                    "; the mapper takes FLOAT or DOUBLE");
    }
    shape_ = declared_input_shape(false);
  }
  // The input's declared shape, read as [batch, features...] or, feature-major, [features, batch].
  ActShape declared_input_shape(bool feature_major) const {
    ActShape s;
    const auto& type = input_info_->type();
    if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return s;
    std::vector<int64_t> dims;
    for (const auto& d : type.tensor_type().shape().dim())
      dims.push_back(d.has_dim_value() ? d.dim_value() : kUnknown);
    s.rank_known = true;
    if (dims.empty()) return s;
    if (feature_major) {
      // Read as [features, batch]; the Gemm refuses another rank.
      s.features = {dims[0]};
      if (dims.size() > 1) s.batch = dims[1];
    } else {
      s.batch = dims[0];
      s.features.assign(dims.begin() + 1, dims.end());
    }
    return s;
  }
  void check_declared_output(const LayerGraph& out) const {
    const auto& type = g_.output(0).type();
    if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return;
    const auto& dims = type.tensor_type().shape().dim();
    const uint32_t m = out.layers.empty() ? 0 : out.layers.back().out;
    if (dims.size() != 2 || (dims[1].has_dim_value() && dims[1].dim_value() != int64_t(m)))
      throw Error(path_ + ": the graph output '" + output_ + "' is declared with " +
                  std::to_string(dims.size()) + " dimensions" +
                  (dims.size() == 2 ? " and " + std::to_string(dims[1].dim_value()) + " features" : "") +
                  " but the layers produce [batch, " + std::to_string(m) + "]");
  }

  // ---- the chain ----
  void find_consumers() {
    for (int n = 0; n < g_.node_size(); ++n) {
      if (constant_nodes_.count(n)) continue;
      for (const auto& in : g_.node(n).input()) {
        if (in.empty() || is_constant(in)) continue;
        auto& users = consumers_[in];
        if (users.empty() || users.back() != n) users.push_back(n);
      }
      for (const auto& out : g_.node(n).output()) producer_[out] = n;
    }
  }
  std::string value_label(const std::string& value) const {
    const auto p = producer_.find(value);
    return "'" + value + "'" +
           (p == producer_.end() ? std::string(" (the graph input)")
                                 : " (from " + onnx_model::node_label(g_.node(p->second), p->second) + ")");
  }
  void walk_chain() {
    std::string act = input_;
    std::set<int> visited;
    for (;;) {
      const auto it = consumers_.find(act);
      const std::vector<int> users = it == consumers_.end() ? std::vector<int>{} : it->second;
      if (act == output_) {
        if (!users.empty())
          fail(users[0], "reads the graph output '" + act +
                             "': the mapper supports a single chain from input to output, without branches");
        break;
      }
      if (users.empty())
        throw Error(path_ + ": the value " + value_label(act) + " is not used and is not the graph output '" +
                    output_ + "': the mapper supports a single chain from input to output");
      if (users.size() > 1) {
        std::vector<std::string> labels;
        for (int u : users) labels.push_back(onnx_model::node_label(g_.node(u), u));
        throw Error(path_ + ": the value " + value_label(act) + " is read by " +
                    std::to_string(users.size()) + " nodes (" + join(labels) +
                    "): the mapper supports a single chain, without branches");
      }
      act = step(users[0], act);
      visited.insert(users[0]);
    }
    for (int n = 0; n < g_.node_size(); ++n)
      if (!constant_nodes_.count(n) && !visited.count(n))
        fail(n, "is not on the chain from the input '" + input_ + "' to the output '" + output_ +
                    "'; the mapper supports a single chain");
  }

  // One node of the chain: checks its operands, applies it, returns the activation it produces.
  std::string step(int n, const std::string& act) {
    const auto& node = g_.node(n);
    int slot = -1;
    for (int i = 0; i < node.input_size(); ++i) {
      const std::string& in = node.input(i);
      if (in == act) {
        if (slot >= 0) fail(n, "reads the activation '" + act + "' twice");
        slot = i;
      } else if (!in.empty() && !is_constant(in)) {
        fail(n, "reads two activations, '" + act + "' and " + value_label(in) +
                    ": the mapper supports a chain whose other operands are initializers or Constant nodes");
      }
    }
    if (node.output_size() < 1 || node.output(0).empty()) fail(n, "has no output");
    for (int i = 1; i < node.output_size(); ++i) {
      const std::string& extra = node.output(i);
      if (!extra.empty() && (consumers_.count(extra) || extra == output_))
        fail(n, "its output '" + extra +
                    "' is used; the mapper drops this node, so only its first output may be");
    }
    const std::string& op = node.op_type();
    // Gemm says why itself; Add is commutative.
    if (op != "Gemm" && op != "Add" && slot != 0)
      fail(n, "takes the activation as input " + std::to_string(slot));
    if (op == "Gemm")
      gemm(n, slot);
    else if (op == "MatMul")
      matmul(n);
    else if (op == "Add")
      add(n, slot);
    else if (op == "Relu")
      relu(n);
    else if (op == "Flatten")
      flatten(n);
    else if (op == "Reshape")
      reshape(n);
    else if (op == "Identity")
      check_attributes(n, {});
    else if (op == "Dropout")
      dropout(n, slot);
    else
      fail(n, "cannot be on the activation's path");  // a Constant: has no inputs, never gets here
    return node.output(0);
  }

  // The activation must be [batch, K]; returns K (kUnknown when undeclared).
  int64_t activation_features(int n, int64_t k_of_weights, const std::string& weights) const {
    if (shape_.rank_known && shape_.features.size() != 1)
      fail(n, "needs a 2-D activation [batch, features] but it is " + shape_.str() + "; flatten it first");
    const int64_t f = shape_.rank_known ? shape_.features[0] : kUnknown;
    if (f != kUnknown && f != k_of_weights)
      fail(n, "the weights " + weights + " take " + std::to_string(k_of_weights) +
                  " inputs but the activation has " + std::to_string(f) + " features (shape " + shape_.str() +
                  ")");
    return f;
  }
  FcLayer new_layer(int n, int64_t k, int64_t m, const std::string& weights) const {
    constexpr int64_t kMax = std::numeric_limits<uint32_t>::max();
    if (k <= 0 || m <= 0 || k > kMax || m > kMax)
      fail(n, "the weights " + weights + " give a " + std::to_string(m) + "x" + std::to_string(k) +
                  " matrix; the mapper needs 1 to 2^32-1 rows and columns");
    FcLayer l;
    l.name = layer_name(n);
    l.in = uint32_t(k), l.out = uint32_t(m);
    l.weight.resize(uint64_t(k) * uint64_t(m));
    l.bias.assign(uint64_t(m), 0.0);
    return l;
  }

  void gemm(int n, int slot) {
    check_attributes(n, {"alpha", "beta", "transA", "transB"});
    const auto& node = g_.node(n);
    if (slot != 0)
      fail(n, "takes the activation as input " + std::to_string(slot) +
                  "; the mapper needs it as A, with the weights as B");
    const double alpha = float_attribute(n, "alpha", 1.0f), beta = float_attribute(n, "beta", 1.0f);
    const bool trans_a = int_attribute(n, "transA", 0) != 0, trans_b = int_attribute(n, "transB", 0) != 0;
    if (node.input_size() < 2 || node.input(1).empty()) fail(n, "has no B input");
    if (trans_a) {
      if (node.input(0) != input_)
        fail(n, "has transA=1 on '" + node.input(0) + "', which is not the graph input '" + input_ +
                    "': the mapper takes feature-major data only straight from the input");
      shape_ = declared_input_shape(true);
      if (shape_.rank_known && input_info_->type().tensor_type().shape().dim_size() != 2)
        fail(n,
             "has transA=1 on the graph input '" + input_ + "', which is not declared 2-D [features, batch]");
      feature_major_ = true;
    }
    std::vector<int64_t> bd;
    const std::vector<double> b = float_constant(n, node.input(1), &bd);
    const std::string bname = "'" + node.input(1) + "' " + dims_string(bd) + (trans_b ? " (transB=1)" : "");
    if (bd.size() != 2) fail(n, "B " + bname + " is not a matrix");
    const int64_t k = trans_b ? bd[1] : bd[0], m = trans_b ? bd[0] : bd[1];
    activation_features(n, k, bname);
    FcLayer l = new_layer(n, k, m, bname);
    // alpha * b is exact in float64 for float32 operands (24 + 24 significant bits < 53).
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < k; ++j) l.weight[i * k + j] = alpha * (trans_b ? b[i * k + j] : b[j * m + i]);
    if (node.input_size() >= 3 && !node.input(2).empty()) {
      const std::vector<double> c = gemm_bias(n, node.input(2), m);
      for (int64_t i = 0; i < m; ++i) l.bias[i] = beta * c[i];
    }
    shape_.features = {m};
    layers_.push_back(std::move(l));
  }
  // Gemm's C as a stationary bias of M entries. C broadcasts (unidirectionally) to [batch, M]: a scalar,
  // [M], [1, M], [1, 1] or [B, 1] / [B, M] whose rows are all equal. Rows that differ would make the bias
  // depend on the sample, which a bias stored once on the wafer cannot be.
  std::vector<double> gemm_bias(int n, const std::string& name, int64_t m) const {
    std::vector<int64_t> cd;
    const std::vector<double> c = float_constant(n, name, &cd);
    const std::string what = "C '" + name + "' " + dims_string(cd);
    const int64_t cols = cd.empty() ? 1 : cd.back(), rows = cd.size() == 2 ? cd[0] : 1;
    const bool rows_ok = rows == 1 || (rows > 1 && (shape_.batch == kUnknown || rows == shape_.batch));
    if (cd.size() > 2 || (cols != 1 && cols != m) || !rows_ok)
      fail(n, what + " does not broadcast to the output [" +
                  (shape_.batch == kUnknown ? std::string("batch") : std::to_string(shape_.batch)) + ", " +
                  std::to_string(m) + "]");
    for (int64_t r = 1; r < rows; ++r)
      for (int64_t j = 0; j < cols; ++j)
        if (!(c[r * cols + j] == c[j]))
          fail(n,
               what + " has rows that differ (row " + std::to_string(r) + " column " + std::to_string(j) +
                   "): a per-sample bias depends on the sample and cannot be a stationary bias on the wafer");
    std::vector<double> bias(static_cast<uint64_t>(m));
    for (int64_t i = 0; i < m; ++i) bias[i] = cols == 1 ? c[0] : c[i];
    return bias;
  }

  void matmul(int n) {
    check_attributes(n, {});
    const auto& node = g_.node(n);
    std::vector<int64_t> bd;
    const std::vector<double> b = float_constant(n, node.input(1), &bd);
    const std::string bname = "'" + node.input(1) + "' " + dims_string(bd);
    if (bd.size() != 2) fail(n, "the weights " + bname + " are not a matrix [K, M]");
    const int64_t k = bd[0], m = bd[1];
    activation_features(n, k, bname);
    FcLayer l = new_layer(n, k, m, bname);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < k; ++j) l.weight[i * k + j] = b[j * m + i];
    shape_.features = {m};
    layers_.push_back(std::move(l));
  }

  void add(int n, int slot) {
    check_attributes(n, {});
    if (layers_.empty())
      fail(n,
           "adds a constant before any Gemm/MatMul; the mapper folds an Add only into the bias of the "
           "layer before it");
    FcLayer& l = layers_.back();
    if (l.act != Activation::kNone)
      fail(n, "adds a constant after layer '" + l.name + "' has its activation (" + activation_name(l.act) +
                  "); it cannot fold into that layer's bias");
    const std::string& name = g_.node(n).input(1 - slot);
    std::vector<int64_t> cd;
    const std::vector<double> c = float_constant(n, name, &cd);
    const int64_t m = l.out;
    const bool scalar = c.size() == 1 && cd.size() <= 2 && (cd.size() < 2 || cd[0] == 1);
    const bool vector = (cd.size() == 1 && cd[0] == m) || (cd.size() == 2 && cd[0] == 1 && cd[1] == m);
    if (!scalar && !vector)
      fail(n, "the bias '" + name + "' has shape " + dims_string(cd) +
                  "; an Add folds into a bias only with shape [M], [1, M] or a scalar (M = " +
                  std::to_string(m) + ")");
    for (int64_t i = 0; i < m; ++i) l.bias[i] += scalar ? c[0] : c[i];
    l.name += "+" + layer_name(n);
  }

  void relu(int n) {
    check_attributes(n, {});
    if (layers_.empty())
      fail(n,
           "comes before any Gemm/MatMul; the mapper applies a Relu only as the activation of the layer "
           "before it");
    FcLayer& l = layers_.back();
    if (l.act != Activation::kNone) fail(n, "is a second activation on layer '" + l.name + "'");
    l.act = Activation::kRelu;
    l.name += "+" + layer_name(n);
  }

  void require_known_features(int n) const {
    if (!shape_.features_known())
      fail(n,
           "needs the activation's feature dimensions, but they are not all declared (" + shape_.str() + ")");
  }

  void flatten(int n) {
    check_attributes(n, {"axis"});
    require_known_features(n);
    const int64_t rank = 1 + int64_t(shape_.features.size());
    int64_t axis = int_attribute(n, "axis", 1);
    if (axis < 0) axis += rank;
    if (axis < 0 || axis > rank)
      fail(n, "axis " + std::to_string(axis) + " is out of range for " + shape_.str());
    const int64_t f = shape_.feature_count();
    if (axis == 0) {
      // [1, batch * features]: one sample per row only if the batch is 1.
      if (shape_.batch != 1)
        fail(n, "axis=0 on " + shape_.str() +
                    " puts the whole batch in one row; the mapper needs one sample per row");
    } else {
      int64_t lead = 1;
      for (int64_t i = 0; i + 1 < axis; ++i) lead *= shape_.features[i];
      if (lead != 1)
        fail(n, "axis=" + std::to_string(axis) + " on " + shape_.str() + " gives " + std::to_string(lead) +
                    " rows per sample; the mapper needs one sample per row");
    }
    shape_.features = {f};
  }

  // A Reshape is value-preserving for the mapper when it gives [batch, F], F a sample's feature count.
  void reshape(int n) {
    check_attributes(n, {"allowzero"});
    require_known_features(n);
    const auto& node = g_.node(n);
    if (node.input_size() < 2 || !is_constant(node.input(1)))
      fail(n, "its shape is not an initializer or a Constant");
    const onnx::TensorProto& st = *constants_.at(node.input(1));
    const std::vector<int64_t> s = onnx_model::int_values(st, where(n));
    const std::string to = "reshapes " + shape_.str() + " to " + dims_string(s);
    if (s.size() != 2) fail(n, to + "; the mapper accepts only a Reshape to 2-D [batch, features]");
    const bool allow_zero = int_attribute(n, "allowzero", 0) != 0;
    const int64_t f = shape_.feature_count();
    int64_t d0 = s[0], d1 = s[1];
    if (d0 < -1 || d1 < -1 || (d0 == -1 && d1 == -1)) fail(n, to + ", which ONNX does not allow");
    if (allow_zero && (d0 == 0 || d1 == 0)) fail(n, to + " with allowzero=1: an empty tensor");
    // 0 copies the input's dimension: the batch for d0, the first feature dimension for d1.
    if (d1 == 0) {
      if (shape_.features.empty()) fail(n, to + ", but the activation has no dimension 1 to copy");
      d1 = shape_.features[0];
    }
    if (d1 == -1) {
      // [0 or k, -1]: with an unknown batch, dimension 0 is taken as the batch whatever its value.
      if (d0 == 0 || shape_.batch == kUnknown)
        d1 = f;
      else
        d1 = shape_.batch * f % d0 == 0 ? shape_.batch * f / d0 : kUnknown;
    }
    if (d1 != f || (d0 > 0 && shape_.batch != kUnknown && d0 != shape_.batch))
      fail(n, to + ", which does not keep one sample of " + std::to_string(f) +
                  " features per row; the mapper accepts only a Reshape to [batch, features]");
    if (d0 > 0) shape_.batch = d0;
    shape_.features = {f};
  }

  void dropout(int n, int slot) {
    check_attributes(n, {"seed", "ratio"});
    if (slot != 0) fail(n, "takes the activation as input " + std::to_string(slot));
    const auto& node = g_.node(n);
    // Inference: Dropout is the identity unless training_mode is true.
    if (node.input_size() >= 3 && !node.input(2).empty()) {
      const std::vector<int64_t> t = onnx_model::int_values(*constants_.at(node.input(2)), where(n));
      if (t.size() != 1 || t[0] != 0) fail(n, "has training_mode=true; the mapper runs inference only");
    }
  }

  const std::string path_;
  const onnx::GraphProto& g_;
  std::map<std::string, const onnx::TensorProto*> constants_;
  std::deque<onnx::TensorProto> owned_;  // Constant nodes' values (a deque keeps pointers valid)
  std::set<std::string> initializers_;
  std::set<int> constant_nodes_;                       // Constant nodes and Identity nodes of constants
  std::map<std::string, std::vector<int>> consumers_;  // value -> the non-constant nodes reading it
  std::map<std::string, int> producer_;
  std::string input_, output_;
  const onnx::ValueInfoProto* input_info_ = nullptr;
  ActShape shape_;
  bool feature_major_ = false;
  std::vector<FcLayer> layers_;
};

}  // namespace

LayerGraph import_onnx(const std::string& path) {
  const onnx::ModelProto model = onnx_model::load(path);
  return OnnxImporter(path, model).run();
}

}  // namespace wafer::mapper
