// NumPy .npy reader and writer. The format (numpy/lib/format.py, NEP 1):
//
//   "\x93NUMPY" major minor | header length (u16 LE for 1.0, u32 LE for 2.0 and 3.0) | header | data
//
// The header is the repr of a Python dict with exactly the keys 'descr', 'fortran_order' and 'shape',
// padded with spaces and ended by '\n'. We read it with a small recursive-descent parser that knows just
// the three values it needs (a string, a bool, a tuple of ints) rather than a general Python parser.
//
// Hostile input: every size is checked against the bytes actually present before anything is allocated,
// so the largest allocation is the data section converted to doubles (at most twice the input size).
#include "host/io/npy.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>

#include "host/model/error.h"

namespace wafer {
namespace {

constexpr std::string_view kMagic{"\x93NUMPY", 6};
constexpr size_t kVersionSize = 2;           // major, minor
constexpr size_t kArrayAlign = 64;           // numpy's ARRAY_ALIGN: the data starts at a multiple of this
constexpr size_t kGrowthAxisMaxDigits = 21;  // numpy's GROWTH_AXIS_MAX_DIGITS: spare room after the dict
constexpr size_t kNumpyMaxDims = 32;         // NPY_MAXDIMS: a longer shape is not a numpy shape at all
constexpr size_t kMaxDims = 8;               // ours: a sample of [batch, d1, ..., d7] is plenty for an MLP
constexpr size_t kMaxQuoted = 40;            // longest excerpt of hostile bytes quoted in a message
constexpr const char* kAcceptedDtypes = "'<f4', '>f4', '=f4', '<f8', '>f8', '=f8'";

// The offending bytes, quoted and made printable for a message, cut after about kMaxQuoted characters.
std::string quoted(std::string_view s) {
  std::string out = "'";
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = 0;
  for (; i < s.size() && out.size() <= kMaxQuoted; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += char(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out += i < s.size() ? "'..." : "'";
  return out;
}

// Python's repr of a shape tuple: (3,) or (2, 3) or (), as numpy writes it in the header.
std::string shape_repr(const std::vector<uint64_t>& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  out += shape.size() == 1 ? ",)" : ")";
  return out;
}

// The shape for a message: its repr, or, past kMaxDims dimensions (refused anyway), the first kMaxDims and
// ", ...)", so that a hostile 32-dimension shape does not make a long message.
std::string shape_text(const std::vector<uint64_t>& shape) {
  if (shape.size() <= kMaxDims) return shape_repr(shape);
  std::string out = shape_repr({shape.begin(), shape.begin() + kMaxDims});
  out.insert(out.size() - 1, ", ...");
  return out;
}

// The product of the dimensions, false when the product of the non-zero ones overflows 64 bits: like
// numpy, which refuses (0, 2**32, 2**32) as "too big" although it holds nothing, so that any product of
// some of an accepted shape's dimensions fits in 64 bits.
bool element_count(const std::vector<uint64_t>& shape, uint64_t& count) {
  uint64_t nonzero = 1;
  bool empty = false;
  for (const uint64_t d : shape) {
    if (d == 0) {
      empty = true;
    } else if (__builtin_mul_overflow(nonzero, d, &nonzero)) {
      return false;
    }
  }
  count = empty ? 0 : nonzero;
  return true;
}

// Why a shape's rank is not one we read or write, or "" when it is.
std::string rank_problem(const std::vector<uint64_t>& shape) {
  if (!shape.empty() && shape.size() <= kMaxDims) return "";
  return "shape " + shape_text(shape) + " has " + std::to_string(shape.size()) +
         " dimensions; arrays of 1 to " + std::to_string(kMaxDims) + " dimensions are supported";
}

uint64_t read_le(std::string_view bytes, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  return v;
}

struct Header {
  std::string_view descr;
  bool fortran_order = false;
  std::vector<uint64_t> shape;
};

// Parses the header dict. Positions in messages are byte offsets in the file.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, size_t file_offset, const std::string& name)
      : text_(text), base_(file_offset), name_(name) {}

  Header parse() {
    Header h;
    bool have_descr = false, have_fortran = false, have_shape = false;
    skip_space();
    expect('{', "the header dict to start with '{'");
    skip_space();
    while (!at('}')) {
      const size_t key_pos = pos_;
      const std::string_view key =
          string_literal("a quoted key ('descr', 'fortran_order' or 'shape') or '}'");
      skip_space();
      expect(':', "':' after the key " + quoted(key));
      skip_space();
      if (key == "descr") {
        if (have_descr) fail_plain(key_pos, "the key 'descr' appears twice");
        if (at('[')) {
          throw Error(name_ + ": structured dtype at byte " + std::to_string(base_ + pos_) +
                      " is not supported (accepted dtypes: " + kAcceptedDtypes + ")");
        }
        h.descr = string_literal("a quoted dtype such as '<f4' for 'descr'");
        have_descr = true;
      } else if (key == "fortran_order") {
        if (have_fortran) fail_plain(key_pos, "the key 'fortran_order' appears twice");
        h.fortran_order = bool_literal();
        have_fortran = true;
      } else if (key == "shape") {
        if (have_shape) fail_plain(key_pos, "the key 'shape' appears twice");
        h.shape = shape_tuple();
        have_shape = true;
      } else {
        fail_plain(key_pos,
                   "unexpected key " + quoted(key) + " (the keys are 'descr', 'fortran_order' and 'shape')");
      }
      skip_space();
      if (at(',')) {
        ++pos_;
        skip_space();
      } else if (!at('}')) {
        fail("',' or '}' after the value of " + quoted(key));
      }
    }
    ++pos_;  // '}'
    skip_space();
    if (pos_ != text_.size()) fail("only spaces and a newline after the closing '}'");
    const char* missing = !have_descr     ? "descr"
                          : !have_fortran ? "fortran_order"
                          : !have_shape   ? "shape"
                                          : nullptr;
    if (missing != nullptr) {
      throw Error(name_ + ": malformed .npy header: the dict has no '" + missing +
                  "' key (expected 'descr', 'fortran_order' and 'shape')");
    }
    return h;
  }

 private:
  [[noreturn]] void fail_at(size_t pos, const std::string& expected) {
    const std::string_view rest = text_.substr(pos);
    throw Error(name_ + ": malformed .npy header at byte " + std::to_string(base_ + pos) + ": expected " +
                expected + ", found " + (rest.empty() ? std::string("the end of the header") : quoted(rest)));
  }
  [[noreturn]] void fail(const std::string& expected) { fail_at(pos_, expected); }
  [[noreturn]] void fail_plain(size_t pos, const std::string& what) {
    throw Error(name_ + ": malformed .npy header at byte " + std::to_string(base_ + pos) + ": " + what);
  }

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool at_digit() const { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; }
  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void expect(char c, const std::string& expected) {
    if (!at(c)) fail(expected);
    ++pos_;
  }

  // A Python string in single or double quotes; escapes are skipped over, not interpreted (no accepted
  // dtype or key contains one, so a string with an escape is refused by its caller).
  std::string_view string_literal(const std::string& expected) {
    if (!at('\'') && !at('"')) fail(expected);
    const char quote = text_[pos_];
    const size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote && text_[pos_] != '\n') {
      pos_ += text_[pos_] == '\\' ? 2 : 1;
    }
    if (pos_ >= text_.size() || text_[pos_] != quote) fail_at(start - 1, "a closing quote for the string");
    return text_.substr(start, pos_++ - start);
  }

  bool bool_literal() {
    const size_t start = pos_;
    const auto word_char = [](char c) {  // ASCII only: no locale
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    };
    while (pos_ < text_.size() && word_char(text_[pos_])) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    if (word == "True") return true;
    if (word == "False") return false;
    fail_at(start, "True or False for 'fortran_order'");
  }

  // A non-negative Python int; numpy also reads the 'L' suffix of files written by Python 2.
  uint64_t dimension() {
    const size_t start = pos_;
    if (at('-')) {
      ++pos_;
      while (at_digit()) ++pos_;
      throw Error(name_ + ": shape dimension " + quoted(text_.substr(start, pos_ - start)) + " at byte " +
                  std::to_string(base_ + start) + " is negative");
    }
    if (!at_digit()) fail("a dimension (a non-negative integer) or ')' in the shape tuple");
    uint64_t v = 0;
    bool overflow = false;
    while (at_digit()) {
      const uint64_t digit = uint64_t(text_[pos_] - '0');
      if (v > (UINT64_MAX - digit) / 10) overflow = true;
      v = v * 10 + digit;
      ++pos_;
    }
    if (overflow) {
      throw Error(name_ + ": shape dimension " + quoted(text_.substr(start, pos_ - start)) + " at byte " +
                  std::to_string(base_ + start) + " does not fit in 64 bits");
    }
    if (at('L') || at('l')) ++pos_;
    return v;
  }

  std::vector<uint64_t> shape_tuple() {
    expect('(', "a tuple such as (3,) or (2, 3) for 'shape'");
    std::vector<uint64_t> shape;
    skip_space();
    while (!at(')')) {
      if (shape.size() == kNumpyMaxDims) {
        fail("')': a numpy shape has at most " + std::to_string(kNumpyMaxDims) + " dimensions");
      }
      shape.push_back(dimension());
      skip_space();
      if (at(',')) {
        ++pos_;
        skip_space();
      } else if (at(')')) {
        // (3) is the int 3 in Python, not a tuple: numpy refuses it.
        if (shape.size() == 1) fail("',' after the only dimension, as in (3,)");
      } else {
        fail("',' or ')' after a dimension in the shape tuple");
      }
    }
    ++pos_;  // ')'
    return shape;
  }

  std::string_view text_;
  size_t base_;
  const std::string& name_;
  size_t pos_ = 0;
};

struct Dtype {
  bool is_float32;
  bool swap;  // the file's byte order differs from this machine's
};

Dtype parse_dtype(std::string_view descr, const std::string& name) {
  if (descr.size() == 3 && (descr[0] == '<' || descr[0] == '>' || descr[0] == '=') && descr[1] == 'f' &&
      (descr[2] == '4' || descr[2] == '8')) {
    const bool little = descr[0] == '<' || (descr[0] == '=' && std::endian::native == std::endian::little);
    return Dtype{descr[2] == '4', little != (std::endian::native == std::endian::little)};
  }
  throw Error(name + ": dtype " + quoted(descr) + " is not supported (accepted dtypes: " + kAcceptedDtypes +
              ")");
}

template <typename Bits>
Bits byteswap(Bits v) {  // std::byteswap is C++23
  Bits out = 0;
  for (size_t b = 0; b < sizeof(Bits); ++b) out = Bits(out << 8) | Bits((v >> (8 * b)) & 0xff);
  return out;
}

template <typename Float, typename Bits>
void convert(std::string_view bytes, bool swap, std::vector<double>& out) {
  static_assert(sizeof(Float) == sizeof(Bits));
  const size_t n = bytes.size() / sizeof(Float);
  out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Bits bits;
    std::memcpy(&bits, bytes.data() + i * sizeof(Float), sizeof(Float));
    if (swap) bits = byteswap(bits);
    out[i] = double(std::bit_cast<Float>(bits));
  }
}

// The element count of a shape we write, or an Error saying why it is not one.
uint64_t checked_count(const std::vector<uint64_t>& shape, const std::string& what) {
  if (const std::string problem = rank_problem(shape); !problem.empty()) throw Error(what + ": " + problem);
  uint64_t count = 0;
  if (!element_count(shape, count)) {
    throw Error(what + ": shape " + shape_text(shape) + " has an element count that overflows 64 bits");
  }
  return count;
}

std::string format(const std::vector<uint64_t>& shape, const std::vector<double>& data, bool as_float32,
                   const std::string& what) {
  const uint64_t count = checked_count(shape, what);
  if (count != data.size()) {
    throw Error(what + ": shape " + shape_text(shape) + " holds " + std::to_string(count) + " values but " +
                std::to_string(data.size()) + " were given");
  }
  // Exactly numpy's header (numpy/lib/format.py, _write_array_header): the sorted dict, spare spaces so the
  // first axis can grow in place, then spaces and '\n' up to the alignment.
  std::string header = std::string("{'descr': '") + (as_float32 ? "<f4" : "<f8") +
                       "', 'fortran_order': False, 'shape': " + shape_repr(shape) + ", }";
  header.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');
  const size_t prefix = kMagic.size() + kVersionSize + 2;
  const size_t padding = kArrayAlign - (prefix + header.size() + 1) % kArrayAlign;
  header.append(padding, ' ');
  header += '\n';

  const size_t item = as_float32 ? 4 : 8;
  std::string out;
  out.reserve(prefix + header.size() + data.size() * item);
  out += kMagic;
  out += char(1);  // version 1.0
  out += char(0);
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  out += header;
  for (const double v : data) {
    char le[8];
    if (as_float32) {
      const uint32_t bits = std::bit_cast<uint32_t>(float(v));
      for (size_t b = 0; b < 4; ++b) le[b] = char(bits >> (8 * b));
    } else {
      const uint64_t bits = std::bit_cast<uint64_t>(v);
      for (size_t b = 0; b < 8; ++b) le[b] = char(bits >> (8 * b));
    }
    out.append(le, item);
  }
  return out;
}

}  // namespace

NpyArray parse_npy(const std::string& bytes, const std::string& name) {
  const std::string_view in(bytes);
  const size_t magic_seen = std::min(in.size(), kMagic.size());
  if (in.substr(0, magic_seen) != kMagic.substr(0, magic_seen)) {
    throw Error(name + ": not a .npy file: it starts with " + quoted(in.substr(0, kMagic.size())) +
                " instead of the magic '\\x93NUMPY'");
  }
  if (in.size() < kMagic.size() + kVersionSize) {
    throw Error(name + ": truncated .npy file: " + std::to_string(in.size()) +
                " bytes, shorter than the magic and the version");
  }
  const int major = static_cast<unsigned char>(in[6]), minor = static_cast<unsigned char>(in[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    throw Error(name + ": .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                " is not supported (1.0, 2.0 and 3.0 are)");
  }
  const size_t length_size = major == 1 ? 2 : 4;
  const size_t header_start = kMagic.size() + kVersionSize + length_size;
  if (in.size() < header_start) {
    throw Error(name + ": truncated .npy file: " + std::to_string(in.size()) + " bytes, the version " +
                std::to_string(major) + ".0 preamble alone is " + std::to_string(header_start));
  }
  const uint64_t header_length = read_le(in.substr(kMagic.size() + kVersionSize), length_size);
  if (header_length > in.size() - header_start) {
    throw Error(name + ": .npy header length " + std::to_string(header_length) +
                " runs past the end of the file (" + std::to_string(in.size() - header_start) +
                " bytes follow the " + std::to_string(header_start) + "-byte preamble)");
  }
  const Header h = HeaderParser(in.substr(header_start, header_length), header_start, name).parse();

  const Dtype dtype = parse_dtype(h.descr, name);
  if (h.fortran_order) {
    throw Error(name +
                ": the array is in Fortran order (fortran_order: True); save it in C order with "
                "np.save(path, np.ascontiguousarray(a))");
  }
  if (const std::string problem = rank_problem(h.shape); !problem.empty()) throw Error(name + ": " + problem);
  const uint64_t item = dtype.is_float32 ? 4 : 8;
  uint64_t count = 0, data_bytes = 0;
  if (!element_count(h.shape, count) || __builtin_mul_overflow(count, item, &data_bytes)) {
    throw Error(name + ": shape " + shape_text(h.shape) + " of dtype " + quoted(h.descr) +
                " needs a byte count that overflows 64 bits");
  }
  const std::string_view data = in.substr(header_start + header_length);
  if (data_bytes != data.size()) {
    throw Error(name + ": the data section is " + std::to_string(data.size()) + " bytes but shape " +
                shape_text(h.shape) + " of dtype " + quoted(h.descr) + " needs " +
                std::to_string(data_bytes) + " bytes");
  }

  NpyArray a;
  a.shape = h.shape;
  a.was_float32 = dtype.is_float32;
  if (dtype.is_float32) {
    convert<float, uint32_t>(data, dtype.swap, a.data);
  } else {
    convert<double, uint64_t>(data, dtype.swap, a.data);
  }
  return a;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open .npy file");
  std::ostringstream bytes;
  bytes << f.rdbuf();
  if (f.bad()) throw Error(path + ": read failed");
  return parse_npy(bytes.str(), path);
}

std::string format_npy(const std::vector<uint64_t>& shape, const std::vector<double>& data, bool as_float32) {
  return format(shape, data, as_float32, "format_npy");
}

void write_npy(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<double>& data,
               bool as_float32) {
  const std::string bytes = format(shape, data, as_float32, path);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(path + ": cannot open for writing");
  f.write(bytes.data(), std::streamsize(bytes.size()));
  f.flush();
  if (!f) throw Error(path + ": write failed");
}

}  // namespace wafer
