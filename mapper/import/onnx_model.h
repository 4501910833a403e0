// Reading an ONNX file and decoding its tensors: the part the importer (onnx_import.h) and the float64
// reference evaluator (onnx_reference.h) share. Only loading and decoding live here; each of the two
// interprets the graph on its own, so that the reference stays an independent oracle for the importer.
// Internal to mapper/import (it includes the onnx protobuf headers, which the mapper links privately).
#pragma once
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace wafer::mapper::onnx_model {

// The ops the mapper supports, in the order error messages list them.
extern const std::vector<std::string> kSupportedOps;

// Reads and parses `path`, refuses any node whose op is not supported (before anything else, naming the
// op, the node and the supported list), then runs onnx::checker::check_model. A model whose IR version or
// default-domain opset is newer than the checker's (ONNX 1.12: IR 8, opset 17) is checked with the
// versions lowered to the checker's (and restored in the returned model): the ops we support have the
// same semantics for float tensors in every opset since (later versions only add element types), and the
// callers check attributes, shapes and sizes themselves. Every failure throws wafer::Error naming the
// file.
onnx::ModelProto load(const std::string& path);

// "node 'fc1'", or "node #3" (its position in the graph, from 0) for a node without a name.
std::string node_label(const onnx::NodeProto& node, int index);

// "[3, 4]".
std::string dims_string(const std::vector<int64_t>& dims);

// The number of elements of a tensor with these dims (1 for a scalar); Error naming `where` when a
// dimension is negative or the count overflows.
uint64_t element_count(const std::vector<int64_t>& dims, const std::string& where);

// A float32 or float64 tensor (float_data, double_data or little-endian raw_data), as float64, exactly.
// Any other data type, external data, or a value count that disagrees with the dims -> Error starting
// with `where` and naming the tensor.
std::vector<double> float_values(const onnx::TensorProto& t, const std::string& where);

// An int64, int32 or bool tensor (int64_data, int32_data or raw_data), as int64. Same errors.
std::vector<int64_t> int_values(const onnx::TensorProto& t, const std::string& where);

std::vector<int64_t> tensor_dims(const onnx::TensorProto& t);

// A Constant node's value as a tensor: attribute `value`, or the value_float(s)/value_int(s) shorthands
// (which ONNX defines as a scalar or a 1-D tensor). Anything else (sparse_value, strings) -> Error.
onnx::TensorProto constant_value(const onnx::NodeProto& node, const std::string& where);

}  // namespace wafer::mapper::onnx_model
