// Copy-mode host access to a program's exported variables by name (the SDK's memcpy to and from a
// symbol), and feeding input streams by name.
#pragma once
#include <string>
#include <vector>

#include "host/asm/assembler.h"
#include "host/engine/engine.h"

namespace wafer {

// Writes words at the start of (or `offset` words into) the variable; throws if they do not fit in it.
void write_symbol(Engine& engine, const Assembly& program, uint32_t x, uint32_t y, const std::string& name,
                  const std::vector<uint32_t>& words, uint32_t offset = 0);
void write_symbol_f32(Engine& engine, const Assembly& program, uint32_t x, uint32_t y,
                      const std::string& name, const std::vector<float>& values, uint32_t offset = 0);
// The whole variable.
std::vector<uint32_t> read_symbol(const Engine& engine, const Assembly& program, uint32_t x, uint32_t y,
                                  const std::string& name);
std::vector<float> read_symbol_f32(const Engine& engine, const Assembly& program, uint32_t x, uint32_t y,
                                   const std::string& name);

// Replaces an input stream's payload (before Engine::load); the count declared in the program may change.
void set_in_stream_f32(Assembly& program, const std::string& name, const std::vector<float>& values);

}  // namespace wafer
