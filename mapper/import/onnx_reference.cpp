#include "mapper/import/onnx_reference.h"

#include <algorithm>
#include <map>
#include <set>

#include "host/model/error.h"
#include "mapper/import/onnx_model.h"

namespace wafer::mapper {
namespace {

using onnx_model::dims_string;
using Shape = std::vector<int64_t>;

// Every value is held in float64, int tensors (Reshape's shape, Dropout's training_mode) too: exact
// below 2^53.
struct Tensor {
  Shape shape;
  std::vector<double> data;
};

int64_t count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// numpy broadcasting: dimensions aligned from the right, each pair equal or one of them 1. Empty when the
// shapes do not broadcast.
bool broadcast(const Shape& a, const Shape& b, Shape* out) {
  const size_t r = std::max(a.size(), b.size());
  out->assign(r, 1);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1, db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) return false;
    (*out)[r - 1 - i] = da == 1 ? db : da;
  }
  return true;
}

// The element strides of a tensor of shape `s` read as one of shape `out` it broadcasts to: 0 along the
// dimensions it repeats.
std::vector<int64_t> broadcast_strides(const Shape& s, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  int64_t stride = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    const size_t k = s.size() - 1 - i, o = out.size() - 1 - i;
    if (s[k] != 1) st[o] = stride;
    stride *= s[k];
  }
  return st;
}

// Calls f(element, offset in a, offset in b) for every element of `out`, in row-major order.
template <typename F>
void for_each_broadcast(const Shape& out, const std::vector<int64_t>& sa, const std::vector<int64_t>& sb,
                        F f) {
  std::vector<int64_t> idx(out.size(), 0);
  int64_t oa = 0, ob = 0;
  const int64_t n = count(out);
  for (int64_t e = 0; e < n; ++e) {
    f(e, oa, ob);
    for (int d = int(out.size()) - 1; d >= 0; --d) {
      ++idx[d], oa += sa[d], ob += sb[d];
      if (idx[d] < out[d]) break;
      oa -= sa[d] * out[d], ob -= sb[d] * out[d], idx[d] = 0;
    }
  }
}

class Evaluator {
 public:
  Evaluator(const std::string& path, const onnx::ModelProto& m) : path_(path), g_(m.graph()) {
    for (const auto& t : g_.initializer()) initializers_[t.name()] = &t;
  }

  std::vector<double> run(const std::vector<double>& input, const std::vector<uint64_t>& input_shape) {
    feed_input(input, input_shape);
    for (int n = 0; n < g_.node_size(); ++n) evaluate(n);
    if (g_.output_size() != 1)
      throw Error(path_ + ": the graph has " + std::to_string(g_.output_size()) +
                  " outputs, the reference takes one");
    const auto it = env_.find(g_.output(0).name());
    if (it == env_.end())
      throw Error(path_ + ": no node produces the graph output '" + g_.output(0).name() + "'");
    return it->second.data;
  }

 private:
  std::string where(int n) const {
    return path_ + ": " + onnx_model::node_label(g_.node(n), n) + " (" + g_.node(n).op_type() + ")";
  }
  [[noreturn]] void fail(int n, const std::string& msg) const { throw Error(where(n) + ": " + msg); }

  void feed_input(const std::vector<double>& input, const std::vector<uint64_t>& shape) {
    const onnx::ValueInfoProto* in = nullptr;
    int inputs = 0;
    for (const auto& vi : g_.input())
      if (!initializers_.count(vi.name())) in = &vi, ++inputs;
    if (inputs != 1)
      throw Error(path_ + ": the graph has " + std::to_string(inputs) +
                  " inputs that are not initializers; the reference feeds exactly one");
    Tensor t{Shape(shape.begin(), shape.end()), input};
    if (uint64_t(count(t.shape)) != input.size())
      throw Error(path_ + ": the input shape " + dims_string(t.shape) + " holds " +
                  std::to_string(count(t.shape)) + " values but " + std::to_string(input.size()) +
                  " are given");
    const auto& type = in->type();
    if (type.has_tensor_type() && type.tensor_type().has_shape()) {
      const auto& dims = type.tensor_type().shape().dim();
      bool ok = dims.size() == int(t.shape.size());
      // Dimension 0 is the batch, whatever the model declares: PyTorch writes the export example's batch.
      for (int i = 1; ok && i < dims.size(); ++i)
        ok = !dims[i].has_dim_value() || dims[i].dim_value() == t.shape[i];
      if (!ok)
        throw Error(path_ + ": the input '" + in->name() + "' given as " + dims_string(t.shape) +
                    " does not match its declared shape");
    }
    env_[in->name()] = std::move(t);
  }

  // An input of node n; `optional` ones may be absent (an empty name or past the end): nullptr then.
  const Tensor* operand(int n, int i, bool optional = false) {
    const auto& node = g_.node(n);
    if (i >= node.input_size() || node.input(i).empty()) {
      if (optional) return nullptr;
      fail(n, "has no input " + std::to_string(i));
    }
    const std::string& name = node.input(i);
    if (auto it = env_.find(name); it != env_.end()) return &it->second;
    const auto init = initializers_.find(name);
    if (init == initializers_.end()) fail(n, "reads '" + name + "', which no earlier node produces");
    return &(env_[name] = decode(*init->second, where(n)));
  }
  static Tensor decode(const onnx::TensorProto& t, const std::string& where) {
    Tensor out{onnx_model::tensor_dims(t), {}};
    const int32_t type = t.data_type();
    if (type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE) {
      out.data = onnx_model::float_values(t, where);
    } else if (type != onnx::TensorProto::INT64 && type != onnx::TensorProto::INT32 &&
               type != onnx::TensorProto::BOOL) {
      onnx_model::float_values(t, where);  // throws, naming the tensor and its type
    } else {
      for (int64_t v : onnx_model::int_values(t, where)) out.data.push_back(double(v));
    }
    return out;
  }
  void set_output(int n, Tensor t, int i = 0) {
    const auto& node = g_.node(n);
    if (i < node.output_size() && !node.output(i).empty()) env_[node.output(i)] = std::move(t);
  }

  void check_attributes(int n, const std::set<std::string>& known) const {
    for (const auto& a : g_.node(n).attribute())
      if (!known.count(a.name()))
        fail(n, "has attribute '" + a.name() + "', which the reference does not know");
  }
  int64_t int_attribute(int n, const std::string& name, int64_t fallback) const {
    for (const auto& a : g_.node(n).attribute())
      if (a.name() == name) {
        if (a.type() != onnx::AttributeProto::INT) fail(n, "attribute '" + name + "' is not an int");
        return a.i();
      }
    return fallback;
  }
  double float_attribute(int n, const std::string& name, double fallback) const {
    for (const auto& a : g_.node(n).attribute())
      if (a.name() == name) {
        if (a.type() != onnx::AttributeProto::FLOAT) fail(n, "attribute '" + name + "' is not a float");
        return a.f();
      }
    return fallback;
  }

  void evaluate(int n) {
    const std::string& op = g_.node(n).op_type();
    if (op == "Gemm")
      gemm(n);
    else if (op == "MatMul")
      matmul(n);
    else if (op == "Add")
      add(n);
    else if (op == "Relu")
      relu(n);
    else if (op == "Flatten")
      flatten(n);
    else if (op == "Reshape")
      reshape(n);
    else if (op == "Identity")
      check_attributes(n, {}), set_output(n, *operand(n, 0));
    else if (op == "Dropout")
      dropout(n);
    else if (op == "Constant")
      set_output(n, decode(onnx_model::constant_value(g_.node(n), where(n)), where(n)));
    else
      fail(n, "has an op the reference does not evaluate");
  }

  // Y = alpha * A' B' + beta * C, A' = transA ? A^T : A (M x K), B' likewise (K x N), C broadcast to M x N.
  void gemm(int n) {
    check_attributes(n, {"alpha", "beta", "transA", "transB"});
    const Tensor &a = *operand(n, 0), &b = *operand(n, 1);
    const Tensor* c = operand(n, 2, true);
    const double alpha = float_attribute(n, "alpha", 1.0), beta = float_attribute(n, "beta", 1.0);
    const bool ta = int_attribute(n, "transA", 0) != 0, tb = int_attribute(n, "transB", 0) != 0;
    if (a.shape.size() != 2 || b.shape.size() != 2)
      fail(n, "A " + dims_string(a.shape) + " and B " + dims_string(b.shape) + " must be matrices");
    const int64_t m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
    const int64_t kb = tb ? b.shape[1] : b.shape[0], nn = tb ? b.shape[0] : b.shape[1];
    if (k != kb) fail(n, "A " + dims_string(a.shape) + " and B " + dims_string(b.shape) + " do not multiply");
    Tensor y{{m, nn}, std::vector<double>(uint64_t(m * nn))};
    std::vector<int64_t> cs(2, 0);
    if (c) {
      Shape out;
      if (!broadcast(c->shape, y.shape, &out) || out != y.shape)
        fail(n, "C " + dims_string(c->shape) + " does not broadcast to " + dims_string(y.shape));
      cs = broadcast_strides(c->shape, y.shape);
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < nn; ++j) {
        double sum = 0;
        for (int64_t t = 0; t < k; ++t)
          sum += a.data[ta ? t * m + i : i * k + t] * b.data[tb ? j * k + t : t * nn + j];
        y.data[i * nn + j] = alpha * sum + (c ? beta * c->data[i * cs[0] + j * cs[1]] : 0.0);
      }
    set_output(n, std::move(y));
  }

  // numpy matmul: 1-D operands are promoted to matrices (and the added dimension removed again), the
  // leading dimensions broadcast.
  void matmul(int n) {
    check_attributes(n, {});
    const Tensor &a = *operand(n, 0), &b = *operand(n, 1);
    if (a.shape.empty() || b.shape.empty()) fail(n, "has a scalar operand");
    Shape as = a.shape, bs = b.shape;
    if (as.size() == 1) as.insert(as.begin(), 1);
    if (bs.size() == 1) bs.push_back(1);
    const int64_t rows = as[as.size() - 2], k = as.back(), cols = bs.back();
    if (bs[bs.size() - 2] != k)
      fail(n, dims_string(a.shape) + " x " + dims_string(b.shape) + " do not multiply");
    const Shape ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
    Shape batch;
    if (!broadcast(ab, bb, &batch))
      fail(n, "the batch dimensions of " + dims_string(a.shape) + " and " + dims_string(b.shape) +
                  " do not broadcast");
    Shape out = batch;
    if (a.shape.size() > 1) out.push_back(rows);
    if (b.shape.size() > 1) out.push_back(cols);
    Tensor y{out, std::vector<double>(uint64_t(count(batch) * rows * cols))};
    for_each_broadcast(batch, broadcast_strides(ab, batch), broadcast_strides(bb, batch),
                       [&](int64_t e, int64_t oa, int64_t ob) {
                         const double* pa = a.data.data() + oa * rows * k;
                         const double* pb = b.data.data() + ob * k * cols;
                         for (int64_t i = 0; i < rows; ++i)
                           for (int64_t j = 0; j < cols; ++j) {
                             double sum = 0;
                             for (int64_t t = 0; t < k; ++t) sum += pa[i * k + t] * pb[t * cols + j];
                             y.data[(e * rows + i) * cols + j] = sum;
                           }
                       });
    set_output(n, std::move(y));
  }

  void add(int n) {
    check_attributes(n, {});
    const Tensor &a = *operand(n, 0), &b = *operand(n, 1);
    Tensor y;
    if (!broadcast(a.shape, b.shape, &y.shape))
      fail(n, dims_string(a.shape) + " and " + dims_string(b.shape) + " do not broadcast");
    y.data.resize(uint64_t(count(y.shape)));
    for_each_broadcast(y.shape, broadcast_strides(a.shape, y.shape), broadcast_strides(b.shape, y.shape),
                       [&](int64_t e, int64_t oa, int64_t ob) { y.data[e] = a.data[oa] + b.data[ob]; });
    set_output(n, std::move(y));
  }

  void relu(int n) {
    check_attributes(n, {});
    Tensor y = *operand(n, 0);
    for (double& v : y.data) v = v < 0 ? 0.0 : v;  // NaN stays NaN, as max(0, x) in ONNX runtimes
    set_output(n, std::move(y));
  }

  void flatten(int n) {
    check_attributes(n, {"axis"});
    Tensor y = *operand(n, 0);
    const int64_t r = int64_t(y.shape.size());
    int64_t axis = int_attribute(n, "axis", 1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis > r) fail(n, "axis out of range for " + dims_string(y.shape));
    const Shape lead(y.shape.begin(), y.shape.begin() + axis), rest(y.shape.begin() + axis, y.shape.end());
    y.shape = {count(lead), count(rest)};
    set_output(n, std::move(y));
  }

  // ONNX Reshape: 0 copies the input's dimension (unless allowzero), -1 takes what is left.
  void reshape(int n) {
    check_attributes(n, {"allowzero"});
    Tensor y = *operand(n, 0);
    const Tensor& s = *operand(n, 1);
    const bool allow_zero = int_attribute(n, "allowzero", 0) != 0;
    if (s.shape.size() != 1) fail(n, "the shape " + dims_string(s.shape) + " is not 1-D");
    Shape out;
    int infer = -1;
    for (size_t i = 0; i < s.data.size(); ++i) {
      const int64_t d = int64_t(s.data[i]);
      if (d == 0 && !allow_zero) {
        if (i >= y.shape.size())
          fail(n, "0 at position " + std::to_string(i) + " has no input dimension to copy");
        out.push_back(y.shape[i]);
      } else if (d == -1) {
        if (infer >= 0) fail(n, "the shape has two -1");
        infer = int(i);
        out.push_back(1);
      } else if (d < -1) {
        fail(n, "the shape has " + std::to_string(d));
      } else {
        out.push_back(d);
      }
    }
    const int64_t known = count(out), total = count(y.shape);
    if (infer >= 0) {
      if (known == 0 || total % known != 0)
        fail(n, "cannot infer -1 reshaping " + dims_string(y.shape) + " to " + dims_string(out));
      out[infer] = total / known;
    }
    if (count(out) != total) fail(n, "cannot reshape " + dims_string(y.shape) + " to " + dims_string(out));
    y.shape = out;
    set_output(n, std::move(y));
  }

  // Inference: the identity. training_mode=true would draw random masks, which an oracle cannot.
  void dropout(int n) {
    check_attributes(n, {"seed", "ratio"});
    const Tensor& x = *operand(n, 0);
    operand(n, 1, true);
    if (const Tensor* mode = operand(n, 2, true); mode && (mode->data.size() != 1 || mode->data[0] != 0))
      fail(n, "training_mode is true; the reference evaluates inference only");
    set_output(n, Tensor{x.shape, std::vector<double>(x.data.size(), 1.0)}, 1);  // the mask: all kept
    set_output(n, x);
  }

  const std::string path_;
  const onnx::GraphProto& g_;
  std::map<std::string, const onnx::TensorProto*> initializers_;
  std::map<std::string, Tensor> env_;
};

}  // namespace

std::vector<double> evaluate_onnx_reference(const std::string& path, const std::vector<double>& input,
                                            std::vector<uint64_t> input_shape) {
  const onnx::ModelProto model = onnx_model::load(path);
  return Evaluator(path, model).run(input, input_shape);
}

}  // namespace wafer::mapper
