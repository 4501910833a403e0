// Routes: route statements evaluated per PE, checked, and written to the image as rectangles.
//
// Checks (docs/program-format.md, "Rules the assembler checks"): rx is one port; tx is a non-empty set
// without the rx direction; no color leaves the grid where no output stream is attached; and the route
// conflict rule: two statements that give one color different (rx, tx) at the same PE are an error
// naming the PE and both statements (identical routes agree).
#pragma once
#include <vector>

#include "host/asm/ast.h"
#include "host/asm/evaluator.h"
#include "host/image/image.h"

namespace wafer::assembler {

struct PendingRoute {
  const RouteStmt* stmt;
  const Scope* scope;  // the layout scope the statement was expanded in (loop variables)
  SourceLoc at;
};

// Appends the routes to image.routes; image.out_streams must already be complete.
void build_routes(const std::vector<PendingRoute>& routes, Image& image);

// Every input stream must enter a PE whose route takes its color in from the stream's port
// (in_stream_locs[k] is where image.in_streams[k] was declared).
void check_in_stream_routes(const Image& image, const std::vector<SourceLoc>& in_stream_locs);

// Every output stream must have a route at its PE that sends some color out through the stream's port:
// without one nothing can ever reach it, and the run would end with an empty stream and no error.
void check_out_stream_routes(const Image& image, const std::vector<SourceLoc>& out_stream_locs);

}  // namespace wafer::assembler
