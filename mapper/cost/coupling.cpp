// The coupling model's recurrence. A *stage* is one physical chain position of a layer, seen at its lane 0
// (the lane with the most rows: the others do the same work with one row less, and the x broadcast keeps
// them within a few wavelets of lane 0). Times are cycles; each is a max of earlier times plus durations
// (max-plus), computed sample by sample: first every stage's issue, layer after layer (a layer's x come from
// the chain end of the layer before), then every reduction's completion (which waits for the next layer).
//
// A data stage p (a position with a block of W), sample s; g counts the wavelets p receives (its non-zero
// x, then the sentinel, sample after sample):
//
//   flow(g)    when wavelet g could reach p: from a host stream one per cycle (g + 1); from the layer before
//              once its chain end sends sample s, e_up(s, j) + 1 for the element j that carries it (the
//              non-zero elements spread evenly over the reduction's `length`, the sentinel last).
//   arrive(g)  = max(flow(g), pop(g - Q) + 1): the queues between sender and p hold Q wavelets
//              (CouplingSlack: 3 queues of depth 2 between PEs, 2 from a host stream).
//   pop(g)     = max(free(p), arrive(g)): the data task takes the wavelets in order.
//   an x:        free(p) = pop(g) + per_x, plus the slot cycles p's previous reduction takes meanwhile (below).
//   the sentinel: one reduction in flight per PE. If the reduction of s - 1 had completed, R(p, s - 1), and
//              the data task was idle after that (some arrive(g) of sample s > max(free, R(p, s - 1))), its
//              completion task has run (done_task) and the sentinel issues at once: I(p, s) = pop + lead,
//              free(p) = pop + sentinel_issue + done_task. Otherwise the sentinel waits (sentinel_wait) and
//              the completion task issues when the reduction completes: w = max(pop + sentinel_wait,
//              R(p, s - 1) + 1), I(p, s) = w + lead, free(p) = w + done_issue. (lead: the vector op is the
//              4th instruction on either path.)
//   the slot:   the reduction's arithmetic elements (vfadd; a single position's vfmax), `reduce` of them, use
//              the core's one arithmetic slot while they pass, between A(p, s) and R(p, s), at most every
//              other cycle (round robin with the data task). Spread evenly over that window (at least
//              2 reduce long), they delay the data task's work that overlaps it: the sentinel's path, then
//              each x of sample s + 1 by the elements that fall in its time.
//
// The reduction of s flows along the layer's chain (c = 0 .. end, the epilogue last), 2 cycles per hop
// through a core:
//
//   A(c, s)    = max(I(c, s) + 1, A(c - 1, s) + hop): its first element passes c. An epilogue (no data task)
//              is re-issued by its own completion: I(E, s) = R(E, s - 1) + lead (its task; 0 for the
//              threshold epilogue, a data task per element).
//   e(s, j)    when the chain end sends element j: max(A(end, s) + r j, e(s, j - 1) + r) (r = 1, or the
//              threshold epilogue's cycles per element) and, for an element that carries a wavelet (a
//              non-zero one, the sentinel), room in the next layer's position 0: its pop(g - Q).
//   R(c, s)    when the last element leaves c, the reduction there is complete: max(A(c, s) + length - 1,
//              R(c - 1, s) + hop); at the end also e(s, length - 1), and the next layer's positions q > 0
//              taking the sentinel of sample s - lag_q (lane q's x may trail lane 0's by per_lane wavelets
//              a lane, lag_q = per_lane q / the wavelets a sample brings to one of this layer's positions);
//              back along the chain, c cannot send its last element before the queues after it have room:
//              R(c, s) >= A(c', s) + length - 1 - P (c' - c) for the positions c' after c (P = along_chain),
//              and R(c, s) >= e(s', i), the end sending the element (s', i) that lies P (end - c) elements
//              before the last of sample s (with P (end - c) >= length, a sample before: a long chain of short
//              reductions buffers several samples in its queues).
//
// The completion of sample s is R at the last layer's chain end. What the recurrence leaves out: lanes
// other than lane 0, except through the lag above; where the non-zero elements sit inside a reduction
// (spread evenly); the reduction's elements slowed by the slot (they pass at one per cycle).
//
// Why it is needed: the search balances the layers, so every position's expected work is close to the
// interval, and a sample's own zeros make some positions slower than that and others faster. A slow
// position delays the sample's reduction, hence the next layer's x; a position can run about one sample
// ahead of its chain (one reduction in flight) and a few wavelets ahead of the next layer (the queues).
// With a batch of a few dozen samples through 34 such layers the completions are longest paths through a
// (position x sample) grid of per-sample works, longer than the slowest expected work; with the same
// sample over and over they are not (tests/mapper/coupling_test.cpp).
#include "mapper/cost/coupling.h"

#include <algorithm>
#include <cmath>

#include "host/kernels/block_split.h"
#include "host/kernels/fc_kernel.h"
#include "host/model/constants.h"
#include "mapper/cost/cost_model.h"

namespace wafer::mapper {

CouplingSlack CouplingSlack::machine() {
  return {.into_core = 3 * kQueueDepth,
          .from_host = 2 * kQueueDepth,
          .along_chain = 3 * kQueueDepth,
          .per_lane = 2 * kQueueDepth,
          .hop = 2};
}

double steady_spacing(const std::vector<double>& done) {
  if (done.size() < 4) return 0;
  const size_t first = done.size() / 2 - 1, last = done.size() - 2;
  return (done[last] - done[first]) / double(last - first);
}

namespace {

// Cycles from the start of the sentinel's task (or of the completion task) to the reduction's first element:
// the vector op is the 4th instruction on either path (fc_kernel.cpp: the sentinel test (2), bnez busy, the
// op; li busy, beqz pending, li pending, the op).
constexpr double kIssueLead = 4;

double overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

struct StageState {
  std::vector<double> issue, first, complete;  // I, A, R per sample
  std::vector<double> sentinel_arrival;        // arrive(g) of each sample's sentinel
  std::vector<uint64_t> first_wavelet;         // g of each sample's first wavelet
  std::vector<double> pops;                    // pop(g), every wavelet
  double free = 0;
  double busy_from = 0, busy_to = 0;  // the last sentinel's path (the data task busy)
};

}  // namespace

std::vector<double> couple_network(const std::vector<CouplingLayer>& layers, uint32_t samples,
                                   const CouplingSlack& slack) {
  const size_t L = layers.size();
  std::vector<std::vector<StageState>> st(L);
  std::vector<std::vector<std::vector<double>>> sent(L);  // e(s, j) of each layer's chain end
  std::vector<double> wavelets_per_sample(L, 1.0);
  for (size_t l = 0; l < L; ++l) {
    st[l].resize(layers[l].stages.size());
    for (StageState& s : st[l]) {
      s.issue.assign(samples, 0), s.first.assign(samples, 0), s.complete.assign(samples, 0);
      s.sentinel_arrival.assign(samples, 0), s.first_wavelet.assign(samples, 0);
    }
    sent[l].resize(samples);
    double sum = 0, n = 0;
    for (const CouplingStage& p : layers[l].stages)
      if (!p.epilogue)
        for (uint32_t s = 0; s < samples; ++s) sum += p.x[s] + 1, n += 1;
    if (n > 0) wavelets_per_sample[l] = std::max(1.0, sum / n);
  }
  std::vector<double> done(samples, 0);
  for (uint32_t s = 0; s < samples; ++s) {
    // Issues and first elements, layer after layer.
    for (size_t l = 0; l < L; ++l) {
      const CouplingLayer& layer = layers[l];
      for (size_t c = 0; c < layer.stages.size(); ++c) {
        const CouplingStage& p = layer.stages[c];
        StageState& me = st[l][c];
        const double prev_complete = s > 0 ? me.complete[s - 1] : 0;
        if (p.epilogue) {
          me.issue[s] = prev_complete + p.lead;
        } else {
          // The previous reduction's slot elements: `reduce` spread over [A, R] (at least 2 reduce long).
          double w0 = 0, w1 = 0, density = 0;
          if (s > 0 && p.reduce > 0) {
            w0 = me.first[s - 1];
            w1 = w0 + std::max(prev_complete - w0, 2 * p.reduce);
            density = p.reduce / (w1 - w0);
            me.free += density * overlap(me.busy_from, me.busy_to, w0, w1);
          }
          const uint32_t k = p.x[s];
          bool done_task_ran = s == 0;  // nothing to complete before the first sample
          me.first_wavelet[s] = me.pops.size();
          for (uint32_t j = 0; j <= k; ++j) {
            const uint64_t g = me.pops.size();
            double arrive;
            if (l == 0) {
              arrive = double(g + 1);
              if (g >= slack.from_host) arrive = std::max(arrive, me.pops[g - slack.from_host] + 1);
            } else {
              // Element of the previous layer's reduction that carries this wavelet: the j-th non-zero of k
              // spread evenly over the first length - 1 elements, the sentinel last.
              const std::vector<double>& e = sent[l - 1][s];
              const uint32_t len = layers[l - 1].length;
              const uint32_t elem = j == k ? len - 1 : std::min(len - 1, uint32_t((uint64_t(j) + 1) * (len - 1) / (k + 1)));
              arrive = e[elem] + 1;
              if (g >= slack.into_core) arrive = std::max(arrive, me.pops[g - slack.into_core] + 1);
            }
            if (arrive > std::max(me.free, prev_complete)) done_task_ran = true;  // idle after it completed
            const double t = std::max(me.free, arrive);
            me.pops.push_back(t);
            if (j < k) {
              const double span = p.per_x / (1 - density);
              me.free = t + p.per_x + density * overlap(t, t + span, w0, w1);
            } else {
              me.sentinel_arrival[s] = arrive;
              if (done_task_ran) {
                me.issue[s] = t + kIssueLead;
                me.free = t + p.sentinel_issue + p.done_task;
              } else {
                const double w = std::max(t + p.sentinel_wait, prev_complete + 1);
                me.issue[s] = w + kIssueLead;
                me.free = w + p.done_issue;
              }
              me.busy_from = t, me.busy_to = me.free;
            }
          }
        }
        double a = me.issue[s] + 1;
        if (c > 0) a = std::max(a, st[l][c - 1].first[s] + slack.hop);
        me.first[s] = a;
      }
      // The chain end's elements of sample s, as far as this layer goes (the room in the next layer's
      // position 0 comes in below, once that layer's pops of sample s are known): needed now for the next
      // layer's arrivals, which only depend on the elements up to each wavelet (a wavelet's own room is
      // its arrive(g) rule).
      const CouplingStage& end = layer.stages.back();
      const double rate = end.epilogue ? std::max(1.0, (end.work[s] - end.lead) / layer.length) : 1.0;
      std::vector<double>& e = sent[l][s];
      e.assign(layer.length, 0);
      for (uint32_t j = 0; j < layer.length; ++j)
        e[j] = std::max(st[l].back().first[s] + rate * j, j ? e[j - 1] + rate : 0.0);
    }
    // Completions: the chain end's elements wait for room in the next layer's position 0, then every
    // position's last element, forward along the chain and back from its end.
    for (size_t l = 0; l < L; ++l) {
      const CouplingLayer& layer = layers[l];
      const size_t n = layer.stages.size();
      const uint32_t len = layer.length;
      const CouplingStage& end = layer.stages.back();
      const double rate = end.epilogue ? std::max(1.0, (end.work[s] - end.lead) / len) : 1.0;
      std::vector<double>& e = sent[l][s];
      if (l + 1 < L) {
        const CouplingStage& q0 = layers[l + 1].stages.front();
        const StageState& q0s = st[l + 1].front();
        std::vector<double> room(len, 0);
        const uint32_t k = q0.x[s];
        for (uint32_t j = 0; j <= k; ++j) {
          const uint64_t g = q0s.first_wavelet[s] + j;
          if (g < slack.into_core) continue;
          const uint32_t elem = j == k ? len - 1 : std::min(len - 1, uint32_t((uint64_t(j) + 1) * (len - 1) / (k + 1)));
          room[elem] = std::max(room[elem], q0s.pops[g - slack.into_core]);
        }
        for (uint32_t j = 0; j < len; ++j) e[j] = std::max({e[j], room[j], j ? e[j - 1] + rate : 0.0});
      }
      std::vector<double> r(n);
      for (size_t c = 0; c < n; ++c) {
        const CouplingStage& p = layer.stages[c];
        const StageState& me = st[l][c];
        r[c] = p.epilogue ? me.first[s] + (p.work[s] - p.lead) - 1 : me.first[s] + len - 1;
        if (c > 0) r[c] = std::max(r[c], r[c - 1] + slack.hop);
      }
      r[n - 1] = std::max(r[n - 1], e[len - 1]);
      if (l + 1 < L) {
        // The next layer's other positions, fed by this layer's other lanes, which may trail lane 0.
        const CouplingLayer& next = layers[l + 1];
        for (size_t q = 1; q < next.stages.size(); ++q) {
          if (next.stages[q].epilogue) continue;
          const uint32_t lag = uint32_t(double(slack.per_lane) * double(q) / wavelets_per_sample[l]);
          if (lag > s) break;  // lags grow with q
          r[n - 1] = std::max(r[n - 1], st[l + 1][q].sentinel_arrival[s - lag]);
        }
      }
      // Back along the chain: the positions after c must have issued this sample's reduction (their
      // queues hold P elements each), and the end must have sent the element P (end - c) before the last.
      double own = st[l][n - 1].first[s] + len - 1;
      for (size_t c = n - 1; c-- > 0;) {
        r[c] = std::max(r[c], own - slack.along_chain);
        own = std::max(st[l][c].first[s] + len - 1, own - slack.along_chain);
        int64_t idx = int64_t(len) - 1 - int64_t(slack.along_chain) * int64_t(n - 1 - c);
        int64_t sp = s;
        if (idx < 0) {
          const int64_t back = (-idx + len - 1) / len;
          sp -= back, idx += back * int64_t(len);
        }
        if (sp >= 0) r[c] = std::max(r[c], sent[l][sp][idx]);
      }
      for (size_t c = 0; c < n; ++c) st[l][c].complete[s] = r[c];
    }
    done[s] = st[L - 1].back().complete[s];
  }
  return done;
}

CoupledPrediction predict_coupled(const LayerGraph& g, const Plan& plan, const std::vector<std::vector<double>>& acts,
                                  uint32_t batch) {
  CoupledPrediction out;
  const uint32_t R = std::max(plan.replicas, 1u);
  out.timed = batch > 0 ? (batch + R - 1) / R : 0;  // replica 0 takes samples 0, R, 2R, ...
  if (g.dense_kernel || out.timed == 0 || plan.layers.size() != g.layers.size() || acts.size() != g.layers.size() + 1)
    return out;
  std::vector<CouplingLayer> layers;
  for (size_t l = 0; l < g.layers.size(); ++l) {
    const FcLayer& fc = g.layers[l];
    const LayerPlan& lp = plan.layers[l];
    const BlockSplit rows{fc.out, lp.lanes}, cols{fc.in, lp.chain};
    const bool thresholded = fc.zero_below > 0;
    const PeTraffic base{.sparse_in = g.sparse_in(l), .sentinel = g.sparse_out(l), .threshold = thresholded};
    const uint32_t m = rows.size(0);  // lane 0: the most rows
    const uint32_t positions = chain_positions(lp.chain, fc.act, thresholded);
    CouplingLayer layer;
    layer.length = m + (base.sentinel ? 1 : 0);
    for (uint32_t c = 0; c < positions; ++c) {
      const ChainRole role = chain_role(c, lp.chain, fc.act, thresholded);
      CouplingStage p;
      if (role == ChainRole::kEpilogue) {
        p.epilogue = true;
        for (uint32_t k = 0; k < out.timed; ++k) {
          const uint64_t s = uint64_t(k) * R;
          PeTraffic t = base;
          uint32_t kept = 0;
          for (uint32_t i = 0; i < m; ++i) kept += acts[l + 1][s * fc.out + rows.start(0) + i] != 0.0;
          t.kept = kept;
          p.work.push_back(fc_pe_interval(m, 0, c, lp.chain, fc.act, t));
        }
        // The plain epilogue's task runs before its vfmax's elements; the threshold one is all elements.
        p.lead = thresholded ? 0.0 : fc_kernel_counts(role, fc.act).epilogue_task;
      } else {
        const uint32_t n = cols.size(c);
        // fc_pe_interval is linear in the x count: its slope is one x, its value at 0 the sentinel's
        // fixed part plus the reduction's slot elements.
        PeTraffic t0 = base, t1 = base;
        t0.x_count = 0, t1.x_count = 1;
        const double w0 = fc_pe_interval(m, n, c, lp.chain, fc.act, t0);
        const FcKernelCounts k = fc_kernel_counts(role, fc.act, {.sparse_in = true});
        p.per_x = fc_pe_interval(m, n, c, lp.chain, fc.act, t1) - w0;
        p.sentinel_issue = k.sentinel_issue, p.sentinel_wait = k.sentinel_wait;
        p.done_task = k.done_task, p.done_issue = k.done_issue;
        p.reduce = w0 - double(k.sentinel_wait + k.done_issue);  // fc_pe_interval charges the wait path
        for (uint32_t q = 0; q < out.timed; ++q) {
          const uint64_t s = uint64_t(q) * R;
          const double* x = acts[l].data() + s * fc.in + cols.start(c);
          uint32_t nz = 0;
          for (uint32_t j = 0; j < n; ++j) nz += x[j] != 0.0;
          p.x.push_back(nz);
        }
      }
      layer.stages.push_back(std::move(p));
    }
    layers.push_back(std::move(layer));
  }
  out.modelled = true;
  out.done = couple_network(layers, out.timed);
  out.interval = steady_spacing(out.done);
  return out;
}

}  // namespace wafer::mapper
