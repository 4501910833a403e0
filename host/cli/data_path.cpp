#include "host/cli/data_path.h"

#include <cmath>
#include <cstring>
#include <filesystem>

#include "host/io/npy.h"
#include "host/model/error.h"

namespace wafer::cli {

DataType parse_dtype(const std::string& text) {
  if (text == "f32" || text == "float32") return DataType::kF32;
  if (text == "u32" || text == "uint32") return DataType::kU32;
  throw Error("--dtype '" + text + "' is not one of: f32, u32");
}

CopySpec parse_copy_spec(const std::string& text, const char* option) {
  const size_t at = text.find('@'), eq = text.find('=');
  if (at == std::string::npos || eq == std::string::npos || at == 0 || eq < at || eq + 1 == text.size()) {
    throw Error(std::string(option) + " '" + text +
                "': expected SYMBOL@RECT[:ORDER]=FILE.npy, e.g. y@0,0,4x1=y.npy or y@0,0,4x1:col=y.npy");
  }
  std::string rect = text.substr(at + 1, eq - at - 1);
  std::optional<Order> order;
  if (const size_t colon = rect.find(':'); colon != std::string::npos) {
    order = parse_order(rect.substr(colon + 1));
    rect.resize(colon);
  }
  return {text.substr(0, at), parse_rect(rect), order, text.substr(eq + 1)};
}

LaunchSpec parse_launch_spec(const std::string& text) {
  const size_t at = text.find('@');
  if (text.empty() || at == 0) throw Error("--launch '" + text + "': expected TASK or TASK@RECT");
  if (at == std::string::npos) return {text, std::nullopt};
  return {text.substr(0, at), parse_rect(text.substr(at + 1))};
}

std::vector<DataOption> take_data_options(std::vector<char*>& argv) {
  std::vector<DataOption> out;
  std::vector<char*> rest;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string arg = argv[i];
    bool taken = false;
    if (arg == "--dump-at") {
      if (i + 2 >= argv.size()) throw Error("--dump-at needs two values: CYCLE FILE");
      out.push_back({"dump-at", argv[i + 1], argv[i + 2]});
      i += 2;
      continue;
    }
    for (const char* name : {"input", "write", "launch", "read", "trace"}) {
      const std::string flag = std::string("--") + name;
      if (arg == flag) {
        if (i + 1 >= argv.size()) throw Error(flag + " needs a value");
        out.push_back({name, argv[++i]});
        taken = true;
      } else if (arg.rfind(flag + "=", 0) == 0) {
        out.push_back({name, arg.substr(flag.size() + 1)});
        taken = true;
      }
    }
    if (!taken) rest.push_back(argv[i]);
  }
  argv = rest;
  return out;
}

std::pair<std::string, std::string> parse_named_file(const std::string& text, const char* option) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw Error(std::string(option) + " '" + text + "': expected NAME=FILE.npy");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

// The file's values as 32-bit words: float32 bits (rounded to nearest from float64), or integers that must
// be exact and in [0, 2^32).
std::vector<uint32_t> words_of(const NpyArray& a, DataType dtype, const std::string& file) {
  std::vector<uint32_t> words(a.data.size());
  for (size_t i = 0; i < a.data.size(); ++i) {
    const double v = a.data[i];
    if (dtype == DataType::kF32) {
      const float f = float(v);
      std::memcpy(&words[i], &f, 4);
    } else {
      if (!(v >= 0 && v <= 4294967295.0 && std::floor(v) == v)) {
        throw Error(file + ": value " + std::to_string(v) + " at index " + std::to_string(i) +
                    " is not a uint32 (--dtype u32 takes integers 0..4294967295)");
      }
      words[i] = uint32_t(v);
    }
  }
  return words;
}

void save_words(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<uint32_t>& words,
                DataType dtype) {
  std::vector<double> values(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    float f;
    std::memcpy(&f, &words[i], 4);
    values[i] = dtype == DataType::kF32 ? double(f) : double(words[i]);
  }
  // float32 values survive the trip through double exactly; uint32 ones need float64 to stay exact.
  write_npy(path, shape, values, dtype == DataType::kF32);
}

}  // namespace

void set_input_from_npy(Program& program, const std::string& spec, DataType dtype) {
  const auto [name, file] = parse_named_file(spec, "--input");
  program.set_input(name, words_of(read_npy(file), dtype, file));
}

void write_from_npy(Runtime& rt, const CopySpec& spec, Order order, DataType dtype) {
  try {
    rt.memcpy_h2d(spec.symbol, spec.rect, words_of(read_npy(spec.file), dtype, spec.file), spec.order.value_or(order));
  } catch (const Error& e) {
    throw Error("--write " + spec.symbol + "@" + describe_rect(spec.rect) + ": " + e.what());
  }
}

std::string read_to_npy(const Runtime& rt, const CopySpec& spec, Order default_order, DataType dtype) {
  const Order order = spec.order.value_or(default_order);
  std::vector<uint32_t> words;
  try {
    words = rt.memcpy_d2h_u32(spec.symbol, spec.rect, order);
  } catch (const Error& e) {
    throw Error("--read " + spec.symbol + "@" + describe_rect(spec.rect) + ": " + e.what());
  }
  const uint64_t n = words.size() / (uint64_t(spec.rect.w) * spec.rect.h);
  const std::vector<uint64_t> shape = order == Order::kRowMajor ? std::vector<uint64_t>{spec.rect.h, spec.rect.w, n}
                                                                : std::vector<uint64_t>{n, spec.rect.w, spec.rect.h};
  save_words(spec.file, shape, words, dtype);
  return spec.file + " (" + spec.symbol + ", " + std::to_string(n) + " word(s) per PE on " + describe_rect(spec.rect) +
         ", " + order_name(order) + ")";
}

std::vector<std::string> write_outputs_npy(const Runtime& rt, const std::string& dir, DataType dtype) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> paths;
  for (const std::string& name : rt.output_names()) {
    std::string file = name;
    for (char& c : file) {
      if (c == '[' || c == ']' || c == '/') c = '_';
    }
    while (!file.empty() && file.back() == '_') file.pop_back();
    const std::vector<uint32_t> words = rt.output_u32(name);
    const std::string path = (std::filesystem::path(dir) / (file + ".npy")).string();
    save_words(path, {words.size()}, words, dtype);
    paths.push_back(path);
  }
  return paths;
}

}  // namespace wafer::cli
