// Machine-state dumps: `wafer run --dump-at CYCLE FILE` saves the whole machine mid-run, `--resume FILE`
// continues, and the resumed run ends bit-identical to one never interrupted (docs/state-file.md).
//
// The file holds the image's fingerprint (a hash of its bytes), so a dump resumes only on the image that
// made it; the list of arrays and their sizes up front, so a truncated file is refused before the engine is
// touched; and a checksum of the contents at the end. The state streams through in chunks (Engine::
// read_state / write_state): neither side holds a second copy of the machine.
#pragma once
#include <cstdint>
#include <string>

#include "host/engine/engine.h"

namespace wafer {

inline constexpr uint32_t kStateFileVersion = 1;

uint64_t image_fingerprint(const Image& image);

// Writes the engine's state (the image it runs must be `image`). Throws wafer::Error naming the file.
void save_state_file(const Engine& engine, const Image& image, const std::string& path);

// Loads `image` into the engine, then the dumped state and cycle count. Throws wafer::Error naming the file
// and what is wrong (not a state file, another version, another image or grid, truncated, corrupt); the
// engine then holds the image's initial state, never a half-written one.
void load_state_file(Engine& engine, const Image& image, const std::string& path);

// The cycle a state file was dumped at (reads the header only).
uint64_t state_file_cycle(const std::string& path);

}  // namespace wafer
