#include "host/asm/route_builder.h"

#include "host/asm/layout_common.h"
#include "host/asm/rect_groups.h"
#include "host/model/constants.h"
#include "host/model/state.h"

namespace wafer::assembler {

namespace {

struct RouteGroup {
  Rect rect;
  uint32_t color, rx, tx;
  size_t statement;
};

GroupKey route_key(const RouteStmt& r, const EvalEnv& env) {
  const int64_t color = int_of(eval(*r.color, env), r.color->loc, "the route's color");
  if (color < 0 || color >= kColors) fail(r.color->loc, no_such_color(color));
  const int64_t rx = int_of(eval(*r.rx, env), r.rx->loc, "the rx port");
  uint32_t rx_port = kPorts;
  for (uint32_t p = 0; p < uint32_t(kPorts); ++p) {
    if (rx == int64_t(1u << p)) rx_port = p;
  }
  if (rx_port == uint32_t(kPorts)) {
    fail(r.rx->loc,
         "rx must be exactly one port (north, east, south, west or ramp): a color arrives on one port, "
         "found " +
             (rx > 0 && rx < 32 ? port_list(uint32_t(rx)) : std::to_string(rx)));
  }
  uint32_t tx = 0;
  for (const auto& t : r.tx) {
    const int64_t m = int_of(eval(*t, env), t->loc, "a tx port");
    if (m < 0 || m >= 32)
      fail(t->loc, "tx port mask " + std::to_string(m) + " is not a set of north, east, south, west, ramp");
    tx |= uint32_t(m);
  }
  if (tx == 0) fail(r.tx[0]->loc, "tx is empty: a route must send its color on at least one port");
  if (rx_port != kRamp && (tx & (1u << rx_port))) {
    fail(r.tx[0]->loc, "tx includes the rx port " + port_list(1u << rx_port) +
                           ": a color cannot be sent back where it came from");
  }
  return {uint32_t(color), rx_port, tx};
}

bool has_out_stream(const Image& im, uint32_t x, uint32_t y, uint32_t port) {
  for (const auto& s : im.out_streams) {
    if (s.x == x && s.y == y && s.port == port) return true;
  }
  return false;
}

// A route whose tx leaves the grid needs an output stream on that port at every edge PE of its
// rectangle; without one the first wavelet would trap at run time.
void check_off_grid(const Image& im, const RouteGroup& g, const RouteStmt& stmt) {
  const Rect& r = g.rect;
  for (uint32_t p = 0; p < uint32_t(kDirs); ++p) {
    if (!(g.tx & (1u << p))) continue;
    std::vector<std::pair<uint32_t, uint32_t>> edge;
    if (p == kNorth && r.y == 0)
      for (uint32_t x = r.x; x < r.x + r.w; ++x) edge.emplace_back(x, 0);
    if (p == kSouth && r.y + r.h == im.height)
      for (uint32_t x = r.x; x < r.x + r.w; ++x) edge.emplace_back(x, im.height - 1);
    if (p == kWest && r.x == 0)
      for (uint32_t y = r.y; y < r.y + r.h; ++y) edge.emplace_back(0, y);
    if (p == kEast && r.x + r.w == im.width)
      for (uint32_t y = r.y; y < r.y + r.h; ++y) edge.emplace_back(im.width - 1, y);
    for (const auto& [x, y] : edge) {
      if (!has_out_stream(im, x, y, p)) {
        fail(stmt.tx[0]->loc, "the route sends color " + std::to_string(g.color) + " " + port_list(1u << p) +
                                  " off the grid at " + pe_str(x, y) + ", where no outstream is attached");
      }
    }
  }
}

[[noreturn]] void route_conflict(const std::vector<PendingRoute>& routes, const RouteGroup& a,
                                 const RouteGroup& b, uint32_t x, uint32_t y) {
  auto route_str = [](const RouteGroup& g) {
    return "rx " + port_list(1u << g.rx) + " tx " + port_list(g.tx);
  };
  try {
    fail(routes[b.statement].at, "route conflict: color " + std::to_string(b.color) + " at " + pe_str(x, y) +
                                     " is routed " + route_str(b) + " here but " + route_str(a) +
                                     " by an earlier route statement; a color has one route per PE");
  } catch (const Error& e) {
    rethrow_with_note(e, routes[a.statement].at, "the earlier route statement is here");
  }
}

}  // namespace

void build_routes(const std::vector<PendingRoute>& routes, Image& im) {
  std::vector<RouteGroup> groups;
  for (size_t k = 0; k < routes.size(); ++k) {
    const PendingRoute& pr = routes[k];
    const RouteStmt& r = *pr.stmt;
    const Rect rr = eval_rect(r.rect, pr.scope, im.width, im.height);
    Deps deps = deps_of(r.color.get());
    deps |= deps_of(r.where.get());
    deps |= deps_of(r.rx.get());
    for (const auto& t : r.tx) deps |= deps_of(t.get());
    auto g = group_rects(rr, deps.x, deps.y, [&](uint32_t x, uint32_t y) -> std::optional<GroupKey> {
      return at_pe(x, y, pr.at, [&]() -> std::optional<GroupKey> {
        const EvalEnv env = pe_env(pr.scope, x, y);
        if (r.where && !truthy(eval(*r.where, env), r.where->loc, "the where condition")) return std::nullopt;
        return route_key(r, env);
      });
    });
    for (const auto& grp : g) {
      groups.push_back({grp.rect, grp.key[0], grp.key[1], grp.key[2], k});
      check_off_grid(im, groups.back(), r);
    }
  }
  // Conflicts, one color at a time: each PE remembers the first group that routed the color there.
  const size_t n = size_t(im.width) * im.height;
  for (uint32_t color = 0; color < uint32_t(kColors); ++color) {
    std::vector<uint32_t> first;  // group index + 1
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const RouteGroup& g = groups[gi];
      if (g.color != color) continue;
      if (first.empty()) first.assign(n, 0);
      for (uint32_t y = g.rect.y; y < g.rect.y + g.rect.h; ++y) {
        for (uint32_t x = g.rect.x; x < g.rect.x + g.rect.w; ++x) {
          uint32_t& f = first[size_t(y) * im.width + x];
          if (f == 0) {
            f = uint32_t(gi + 1);
            continue;
          }
          const RouteGroup& o = groups[f - 1];
          if (o.rx != g.rx || o.tx != g.tx) route_conflict(routes, o, g, x, y);
        }
      }
    }
  }
  for (const auto& g : groups) im.routes.push_back({g.rect, g.color, g.rx, g.tx});
}

void check_in_stream_routes(const Image& im, const std::vector<SourceLoc>& in_stream_locs) {
  for (size_t k = 0; k < im.in_streams.size(); ++k) {
    const InStream& s = im.in_streams[k];
    uint32_t rx = kNoPort;
    bool routed = false;
    for (const auto& r : im.routes) {
      if (r.color == s.color && r.rect.contains(s.x, s.y)) {
        rx = r.rx;
        routed = true;
      }
    }
    if (!routed || rx != s.port) {
      fail(in_stream_locs[k], "input stream " + quoted(s.name) + " enters " + pe_str(s.x, s.y) + " from " +
                                  port_list(1u << s.port) + " on color " + std::to_string(s.color) +
                                  ", but " +
                                  (routed ? "the color's route there is rx " + port_list(1u << rx)
                                          : std::string("the color has no route there")) +
                                  "; add: route " + std::to_string(s.color) + " at (" + std::to_string(s.x) +
                                  ", " + std::to_string(s.y) + ") rx " + port_list(1u << s.port) + " tx ...");
    }
  }
}

void check_out_stream_routes(const Image& im, const std::vector<SourceLoc>& out_stream_locs) {
  for (size_t k = 0; k < im.out_streams.size(); ++k) {
    const OutStream& s = im.out_streams[k];
    bool fed = false;
    for (const auto& r : im.routes) fed |= r.rect.contains(s.x, s.y) && (r.tx_mask & (1u << s.port));
    if (fed) continue;
    const std::string port = port_list(1u << s.port);
    fail(out_stream_locs[k], "output stream " + quoted(s.name) + " leaves " + pe_str(s.x, s.y) + " " + port +
                                 ", but no route at " + pe_str(s.x, s.y) + " sends any color " + port +
                                 ", so nothing can ever reach the stream; add e.g.: route COLOR at (" +
                                 std::to_string(s.x) + ", " + std::to_string(s.y) + ") rx ramp tx " + port);
  }
}

}  // namespace wafer::assembler
