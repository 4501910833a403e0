#include "host/asm/stream_builder.h"

#include "host/asm/layout_common.h"
#include "host/model/constants.h"

namespace wafer::assembler {

// NAME, or NAME[k] for streams declared in loops.
Ident StreamBuilder::stream_name(const Ident& name, const ExprPtr& index, const Scope* scope) {
  if (!index) return name;
  const int64_t k = int_in(eval(*index, {scope}), 0, INT32_MAX, index->loc, "the stream name's index");
  return {name.text + "[" + std::to_string(k) + "]", name.loc};
}

void StreamBuilder::stream_pe(const ExprPtr& ex, const ExprPtr& ey, const Scope* scope, uint32_t* x,
                              uint32_t* y) {
  *x = uint32_t(int_in(eval(*ex, {scope}), 0, int64_t(im_.width) - 1, ex->loc, "the stream PE's x"));
  *y = uint32_t(int_in(eval(*ey, {scope}), 0, int64_t(im_.height) - 1, ey->loc, "the stream PE's y"));
}

uint32_t StreamBuilder::edge_port(const ExprPtr& port, const Scope* scope, uint32_t x, uint32_t y,
                                  const std::string& what) {
  const int64_t mask = int_of(eval(*port, {scope}), port->loc, what + "'s port");
  for (uint32_t p = 0; p < uint32_t(kDirs); ++p) {
    if (mask != int64_t(1u << p)) continue;
    const bool off_grid = (p == kNorth && y == 0) || (p == kSouth && y + 1 == im_.height) ||
                          (p == kWest && x == 0) || (p == kEast && x + 1 == im_.width);
    if (!off_grid) {
      fail(port->loc, what + ": port " + port_list(uint32_t(mask)) + " of " + pe_str(x, y) +
                          " leads to a neighbour, not off the grid; a stream must sit on the grid's edge");
    }
    return p;
  }
  fail(port->loc, what + ": expected one of north, east, south, west for the port, found " +
                      port_list(uint32_t(mask & 31)));
}

void StreamBuilder::claim_name(const Ident& name) {
  for (const auto& s : names_) {
    if (s.name != name.text) continue;
    try {
      fail(name.loc, "stream " + quoted(name.text) + " is already defined");
    } catch (const Error& e) {
      rethrow_with_note(e, s.at, "the first definition is here");
    }
  }
  names_.push_back({name.text, name.loc});
}

void StreamBuilder::claim_port(uint32_t x, uint32_t y, uint32_t port, bool output, const Ident& name) {
  const uint64_t key = ((uint64_t(y) * im_.width + x) * 4 + port) * 2 + (output ? 1 : 0);
  for (const auto& [k, other] : ports_) {
    if (k != key) continue;
    try {
      fail(name.loc,
           "stream " + quoted(name.text) + " uses the same off-grid port as stream " + quoted(other.name));
    } catch (const Error& e) {
      rethrow_with_note(e, other.at, quoted(other.name) + " is defined here");
    }
  }
  ports_.push_back({key, {name.text, name.loc}});
}

// The stream's payload or indices: a list of `count` words, one number for all, or an expression in i.
std::vector<uint32_t> StreamBuilder::words(const ExprPtr& e, const Scope* scope, int64_t count,
                                           const std::string& what) {
  std::vector<uint32_t> out;
  if (deps_of(e.get()).i) {
    for (int64_t k = 0; k < count; ++k) {
      EvalEnv env{scope};
      env.has_element = true;
      env.element = k;
      out.push_back(word_of(eval(*e, env), e->loc, what));
    }
    return out;
  }
  const Value v = eval(*e, {scope});
  if (v.is_number()) return std::vector<uint32_t>(size_t(count), word_of(v, e->loc, what));
  append_words(v, out, e->loc, what);
  if (int64_t(out.size()) != count) {
    fail(e->loc, what + " has " + std::to_string(out.size()) + " words, but the stream's count is " +
                     std::to_string(count));
  }
  return out;
}

void StreamBuilder::in_stream(const InStreamStmt& s, const SourceLoc& at, const Scope* scope) {
  const Ident name = stream_name(s.name, s.name_index, scope);
  InStream in;
  in.name = name.text;
  stream_pe(s.x, s.y, scope, &in.x, &in.y);
  const std::string what = "input stream " + quoted(in.name);
  in.port = edge_port(s.port, scope, in.x, in.y, what);
  const int64_t color = int_of(eval(*s.color, {scope}), s.color->loc, what + "'s color");
  if (color < 0 || color >= kColors) fail(s.color->loc, no_such_color(color));
  in.color = uint32_t(color);
  const int64_t count = int_in(eval(*s.count, {scope}), 0, kMaxStreamLength, s.count->loc, what + "'s count");
  in.payload =
      s.values ? words(s.values, scope, count, what + "'s values") : std::vector<uint32_t>(size_t(count), 0);
  if (s.index) {
    for (uint32_t w : words(s.index, scope, count, what + "'s indices")) {
      if (w > 0xFFFF) fail(s.index->loc, what + ": index " + std::to_string(w) + " does not fit in 16 bits");
      in.index.push_back(uint16_t(w));
    }
  }
  claim_name(name);
  claim_port(in.x, in.y, in.port, false, name);
  in_stream_locs_.push_back(at);
  im_.in_streams.push_back(std::move(in));
}

void StreamBuilder::out_stream(const OutStreamStmt& s, const SourceLoc& at, const Scope* scope) {
  const Ident name = stream_name(s.name, s.name_index, scope);
  OutStream out;
  out.name = name.text;
  stream_pe(s.x, s.y, scope, &out.x, &out.y);
  const std::string what = "output stream " + quoted(out.name);
  out.port = edge_port(s.port, scope, out.x, out.y, what);
  out.capacity = uint64_t(
      int_in(eval(*s.capacity, {scope}), 1, kMaxStreamLength, s.capacity->loc, what + "'s capacity"));
  // What the program promises to send: `expect M` (0 = no promise), else the whole capacity. The host
  // treats a run that ends with fewer as a failure, so a stream that is sized generously says expect.
  out.expect = out.capacity;
  if (s.expect) {
    out.expect = uint64_t(int_in(eval(*s.expect, {scope}), 0, int64_t(out.capacity), s.expect->loc,
                                 "the expect of " + what + " (at most its capacity)"));
  }
  claim_name(name);
  claim_port(out.x, out.y, out.port, true, name);
  out_stream_locs_.push_back(at);
  im_.out_streams.push_back(std::move(out));
}

}  // namespace wafer::assembler
