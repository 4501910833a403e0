// `import wafer`: the host runtime (host/runtime/runtime.h) on NumPy arrays (docs/host-api.md, "Python").
//
// Copies: memcpy_h2d reads straight from the caller's array when it is C-contiguous and float32 or uint32
// (no copy on the way in); another layout is made contiguous once (np.ascontiguousarray), and another dtype
// is refused rather than converted. memcpy_d2h allocates the result (or takes `out=`) and the runtime writes
// into its buffer directly. Between the host and the emulated SRAM there is always one copy: the engines
// keep SRAM word-major (word k of every PE together), which neither SDK order is.
#include <fstream>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "host/engine/trace.h"
#include "host/model/error.h"
#include "host/runtime/runtime.h"

namespace py = pybind11;

namespace wafer {
namespace {

// str(h) as a C++ string.
std::string text(py::handle h) {
  return py::str(h).cast<std::string>();
}

// (x, y, w, h), or (x, y) for one PE.
Rect to_rect(const py::tuple& t) {
  if (t.size() != 2 && t.size() != 4) {
    throw Error("rect " + text(t) + " is not (x, y, w, h) or (x, y)");
  }
  const auto u = [&](size_t i) {
    const long long v = t[i].cast<long long>();
    if (v < 0 || v > 0xFFFFFFFFll) throw Error("rect " + text(t) + " has a negative or huge value");
    return uint32_t(v);
  };
  return t.size() == 2 ? Rect{u(0), u(1), 1, 1} : Rect{u(0), u(1), u(2), u(3)};
}

bool is_dtype(const py::array& a, const py::dtype& d) {
  return a.dtype().is(d) || a.dtype().equal(d);
}

std::string dtype_name(const py::array& a) {
  return text(a.dtype());
}

// "float32" / "uint32" (or np.float32 / np.uint32) -> is float.
bool float_dtype(const py::object& dtype) {
  const py::dtype d = py::dtype::from_args(dtype);
  if (d.equal(py::dtype::of<float>())) return true;
  if (d.equal(py::dtype::of<uint32_t>())) return false;
  throw Error("dtype " + text(d) + ": the runtime moves float32 or uint32");
}

void h2d(Runtime& rt, const std::string& symbol, py::array data, const py::tuple& rect, const std::string& order,
         uint32_t offset) {
  const Rect r = to_rect(rect);
  const Order o = parse_order(order);
  const bool f32 = is_dtype(data, py::dtype::of<float>());
  if (!f32 && !is_dtype(data, py::dtype::of<uint32_t>())) {
    throw Error("memcpy_h2d to '" + symbol + "': dtype " + dtype_name(data) +
                " is neither float32 nor uint32 (convert with .astype(np.float32) or .astype(np.uint32))");
  }
  // The one copy a non-contiguous array costs; a C-contiguous one is read in place.
  if (!(data.flags() & py::array::c_style)) data = py::array::ensure(data, py::array::c_style);
  const size_t n = size_t(data.size());
  if (f32) {
    rt.memcpy_h2d(symbol, r, std::span<const float>(static_cast<const float*>(data.data()), n), o, offset);
  } else {
    rt.memcpy_h2d(symbol, r, std::span<const uint32_t>(static_cast<const uint32_t*>(data.data()), n), o, offset);
  }
}

// Shape (h, w, n) row-major, (n, w, h) column-major: the array's C-order values are the SDK's flat array.
std::vector<py::ssize_t> result_shape(Rect r, uint32_t n, Order o) {
  return o == Order::kRowMajor ? std::vector<py::ssize_t>{r.h, r.w, n} : std::vector<py::ssize_t>{n, r.w, r.h};
}

py::array d2h(const Runtime& rt, const std::string& symbol, const py::tuple& rect, const std::string& order,
              uint32_t offset, std::optional<uint32_t> count, const py::object& dtype, std::optional<py::array> out) {
  const Rect r = to_rect(rect);
  const Order o = parse_order(order);
  py::array result;
  if (out) {
    result = *out;
    const bool ok_type = is_dtype(result, py::dtype::of<float>()) || is_dtype(result, py::dtype::of<uint32_t>());
    if (!ok_type || !(result.flags() & py::array::c_style) || !result.writeable()) {
      throw Error("memcpy_d2h from '" + symbol + "': out= must be a writeable C-contiguous float32 or uint32 array (got " +
                  dtype_name(result) + ")");
    }
  } else {
    const uint32_t n = count ? *count : rt.symbol_words(symbol, r) - std::min(offset, rt.symbol_words(symbol, r));
    const std::vector<py::ssize_t> shape = result_shape(r, n, o);
    result = float_dtype(dtype) ? py::array(py::array_t<float>(shape)) : py::array(py::array_t<uint32_t>(shape));
  }
  const size_t n = size_t(result.size());
  if (is_dtype(result, py::dtype::of<float>())) {
    rt.memcpy_d2h(std::span<float>(static_cast<float*>(result.mutable_data()), n), symbol, r, o, offset);
  } else {
    rt.memcpy_d2h(std::span<uint32_t>(static_cast<uint32_t*>(result.mutable_data()), n), symbol, r, o, offset);
  }
  return result;
}

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> a(py::ssize_t(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

Program make_program(const std::string& path, const py::dict& params, const py::dict& inputs) {
  std::map<std::string, std::string> p;
  for (const auto& [k, v] : params) p[text(k)] = text(v);  // 32, 0.5 and "2*M" all become text
  Program program = Program::open(path, p);
  for (const auto& [k, v] : inputs) {
    const py::array a = py::array::ensure(v, py::array::c_style);
    const std::string name = text(k);
    if (!a) throw Error("input stream '" + name + "': not an array");
    if (is_dtype(a, py::dtype::of<float>())) {
      program.set_input(name, std::span<const float>(static_cast<const float*>(a.data()), size_t(a.size())));
    } else if (is_dtype(a, py::dtype::of<uint32_t>())) {
      program.set_input(name, std::span<const uint32_t>(static_cast<const uint32_t*>(a.data()), size_t(a.size())));
    } else {
      throw Error("input stream '" + name + "': dtype " + dtype_name(a) + " is neither float32 nor uint32");
    }
  }
  return program;
}

}  // namespace
}  // namespace wafer

PYBIND11_MODULE(wafer, m) {
  using namespace wafer;
  m.doc() = "wafer: drive the wafer-scale emulator from Python (docs/host-api.md)";
  py::register_exception<Error>(m, "Error", PyExc_RuntimeError);
  m.def("engine_names", &engine_names, "Engines built into this module: 'cpu' and, if built, 'cuda'.");

  py::class_<ShortStream>(m, "ShortStream")
      .def_readonly("name", &ShortStream::name)
      .def_readonly("received", &ShortStream::received)
      .def_readonly("expected", &ShortStream::expected)
      .def("__repr__", [](const ShortStream& s) {
        return "ShortStream('" + s.name + "', received=" + std::to_string(s.received) +
               ", expected=" + std::to_string(s.expected) + ")";
      });

  py::class_<RunOutcome>(m, "RunOutcome")
      .def_property_readonly("reason", [](const RunOutcome& r) { return std::string(stop_reason_name(r.result.reason)); })
      .def_property_readonly("cycles", [](const RunOutcome& r) { return r.result.cycles; })
      .def_property_readonly("trap", [](const RunOutcome& r) -> std::optional<std::string> {
        if (r.result.trap) return r.result.trap->describe();
        return std::nullopt;
      })
      .def_property_readonly("stall", [](const RunOutcome& r) -> std::optional<std::string> {
        if (r.result.stall) return r.result.stall->describe();
        return std::nullopt;
      })
      .def_readonly("short_streams", &RunOutcome::short_streams)
      .def_property_readonly("cycle_limit_with_work_pending", &RunOutcome::cycle_limit_with_work_pending)
      .def("failure", &RunOutcome::failure, py::arg("allow_partial") = false, "'' when the run succeeded")
      .def("ok", &RunOutcome::ok, py::arg("allow_partial") = false)
      .def("check", [](const RunOutcome& r, bool allow_partial) {
        if (const std::string f = r.failure(allow_partial); !f.empty()) throw Error(f);
      }, py::arg("allow_partial") = false, "raises wafer.Error with the failure, if any")
      .def("__repr__", [](const RunOutcome& r) { return "RunOutcome(" + r.result.describe() + ")"; });

  py::class_<Runtime>(m, "Runtime")
      .def(py::init([](const std::string& engine, unsigned threads, int device) {
             return std::make_unique<Runtime>(engine, EngineOptions{.threads = threads, .device = device});
           }),
           py::arg("engine") = "cpu", py::arg("threads") = 0, py::arg("device") = 0)
      .def("load", [](Runtime& rt, const std::string& path, const py::dict& params, const py::dict& inputs) {
             rt.load(make_program(path, params, inputs));
           },
           py::arg("path"), py::arg("params") = py::dict(), py::arg("inputs") = py::dict(),
           "A text program (params: NAME -> value) or a .wimg image; inputs: STREAM -> array")
      .def_property_readonly("width", [](const Runtime& rt) { return rt.image().width; })
      .def_property_readonly("height", [](const Runtime& rt) { return rt.image().height; })
      .def("memcpy_h2d", &h2d, py::arg("symbol"), py::arg("data"), py::arg("rect"), py::arg("order") = "row",
           py::arg("offset") = 0)
      .def("memcpy_d2h", &d2h, py::arg("symbol"), py::arg("rect"), py::arg("order") = "row", py::arg("offset") = 0,
           py::arg("count") = std::nullopt, py::arg("dtype") = py::str("float32"), py::arg("out") = std::nullopt)
      .def("symbol_words", [](const Runtime& rt, const std::string& s, const py::tuple& rect) {
        return rt.symbol_words(s, to_rect(rect));
      })
      .def("launch", [](Runtime& rt, const std::string& task, std::optional<py::tuple> rect) {
             rt.launch(task, rect ? std::optional<Rect>(to_rect(*rect)) : std::nullopt);
           },
           py::arg("task"), py::arg("rect") = std::nullopt)
      .def("run", [](Runtime& rt, uint64_t max_cycles, bool until_quiescent, uint64_t watchdog,
                     const std::string& output_stream, uint64_t output_count, std::optional<py::tuple> trace,
                     const std::string& trace_out, uint64_t trace_limit) {
             // trace: the PEs of (x, y, w, h), recorded cycle by cycle into trace_out (docs/observability.md).
             std::optional<TraceRecorder> recorder;
             if (trace) {
               recorder.emplace(rt.image(), to_rect(*trace), trace_limit);
               // Before the run, not after it: a long run must not be lost to an unwritable path.
               if (!std::ofstream(trace_out, std::ios::app)) throw Error(trace_out + ": cannot write the trace");
             }
             const RunOptions o{.max_cycles = max_cycles, .until_quiescent = until_quiescent,
                                .watchdog_cycles = watchdog, .output_stream = output_stream,
                                .output_count = output_count, .trace = recorder ? &*recorder : nullptr};
             RunOutcome outcome;
             {
               py::gil_scoped_release unlocked;  // a long run does not hold other Python threads
               outcome = rt.run(o);
             }
             if (recorder) recorder->write(trace_out, rt.cycle());
             return outcome;
           },
           py::arg("max_cycles") = 10000000, py::arg("until_quiescent") = true, py::arg("watchdog") = 10000,
           py::arg("output_stream") = "", py::arg("output_count") = 0, py::arg("trace") = std::nullopt,
           py::arg("trace_out") = "trace.json", py::arg("trace_limit") = 1000000)
      .def("output", [](const Runtime& rt, const std::string& name, const py::object& dtype) -> py::array {
             if (float_dtype(dtype)) return to_numpy(rt.output_f32(name));
             return to_numpy(rt.output_u32(name));
           },
           py::arg("name"), py::arg("dtype") = py::str("float32"))
      .def("output_indices", [](const Runtime& rt, const std::string& name) {
        std::vector<uint32_t> idx;
        for (const Wavelet& w : rt.output(name)) idx.push_back(w.index());
        return to_numpy(idx);
      })
      .def("output_names", &Runtime::output_names)
      .def_property_readonly("cycle", &Runtime::cycle)
      .def("counters", &Runtime::counters)
      .def("counter", [](const Runtime& rt, const std::string& name) {
             py::array_t<uint64_t> a = to_numpy(rt.counter_per_pe(name));
             return a.reshape({py::ssize_t(rt.image().height), py::ssize_t(rt.image().width)});
           },
           py::arg("name"), "one counter of every PE (or 'idle'), shape (height, width)");
}
