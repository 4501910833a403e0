#include "host/asm/host_symbols.h"

#include <cstring>

#include "host/model/error.h"

namespace wafer {

namespace {
std::vector<uint32_t> to_words(const std::vector<float>& values) {
  std::vector<uint32_t> words(values.size());
  if (!values.empty()) std::memcpy(words.data(), values.data(), values.size() * 4);
  return words;
}
}  // namespace

void write_symbol(Engine& engine, const Assembly& program, uint32_t x, uint32_t y, const std::string& name,
                  const std::vector<uint32_t>& words, uint32_t offset) {
  const AsmSymbol& s = program.symbol(x, y, name);
  if (uint64_t(offset) + words.size() > s.words) {
    throw Error("write to symbol '" + name + "' at PE(" + std::to_string(x) + "," + std::to_string(y) +
                "): " + std::to_string(words.size()) + " words at offset " + std::to_string(offset) +
                " do not fit its " + std::to_string(s.words) + " words");
  }
  engine.write_sram(x, y, s.addr + offset, words);
}

void write_symbol_f32(Engine& engine, const Assembly& program, uint32_t x, uint32_t y,
                      const std::string& name, const std::vector<float>& values, uint32_t offset) {
  write_symbol(engine, program, x, y, name, to_words(values), offset);
}

std::vector<uint32_t> read_symbol(const Engine& engine, const Assembly& program, uint32_t x, uint32_t y,
                                  const std::string& name) {
  const AsmSymbol& s = program.symbol(x, y, name);
  return engine.read_sram(x, y, s.addr, s.words);
}

std::vector<float> read_symbol_f32(const Engine& engine, const Assembly& program, uint32_t x, uint32_t y,
                                   const std::string& name) {
  const std::vector<uint32_t> words = read_symbol(engine, program, x, y, name);
  std::vector<float> values(words.size());
  if (!words.empty()) std::memcpy(values.data(), words.data(), words.size() * 4);
  return values;
}

void set_in_stream_f32(Assembly& program, const std::string& name, const std::vector<float>& values) {
  InStream& s = program.image.in_streams[program.in_stream(name)];
  if (!s.index.empty() && s.index.size() != values.size()) {
    throw Error("input stream '" + name + "' has " + std::to_string(s.index.size()) +
                " explicit indices; cannot set " + std::to_string(values.size()) + " values");
  }
  s.payload = to_words(values);
}

}  // namespace wafer
