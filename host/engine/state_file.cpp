#include "host/engine/state_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "host/model/error.h"

namespace wafer {

namespace {

constexpr char kMagic[8] = {'W', 'A', 'F', 'E', 'R', 'S', 'T', 'A'};
constexpr char kEnd[4] = {'E', 'N', 'D', '!'};
constexpr uint64_t kHeaderBytes = 8 + 4 + 4 + 4 + 8 + 8;  // magic, version, width, height, cycle, fingerprint
constexpr uint64_t kTrailerBytes = 8 + 8 + 8 + 4;         // arrays, payload bytes, checksum, end marker

// A checksum of the payload, eight bytes at a time (a dump can be tens of GB: byte-wise FNV would be slow).
class Checksum {
 public:
  void add(const void* data, uint64_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (uint64_t i = 0; i < bytes; ++i) {
      word_ |= uint64_t(p[i]) << (8 * fill_);
      if (++fill_ == 8) mix();
    }
  }
  uint64_t value() {
    if (fill_) mix();
    return h_;
  }

 private:
  void mix() {
    h_ = (h_ ^ (word_ * 0x9E3779B97F4A7C15ull));
    h_ = ((h_ << 31) | (h_ >> 33)) * 0xBF58476D1CE4E5B9ull;
    word_ = 0, fill_ = 0;
  }
  uint64_t h_ = 0x243F6A8885A308D3ull, word_ = 0;
  int fill_ = 0;
};

template <class T>
void put(std::ofstream& f, T v) {
  f.write(reinterpret_cast<const char*>(&v), sizeof v);
}

class In {
 public:
  In(const std::string& path) : path_(path), f_(path, std::ios::binary) {
    if (!f_) throw Error(path + ": cannot open the state file: " + std::strerror(errno));
  }
  void bytes(void* p, uint64_t n, const char* what) {
    f_.read(static_cast<char*>(p), std::streamsize(n));
    if (uint64_t(f_.gcount()) != n) throw Error(path_ + ": truncated state file: no room for " + what);
  }
  template <class T>
  T get(const char* what) {
    T v;
    bytes(&v, sizeof v, what);
    return v;
  }
  void seek(uint64_t pos) { f_.seekg(std::streamoff(pos)); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream f_;
};

struct Header {
  uint32_t width = 0, height = 0;
  uint64_t cycle = 0, fingerprint = 0;
};

Header read_header(In& in) {
  char magic[8];
  in.bytes(magic, 8, "the magic");
  if (memcmp(magic, kMagic, 8) != 0) throw Error(in.path() + ": not a wafer state file (expected 'WAFERSTA')");
  const uint32_t version = in.get<uint32_t>("the version");
  if (version != kStateFileVersion) {
    throw Error(in.path() + ": state file version " + std::to_string(version) +
                " is not supported (this wafer reads version " + std::to_string(kStateFileVersion) + ")");
  }
  Header h;
  h.width = in.get<uint32_t>("the width"), h.height = in.get<uint32_t>("the height");
  h.cycle = in.get<uint64_t>("the cycle"), h.fingerprint = in.get<uint64_t>("the image fingerprint");
  return h;
}

}  // namespace

void Engine::read_state(const StateChunkFn&) const {
  throw Error(std::string("the ") + name() + " engine cannot dump its state");
}
void Engine::write_state(const StateChunkFn&, uint64_t) {
  throw Error(std::string("the ") + name() + " engine cannot resume a state");
}

uint64_t image_fingerprint(const Image& image) {
  Checksum c;
  const std::string bytes = image_bytes(image);
  c.add(bytes.data(), bytes.size());
  return c.value();
}

void save_state_file(const Engine& engine, const Image& image, const std::string& path) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  f.write(kMagic, 8);
  put(f, kStateFileVersion), put(f, image.width), put(f, image.height);
  put(f, engine.cycle()), put(f, image_fingerprint(image));
  Checksum sum;
  uint64_t arrays = 0, payload = 0;
  engine.read_state([&](const char* name, uint64_t array_bytes, uint64_t offset, void* data, uint64_t bytes) {
    if (offset == 0) {  // each array: its name and size, then its bytes
      const uint32_t len = uint32_t(strlen(name));
      put(f, len);
      f.write(name, len);
      put(f, array_bytes);
      ++arrays, payload += 4 + len + 8;
    }
    f.write(static_cast<const char*>(data), std::streamsize(bytes));
    sum.add(data, bytes);
    payload += bytes;
  });
  put(f, arrays), put(f, payload), put(f, sum.value());
  f.write(kEnd, 4);
  f.close();
  if (!f) {
    std::filesystem::remove(path);
    throw Error(path + ": writing the state file failed (disk full?)");
  }
}

uint64_t state_file_cycle(const std::string& path) {
  In in(path);
  return read_header(in).cycle;
}

void load_state_file(Engine& engine, const Image& image, const std::string& path) {
  In in(path);
  const Header h = read_header(in);
  if (h.width != image.width || h.height != image.height) {
    throw Error(path + ": the state is of a " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                " grid, the image's is " + std::to_string(image.width) + "x" + std::to_string(image.height));
  }
  if (h.fingerprint != image_fingerprint(image))
    throw Error(path + ": the state was dumped from another image (fingerprints differ)");
  // The trailer first: a truncated file is refused before the engine's state is touched.
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec || size < kHeaderBytes + kTrailerBytes) throw Error(path + ": truncated state file (" + std::to_string(size) + " bytes)");
  in.seek(size - kTrailerBytes);
  const uint64_t arrays = in.get<uint64_t>("the array count"), payload = in.get<uint64_t>("the payload size");
  const uint64_t checksum = in.get<uint64_t>("the checksum");
  char end[4];
  in.bytes(end, 4, "the end marker");
  if (memcmp(end, kEnd, 4) != 0 || payload != size - kHeaderBytes - kTrailerBytes)
    throw Error(path + ": truncated or corrupt state file (no valid trailer; " + std::to_string(size) + " bytes)");
  engine.load(image);
  in.seek(kHeaderBytes);
  Checksum sum;
  uint64_t seen = 0;
  try {
    engine.write_state(
        [&](const char* name, uint64_t array_bytes, uint64_t offset, void* data, uint64_t bytes) {
          if (offset == 0) {
            const uint32_t len = in.get<uint32_t>("an array name");
            if (len >= 64) throw Error(path + ": corrupt state file: array name of " + std::to_string(len) + " bytes");
            std::string got(len, '\0');
            in.bytes(got.data(), len, "an array name");
            const uint64_t file_bytes = in.get<uint64_t>("an array size");
            if (got != name || file_bytes != array_bytes) {
              throw Error(path + ": corrupt state file: array '" + got + "' of " + std::to_string(file_bytes) +
                          " bytes where the machine has '" + name + "' of " + std::to_string(array_bytes));
            }
            ++seen;
          }
          in.bytes(data, bytes, name);
          sum.add(data, bytes);
        },
        h.cycle);
    if (seen != arrays) throw Error(path + ": corrupt state file: " + std::to_string(arrays) + " arrays, the machine has " + std::to_string(seen));
    if (sum.value() != checksum) throw Error(path + ": corrupt state file: the checksum does not match its contents");
  } catch (const Error&) {
    engine.load(image);  // never leave a half-written machine behind
    throw;
  }
}

}  // namespace wafer
