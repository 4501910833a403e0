// Host streams: instream/outstream statements -> the image's InStream/OutStream entries, with their
// checks (edge PE and off-grid port, one stream per port, unique names, color range, lengths).
#pragma once
#include <string>
#include <vector>

#include "host/asm/ast.h"
#include "host/asm/evaluator.h"
#include "host/image/image.h"

namespace wafer::assembler {

// Streams carry at most this many wavelets each: the assembler materialises them in memory.
inline constexpr int64_t kMaxStreamLength = int64_t(1) << 24;

class StreamBuilder {
 public:
  explicit StreamBuilder(Image& image) : im_(image) {}
  void in_stream(const InStreamStmt& s, const SourceLoc& at, const Scope* scope);
  void out_stream(const OutStreamStmt& s, const SourceLoc& at, const Scope* scope);
  // Where image.in_streams[k] was declared (for the route check, which runs after all routes are known).
  const std::vector<SourceLoc>& in_stream_locs() const { return in_stream_locs_; }
  const std::vector<SourceLoc>& out_stream_locs() const { return out_stream_locs_; }

 private:
  struct Named {
    std::string name;
    SourceLoc at;
  };
  Ident stream_name(const Ident& name, const ExprPtr& index, const Scope* scope);
  void stream_pe(const ExprPtr& ex, const ExprPtr& ey, const Scope* scope, uint32_t* x, uint32_t* y);
  uint32_t edge_port(const ExprPtr& port, const Scope* scope, uint32_t x, uint32_t y,
                     const std::string& what);
  void claim_name(const Ident& name);
  void claim_port(uint32_t x, uint32_t y, uint32_t port, bool output, const Ident& name);
  std::vector<uint32_t> words(const ExprPtr& e, const Scope* scope, int64_t count, const std::string& what);

  Image& im_;
  std::vector<Named> names_;
  std::vector<std::pair<uint64_t, Named>> ports_;  // (PE, port, direction) key -> stream
  std::vector<SourceLoc> in_stream_locs_;
  std::vector<SourceLoc> out_stream_locs_;
};

}  // namespace wafer::assembler
