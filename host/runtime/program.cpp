#include "host/runtime/program.h"

#include <cstring>

#include "host/image/program_loader.h"
#include "host/model/error.h"

namespace wafer {

namespace {
template <class Stream>
uint32_t stream_index(const std::vector<Stream>& streams, const std::string& name, const char* kind) {
  std::string names;
  for (uint32_t i = 0; i < streams.size(); ++i) {
    if (streams[i].name == name) return i;
    names += (names.empty() ? "" : ", ") + streams[i].name;
  }
  throw Error(std::string("the program has no ") + kind + " stream '" + name + "' (it has: " +
              (names.empty() ? "none" : names) + ")");
}
}  // namespace

uint32_t in_stream_index(const Image& image, const std::string& name) {
  return stream_index(image.in_streams, name, "input");
}
uint32_t out_stream_index(const Image& image, const std::string& name) {
  return stream_index(image.out_streams, name, "output");
}

Program Program::open(const std::string& path, const std::map<std::string, std::string>& params) {
  return Program(load_program_or_image(path, params));
}

void Program::set_input(const std::string& stream, std::span<const uint32_t> words) {
  InStream& s = image_.in_streams[in_stream_index(image_, stream)];
  if (!s.index.empty() && s.index.size() != words.size()) {
    throw Error("input stream '" + stream + "' has " + std::to_string(s.index.size()) +
                " explicit indices; cannot set " + std::to_string(words.size()) + " values");
  }
  s.payload.assign(words.begin(), words.end());
}

void Program::set_input(const std::string& stream, std::span<const float> values) {
  // A float's bits are the wavelet payload: copy the bits, do not convert (memcpy: no aliasing question).
  std::vector<uint32_t> words(values.size());
  if (!values.empty()) std::memcpy(words.data(), values.data(), values.size() * sizeof(float));
  set_input(stream, words);
}

}  // namespace wafer
