// The versioned binary image file (docs/image-format.md): little-endian, sections in a fixed order.
#include <cstring>
#include <fstream>

#include "host/image/image.h"
#include "host/model/error.h"

namespace wafer {

namespace {

constexpr char kMagic[8] = {'W', 'A', 'F', 'E', 'R', 'I', 'M', 'G'};
constexpr char kEndMarker[4] = {'E', 'N', 'D', '!'};

// Appends to a string, or (with a sink) writes straight to a stream, so that saving a large image does not
// hold a second copy of it in memory.
class Writer {
 public:
  Writer() = default;
  explicit Writer(std::ostream& sink) : sink_(&sink) {}
  void bytes(const void* p, size_t n) {
    if (sink_)
      sink_->write(static_cast<const char*>(p), std::streamsize(n));
    else
      buf_.append(static_cast<const char*>(p), n);
  }
  void u8(uint8_t v) { bytes(&v, 1); }
  void u16(uint16_t v) { bytes(&v, 2); }
  void u32(uint32_t v) { bytes(&v, 4); }
  void u64(uint64_t v) { bytes(&v, 8); }
  void str(const std::string& s) {
    u32(uint32_t(s.size()));
    bytes(s.data(), s.size());
  }
  void rect(const Rect& r) { u32(r.x), u32(r.y), u32(r.w), u32(r.h); }
  const std::string& data() const { return buf_; }

 private:
  std::ostream* sink_ = nullptr;
  std::string buf_;
};

class Reader {
 public:
  Reader(std::string data, std::string path) : data_(std::move(data)), path_(std::move(path)) {}
  void bytes(void* p, size_t n, const char* what) {
    if (n > data_.size() - pos_) {
      throw Error(path_ + ": truncated image: needed " + std::to_string(n) + " bytes for " + what +
                  " at offset " + std::to_string(pos_) + ", file has " + std::to_string(data_.size()));
    }
    memcpy(p, data_.data() + pos_, n);
    pos_ += n;
  }
  uint8_t u8(const char* what) {
    uint8_t v;
    bytes(&v, 1, what);
    return v;
  }
  uint16_t u16(const char* what) {
    uint16_t v;
    bytes(&v, 2, what);
    return v;
  }
  uint32_t u32(const char* what) {
    uint32_t v;
    bytes(&v, 4, what);
    return v;
  }
  uint64_t u64(const char* what) {
    uint64_t v;
    bytes(&v, 8, what);
    return v;
  }
  // A count of items each at least min_bytes long: rejects counts the file cannot hold.
  uint64_t count(const char* what, uint64_t min_bytes) {
    const uint64_t n = u64(what);
    if (min_bytes > 0 && n > (data_.size() - pos_) / min_bytes) {
      throw Error(path_ + ": corrupt image: " + what + " = " + std::to_string(n) + " at offset " +
                  std::to_string(pos_ - 8) + " is more than the file can hold");
    }
    return n;
  }
  std::string str(const char* what) {
    const uint64_t n = u32(what);
    if (n > data_.size() - pos_)
      throw Error(path_ + ": corrupt image: string " + what + " of length " + std::to_string(n));
    std::string s(data_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  Rect rect(const char* what) {
    Rect r;
    r.x = u32(what), r.y = u32(what), r.w = u32(what), r.h = u32(what);
    return r;
  }
  size_t pos() const { return pos_; }
  const std::string& path() const { return path_; }

 private:
  std::string data_;
  std::string path_;
  size_t pos_ = 0;
};

// Version 2's names section (image.h: KernelNames, ColorName).
void read_names(Reader& r, Image& im) {
  im.names.resize(r.count("names kernel count", 8 + 8 + 4 + 8));
  for (auto& n : im.names) {
    n.symbols.resize(r.count("symbol count", 12));
    for (auto& s : n.symbols) s.name = r.str("symbol name"), s.addr = r.u32("symbol addr"), s.words = r.u32("words");
    n.tasks.resize(r.count("task name count", 8));
    for (auto& t : n.tasks) t.name = r.str("task name"), t.id = r.u32("task id");
    n.file = r.str("source file");
    n.line_of_pc.resize(r.count("line table length", 4));
    r.bytes(n.line_of_pc.data(), n.line_of_pc.size() * 4, "line table");
  }
  im.color_names.resize(r.count("color name count", 12));
  for (auto& c : im.color_names) c.name = r.str("color name"), c.color = r.u32("color"), c.count = r.u32("count");
}

void write_image(Writer& w, const Image& im) {
  w.bytes(kMagic, 8);
  w.u32(kImageVersion);
  w.u32(im.width);
  w.u32(im.height);
  w.u64(im.kernels.size());
  for (const auto& k : im.kernels) {
    w.str(k.name);
    w.u32(k.data_words);
    for (uint32_t e : k.entry) w.u32(e);
    w.u64(k.code.size());
    for (const auto& in : k.code) w.u8(in.op), w.u8(in.a), w.u8(in.b), w.u8(in.c), w.u32(uint32_t(in.imm));
  }
  w.u64(im.placements.size());
  for (const auto& p : im.placements)
    w.rect(p.rect), w.u32(p.kernel), w.u32(p.activate_mask), w.u32(p.block_mask);
  w.u64(im.routes.size());
  for (const auto& r : im.routes) w.rect(r.rect), w.u32(r.color), w.u32(r.rx), w.u32(r.tx_mask);
  w.u64(im.srams.size());
  for (const auto& s : im.srams) {
    w.rect(s.rect), w.u32(s.addr), w.u64(s.words.size());
    w.bytes(s.words.data(), s.words.size() * 4);
  }
  w.u64(im.regs.size());
  for (const auto& r : im.regs) w.rect(r.rect), w.u32(r.reg), w.u32(r.value);
  w.u64(im.dsrs.size());
  for (const auto& d : im.dsrs) w.rect(d.rect), w.u32(d.dsr), w.u32(d.word0), w.u32(d.word1);
  w.u64(im.in_streams.size());
  for (const auto& s : im.in_streams) {
    w.str(s.name), w.u32(s.x), w.u32(s.y), w.u32(s.port), w.u32(s.color);
    w.u64(s.payload.size());
    w.bytes(s.payload.data(), s.payload.size() * 4);
    // Flags: bit 0 an index table follows, bit 1 (version 3) a per-wavelet color table.
    w.u8((s.index.empty() ? 0 : 1) | (s.colors.empty() ? 0 : 2));
    if (!s.index.empty()) w.bytes(s.index.data(), s.index.size() * 2);
    if (!s.colors.empty()) w.bytes(s.colors.data(), s.colors.size());
  }
  w.u64(im.out_streams.size());
  for (const auto& s : im.out_streams)
    w.str(s.name), w.u32(s.x), w.u32(s.y), w.u32(s.port), w.u64(s.capacity), w.u64(s.expect);
  w.u64(im.names.size());
  for (const auto& n : im.names) {
    w.u64(n.symbols.size());
    for (const auto& s : n.symbols) w.str(s.name), w.u32(s.addr), w.u32(s.words);
    w.u64(n.tasks.size());
    for (const auto& t : n.tasks) w.str(t.name), w.u32(t.id);
    w.str(n.file);
    w.u64(n.line_of_pc.size());
    w.bytes(n.line_of_pc.data(), n.line_of_pc.size() * 4);
  }
  w.u64(im.color_names.size());
  for (const auto& c : im.color_names) w.str(c.name), w.u32(c.color), w.u32(c.count);
  w.bytes(kEndMarker, 4);
}

}  // namespace

std::string image_bytes(const Image& im) {
  Writer w;
  write_image(w, im);
  return w.data();
}

void save_image(const Image& im, const std::string& path) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(cannot_open(path, "for writing"));
  Writer w(f);
  write_image(w, im);
  f.flush();
  if (!f) throw Error(path + ": write failed");
}

Image load_image(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(cannot_open(path, "image file"));
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  Reader r(std::move(data), path);
  char magic[8];
  r.bytes(magic, 8, "magic");
  if (memcmp(magic, kMagic, 8) != 0)
    throw Error(path + ": not a wafer image (bad magic; expected 'WAFERIMG')");
  const uint32_t version = r.u32("version");
  if (version < 1 || version > kImageVersion) {
    throw Error(path + ": image version " + std::to_string(version) +
                " is not supported (this wafer reads versions 1 to " + std::to_string(kImageVersion) + ")");
  }
  Image im;
  im.width = r.u32("width");
  im.height = r.u32("height");
  im.kernels.resize(r.count("kernel count", 8 + 4 + 128));
  for (auto& k : im.kernels) {
    k.name = r.str("kernel name");
    k.data_words = r.u32("kernel data words");
    for (auto& e : k.entry) e = r.u32("task entry");
    k.code.resize(r.count("instruction count", 8));
    for (auto& in : k.code) {
      in.op = r.u8("opcode"), in.a = r.u8("a"), in.b = r.u8("b"), in.c = r.u8("c");
      in.imm = int32_t(r.u32("imm"));
    }
  }
  im.placements.resize(r.count("placement count", 28));
  for (auto& p : im.placements) {
    p.rect = r.rect("placement rect"), p.kernel = r.u32("kernel"), p.activate_mask = r.u32("activate"),
    p.block_mask = r.u32("block");
  }
  im.routes.resize(r.count("route count", 28));
  for (auto& x : im.routes)
    x.rect = r.rect("route rect"), x.color = r.u32("color"), x.rx = r.u32("rx"), x.tx_mask = r.u32("tx");
  im.srams.resize(r.count("SRAM initialiser count", 28));
  for (auto& s : im.srams) {
    s.rect = r.rect("SRAM rect"), s.addr = r.u32("SRAM address");
    s.words.resize(r.count("SRAM word count", 4));
    r.bytes(s.words.data(), s.words.size() * 4, "SRAM words");
  }
  im.regs.resize(r.count("register initialiser count", 24));
  for (auto& x : im.regs)
    x.rect = r.rect("register rect"), x.reg = r.u32("register"), x.value = r.u32("value");
  im.dsrs.resize(r.count("descriptor initialiser count", 28));
  for (auto& d : im.dsrs)
    d.rect = r.rect("descriptor rect"), d.dsr = r.u32("dsr"), d.word0 = r.u32("w0"), d.word1 = r.u32("w1");
  im.in_streams.resize(r.count("input stream count", 29));
  for (auto& s : im.in_streams) {
    s.name = r.str("stream name"), s.x = r.u32("x"), s.y = r.u32("y"), s.port = r.u32("port"),
    s.color = r.u32("color");
    s.payload.resize(r.count("stream length", 4));
    r.bytes(s.payload.data(), s.payload.size() * 4, "stream payload");
    const uint8_t flags = r.u8("stream flags");
    if (flags & ~(version >= 3 ? 3u : 1u))
      throw Error(path + ": corrupt image: input stream '" + s.name + "' has flags " + std::to_string(flags) +
                  " at offset " + std::to_string(r.pos() - 1));
    if (flags & 1) {
      s.index.resize(s.payload.size());
      r.bytes(s.index.data(), s.index.size() * 2, "stream index");
    }
    if (flags & 2) {
      s.colors.resize(s.payload.size());
      r.bytes(s.colors.data(), s.colors.size(), "stream colors");
    }
  }
  im.out_streams.resize(r.count("output stream count", 24));
  for (auto& s : im.out_streams) {
    s.name = r.str("stream name"), s.x = r.u32("x"), s.y = r.u32("y"), s.port = r.u32("port"),
    s.capacity = r.u64("capacity");
    if (version >= 2) s.expect = r.u64("expect");
  }
  if (version >= 2) read_names(r, im);
  char end[4];
  r.bytes(end, 4, "end marker");
  if (memcmp(end, kEndMarker, 4) != 0)
    throw Error(path + ": corrupt image: no end marker at offset " + std::to_string(r.pos() - 4));
  try {
    im.validate();
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  return im;
}

}  // namespace wafer
