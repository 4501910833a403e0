#include "mapper/search/search.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "host/model/constants.h"
#include "host/model/error.h"
#include "mapper/cost/latency.h"
#include "mapper/place/staircase.h"

namespace wafer::mapper {

namespace {

uint32_t ceil_div(uint32_t a, uint32_t b) {
  return (a + b - 1) / b;
}

// Lane (or chain) counts worth trying for `total` items: one per distinct block size ceil(total / k),
// ascending. About 2 sqrt(total) values.
std::vector<uint32_t> distinct_splits(uint32_t total) {
  std::vector<uint32_t> out;
  for (uint32_t k = 1;;) {
    out.push_back(k);
    const uint32_t m = ceil_div(total, k);  // the block size with k parts
    if (m <= 1) break;
    k = ceil_div(total, m - 1);  // the fewest parts that make blocks smaller than m
  }
  return out;
}

bool fits_sram(const LayerCost& c) {
  return c.fits_sram();
}

struct Shapes {
  uint32_t chain0 = 0;
  std::vector<uint32_t> lanes;
};

// The fewest lanes per layer for target T (forced layers keep their shape). nullopt when T is out of reach.
std::optional<Shapes> shapes_for_target(const LayerGraph& g, uint64_t T, const SearchOptions& o,
                                        const std::vector<std::vector<uint32_t>>& splits, uint32_t chain0) {
  const size_t L = g.layers.size();
  // Forced lane counts: a forced (K, C) on layer i fixes K_i and K_{i-1} (or C_0).
  std::vector<uint32_t> forced_lanes(L, 0);
  uint32_t forced_chain0 = 0;
  for (const auto& [i, kc] : o.shapes) {
    forced_lanes[i] = kc.first;
    if (i == 0)
      forced_chain0 = kc.second;
    else
      forced_lanes[i - 1] = kc.second;
  }
  // Can layer i reach T with chain C (with its most lanes, or its forced lanes)?
  auto reachable = [&](size_t i, uint32_t C) {
    const uint32_t K = forced_lanes[i] ? forced_lanes[i] : g.layers[i].out;
    const LayerCost c = predict_layer(g, uint32_t(i), {K, C});
    return (forced_lanes[i] || c.interval <= T);
  };
  auto ok = [&](size_t i, uint32_t K, uint32_t C) {
    const LayerCost c = predict_layer(g, uint32_t(i), {K, C});
    return fits_sram(c) && (forced_lanes[i] || c.interval <= T) && (i + 1 == L || reachable(i + 1, K));
  };
  Shapes s;
  s.chain0 = forced_chain0 ? forced_chain0 : chain0;
  if (!reachable(0, s.chain0)) return std::nullopt;
  uint32_t C = s.chain0;
  for (size_t i = 0; i < L; ++i) {
    uint32_t K = 0;
    if (forced_lanes[i]) {
      K = forced_lanes[i];
      if (!fits_sram(predict_layer(g, uint32_t(i), {K, C}))) return std::nullopt;
    } else {
      // Binary search over the ascending candidates: ok() is monotone in K.
      const auto& cand = splits[i];
      size_t lo = 0, hi = cand.size();
      while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (ok(i, cand[mid], C))
          hi = mid;
        else
          lo = mid + 1;
      }
      if (lo == cand.size()) return std::nullopt;
      K = cand[lo];
    }
    s.lanes.push_back(K);
    C = K;
  }
  return s;
}

// Replicas that fit in b bands (0 when not even one): side by side along a band (a replica's pitch grows
// by the last layer's lanes when its outputs turn south, or take a corridor, Plan::output_route), bands one
// under another, at most kMaxBands (each band below the first needs two colors of its own).
uint32_t replicas_that_fit(const Plan& one, uint32_t W, uint32_t H, uint32_t bands) {
  if (one.extent_height > H || one.extent_width > W || bands > kMaxBands) return 0;
  if (bands == 1) return std::max(1u, W / replica_layout(one, true, false).pitch);  // one alone goes straight on
  const ReplicaLayout l = replica_layout(one, true, true);
  if ((bands - 1) * l.band_pitch + l.last_band_height > H || l.pitch > W) return 0;
  return (W / l.pitch) * bands;
}

// The replica count to weigh for a staircase: forced, or the best of one band, two bands, ... (more bands
// share the edge ports, cost/io.h, so more is not always faster), at most max_replicas.
Plan best_replicas(const LayerGraph& g, uint32_t W, uint32_t H, const Plan& one, const SearchOptions& o) {
  auto with = [&](uint32_t R) {
    Plan p = one;  // the layers are costed once; replicas only change the layout and the ports' bound
    set_replicas(g, p, R);
    return p;
  };
  if (o.replicas) return with(o.replicas);
  std::optional<Plan> best;
  for (uint32_t b = 1; b <= kMaxBands; ++b) {
    uint32_t R = replicas_that_fit(one, W, H, b);
    if (R == 0) break;
    if (o.max_replicas) R = std::min(R, o.max_replicas);
    Plan p = with(R);
    if (!best || p.samples_per_second() > best->samples_per_second() * (1 + 1e-12)) best = std::move(p);
    if (o.max_replicas && R == o.max_replicas) break;
  }
  return best ? *best : with(1);
}

std::string plan_summary(const Plan& p) {
  std::ostringstream o;
  o << p.replicas << " replica(s)";
  if (p.bands() > 1) o << " in " << p.bands() << " bands";
  o << " of a " << p.extent_width << "x" << p.extent_height << " staircase, interval " << p.interval << " cycles";
  if (p.io_bound()) o << " (the shared edge ports' bound)";
  o << ", " << p.pes() << " PEs";
  return o.str();
}

SearchResult search_impl(const LayerGraph& g, uint32_t W, uint32_t H, const SearchOptions& o) {
  g.validate();
  for (const auto& [i, kc] : o.shapes) {
    if (i >= g.layers.size())
      throw Error(g.source + ": --shape names layer " + std::to_string(i) + "; the model has " +
                  std::to_string(g.layers.size()) + " layers (0.." + std::to_string(g.layers.size() - 1) +
                  ")");
    const FcLayer& l = g.layers[i];
    if (kc.first == 0 || kc.first > l.out || kc.second == 0 || kc.second > l.in)
      throw Error(g.source + ": --shape " + std::to_string(i) + "=" + std::to_string(kc.first) + "x" +
                  std::to_string(kc.second) + ": layer " + std::to_string(i) + " ('" + l.name + "', W " +
                  std::to_string(l.out) + "x" + std::to_string(l.in) + ") takes 1.." + std::to_string(l.out) +
                  " lanes and 1.." + std::to_string(l.in) + " chain positions");
    // C_i = K_{i-1}: two forced shapes must agree.
    if (i > 0 && o.shapes.count(i - 1) && o.shapes.at(i - 1).first != kc.second)
      throw Error(g.source + ": --shape " + std::to_string(i - 1) + "=" +
                  std::to_string(o.shapes.at(i - 1).first) + "x... and --shape " + std::to_string(i) +
                  "=..x" + std::to_string(kc.second) + " disagree: in the staircase layer " +
                  std::to_string(i) + "'s chain length is layer " + std::to_string(i - 1) + "'s lane count");
  }
  std::vector<std::vector<uint32_t>> splits;
  for (const auto& l : g.layers) splits.push_back(distinct_splits(l.out));
  const std::vector<uint32_t> chain0_splits = distinct_splits(g.layers.front().in);

  // The ladder of targets: from the fastest possible interval to the slowest, 1.5% apart.
  uint64_t t_min = UINT64_MAX, t_max = 0;
  for (uint32_t i = 0; i < g.layers.size(); ++i) {
    const FcLayer& l = g.layers[i];
    t_min = std::min(t_min, predict_layer(g, i, {l.out, l.in}).interval);
    t_max = std::max(t_max, predict_layer(g, i, {1, 1}).interval);
  }
  t_min =
      1;  // the fastest layer's best is no bound for the others: start at 1 and let infeasible targets fall
  std::vector<uint64_t> targets;
  for (double t = double(t_min); t < double(t_max) * 1.02; t = std::max(t * 1.015, t + 1))
    targets.push_back(uint64_t(t));
  targets.push_back(t_max);

  SearchResult res;
  std::optional<Plan> best;
  std::optional<Plan> smallest;  // the smallest staircase seen, for the "does not fit" message
  std::vector<BlendAlternative> all;
  // Layer 0's chain length sets the phase of the staircase: few chain positions make layer 0 need many
  // lanes, so layer 1 gets a long chain and few lanes, and so on, alternating; the staircase's width sums
  // the odd layers' lanes and its height the even layers'. Every C_0 is tried, so the shape that fits the
  // grid's aspect is found.
  const std::vector<uint32_t> chain0s =
      o.shapes.count(0) ? std::vector<uint32_t>{o.shapes.at(0).second} : chain0_splits;
  std::vector<uint64_t> seen(chain0s.size(), 0);
  for (uint64_t T : targets)
    for (size_t ci = 0; ci < chain0s.size(); ++ci) {
      const auto s = shapes_for_target(g, T, o, splits, chain0s[ci]);
      if (!s) continue;
      Plan one = staircase_for_shapes(g, W, H, s->chain0, s->lanes, 1, false);
      if (one.interval == seen[ci]) continue;  // the same staircase as this C_0's previous target
      seen[ci] = one.interval;
      ++res.blends_weighed;
      if (!smallest || uint64_t(one.extent_width) * one.extent_height <
                           uint64_t(smallest->extent_width) * smallest->extent_height)
        smallest = one;
      BlendAlternative alt;
      alt.target = T;
      alt.plan = best_replicas(g, W, H, one, o);
      alt.fits = alt.plan.extent_width <= W && alt.plan.extent_height <= H && alt.plan.used_width() <= W &&
                 alt.plan.used_height() <= H && alt.plan.bands() <= kMaxBands;
      if (!alt.fits) {
        std::ostringstream why;
        why << "does not fit: needs " << alt.plan.used_width() << "x" << alt.plan.used_height() << " of the "
            << W << "x" << H << " grid";
        if (alt.plan.bands() > kMaxBands)
          why << " in " << alt.plan.bands() << " bands of " << alt.plan.replicas_per_band << " (the colors allow "
              << kMaxBands << ")";
        alt.verdict = why.str();
      }
      if (alt.fits && (!best || alt.plan.samples_per_second() > best->samples_per_second() * (1 + 1e-12) ||
                       (alt.plan.samples_per_second() >= best->samples_per_second() * (1 - 1e-12) &&
                        alt.plan.pes() < best->pes())))
        best = alt.plan;
      all.push_back(std::move(alt));
    }
  if (!best) {
    if (!smallest)
      throw Error(g.source + ": no shape fits a PE's SRAM (" + std::to_string(kSramWords) +
                  " words) for every layer" + (o.shapes.empty() ? std::string() : " with the forced shapes"));
    std::ostringstream msg;
    const uint32_t R = std::max(o.replicas, 1u);
    Plan p = staircase_for_shapes(
        g, W, H, smallest->layers.front().chain,
        [&] {
          std::vector<uint32_t> k;
          for (const auto& l : smallest->layers) k.push_back(l.lanes);
          return k;
        }(),
        R);
    msg << g.source << ": the model does not fit the " << W << "x" << H << " grid";
    if (R > 1) msg << " with " << R << " replicas";
    msg << ": its smallest layer pipeline (" << p.pes() << " PEs) needs a " << p.used_width() << "x"
        << p.used_height() << " region";
    if (p.bands() > 1) msg << " (" << p.bands() << " bands of " << p.replicas_per_band << ")";
    if (p.used_width() > W) msg << ", " << (p.used_width() - W) << " columns too wide";
    if (p.used_height() > H) msg << ", " << (p.used_height() - H) << " rows too tall";
    if (p.bands() > kMaxBands) msg << ", more bands than the colors allow (" << kMaxBands << ")";
    msg << " (" << g.weight_count() << " weights; the grid's SRAM holds " << uint64_t(W) * H * kSramWords
        << " words in all)";
    throw Error(msg.str());
  }
  res.plan = *best;
  predict_latency(g, res.plan);
  std::ostringstream rule;
  rule << "search: " << res.blends_weighed << " blends weighed, best " << plan_summary(res.plan);
  res.plan.rule = rule.str();
  // Keep a readable few: the chosen, its neighbours on the ladder, and the extremes.
  size_t chosen = 0;
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].fits && all[i].plan.interval == res.plan.interval && all[i].plan.replicas == res.plan.replicas)
      chosen = i;
  std::vector<size_t> keep = {0, all.size() - 1};
  for (long d = -3; d <= 3; ++d)
    if (long(chosen) + d >= 0 && size_t(long(chosen) + d) < all.size())
      keep.push_back(size_t(long(chosen) + d));
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  for (size_t i : keep) {
    BlendAlternative a = all[i];
    predict_latency(g, a.plan);
    if (i == chosen) {
      a.verdict = "chosen";
    } else if (a.fits) {
      std::ostringstream why;
      why << "fits, but " << a.plan.samples_per_second() / res.plan.samples_per_second()
          << "x the chosen samples/s";
      a.verdict = why.str();
    }
    res.blends.push_back(std::move(a));
  }
  return res;
}

}  // namespace

SearchResult search_plan(const LayerGraph& g, uint32_t W, uint32_t H, const SearchOptions& o) {
  if (o.replicas == 0 && o.shapes.empty()) return search_impl(g, W, H, o);
  SearchResult forced = search_impl(g, W, H, o);
  forced.forced = true;
  try {
    forced.unforced = search_impl(g, W, H, {.max_replicas = o.max_replicas}).plan;
  } catch (const Error&) {
  }
  return forced;
}

std::vector<LayerAlternative> layer_alternatives(const LayerGraph& g, const SearchResult& r, uint32_t layer) {
  const Plan& p = r.plan;
  if (layer >= p.layers.size())
    throw Error("--explain " + std::to_string(layer) + ": the model has layers 0.." +
                std::to_string(p.layers.size() - 1));
  const LayerPlan& lp = p.layers[layer];
  const FcLayer& fc = g.layers[layer];
  std::vector<uint32_t> ks = {1, lp.lanes, fc.out};
  for (uint32_t f : {2u, 4u, 8u}) {
    ks.push_back(std::max(1u, lp.lanes / f));
    ks.push_back(std::min(fc.out, lp.lanes * f));
  }
  if (lp.lanes > 1) ks.push_back(lp.lanes - 1);
  if (lp.lanes < fc.out) ks.push_back(lp.lanes + 1);
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  std::vector<LayerAlternative> out;
  for (uint32_t K : ks) {
    LayerAlternative a;
    a.lanes = K, a.chain = lp.chain;
    a.cost = predict_layer(g, layer, {K, lp.chain});
    std::ostringstream v;
    if (K == lp.lanes) {
      v << "chosen";
    } else if (!a.cost.fits_sram()) {
      v << "a " << a.cost.m_max << "x" << a.cost.n_max << " block needs "
        << a.cost.data_words + a.cost.code_words << " SRAM words, over " << kSramWords;
    } else if (a.cost.interval > p.interval) {
      v << "slower: " << a.cost.interval << " cycles/sample would hold the pipeline back (it runs at "
        << p.interval << ")";
    } else {
      // Faster or as fast, but more PEs: the pipeline runs at its bottleneck's pace, and this layer's lanes
      // set the next layer's chain and the staircase's size.
      std::vector<uint32_t> lanes;
      for (const auto& l : p.layers) lanes.push_back(l.lanes);
      lanes[layer] = K;
      const Plan alt =
          staircase_for_shapes(g, p.grid_width, p.grid_height, p.layers.front().chain, lanes, p.replicas);
      if (alt.used_width() > p.grid_width || alt.used_height() > p.grid_height || alt.bands() > kMaxBands)
        v << "with " << p.replicas << " replica(s) the region would be " << alt.used_width() << "x"
          << alt.used_height() << ": does not fit";
      else if (alt.interval < p.interval)
        v << "faster layer, pipeline " << alt.interval << " but " << alt.pes() - std::min(alt.pes(), p.pes())
          << " more PEs leave room for fewer replicas";
      else
        v << "no faster pipeline (the bottleneck is "
          << (p.io_bound() ? std::string("the shared edge ports") : "layer " + std::to_string(p.bottleneck))
          << " at " << p.interval << "); "
          << (alt.pes() >= p.pes() ? std::to_string(alt.pes() - p.pes()) + " more PEs"
                                   : "fewer PEs but slower");
    }
    a.verdict = v.str();
    out.push_back(a);
  }
  return out;
}

}  // namespace wafer::mapper
