// Traces (host/engine/trace.h): a known program gives the known slices and instants, in the Chrome trace
// event format, bounded by the limit; a run that asks for none records nothing and ends in the same state.
#include "tests/host/test_util.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "host/asm/assembler.h"
#include "host/engine/trace.h"

namespace wafer {
namespace {

// One PE doubles each of N wavelets in a data task (one task run per wavelet) and sends it east.
const char* const kProgram = R"(
param N = 6
grid 2, 1
color c_in
color c_out
kernel twice {
  task on_in data c_in {
    fadd r2, r0, r0
    send c_out, r2, r1
    ret
  }
}
layout {
  place twice at (0, 0)
  route c_in  at (0, 0) rx west tx ramp
  route c_out at (0, 0) rx ramp tx east
  route c_out at (1, 0) rx west tx east
  instream  in  at (0, 0) west color c_in count N values float(i)
  outstream out at (1, 0) east capacity N
}
)";

int count(const nlohmann::json& events, const std::string& ph, const std::string& name_prefix, int pid = -1) {
  int n = 0;
  for (const auto& e : events) {
    if (e["ph"] == ph && e["name"].get<std::string>().rfind(name_prefix, 0) == 0 && (pid < 0 || e["pid"] == pid)) ++n;
  }
  return n;
}

TEST(Trace, DataTaskProgramGivesOneSlicePerWaveletAndItsFabricEvents) {
  const Image im = assemble(kProgram, "trace.wasm");
  auto e = test::cpu();
  e->load(im);
  TraceRecorder t(im, {0, 0, 2, 1}, 100000);
  const RunResult r = e->run({.max_cycles = 1000, .until_quiescent = true, .trace = &t});
  ASSERT_EQ(r.reason, StopReason::kQuiescent);
  ASSERT_EQ(e->output(0).size(), 6u);
  const auto doc = nlohmann::json::parse(t.json(e->cycle()));
  const auto& ev = doc["traceEvents"];
  EXPECT_EQ(count(ev, "X", "task on_in", 0), 6);  // named by the program, one per wavelet
  EXPECT_EQ(count(ev, "i", "recv W c_in from 'in'", 0), 6);
  EXPECT_EQ(count(ev, "i", "send E c_out", 0), 6);
  EXPECT_EQ(count(ev, "i", "recv W c_out", 1), 6);
  EXPECT_EQ(count(ev, "i", "send E c_out", 1), 6);
  EXPECT_EQ(count(ev, "X", "task", 1), 0);  // PE(1,0) runs no kernel
  EXPECT_EQ(count(ev, "M", "process_name"), 2);
  for (const auto& x : ev) {
    if (x["ph"] == "X") {
      EXPECT_GE(x["dur"].get<int64_t>(), 1);
      EXPECT_LE(x["ts"].get<uint64_t>() + x["dur"].get<uint64_t>(), e->cycle());
    }
  }
  EXPECT_FALSE(t.cut());
  EXPECT_EQ(doc["otherData"]["timestamps"], "cycles");
}

// Two wavelets through the program, every event with its cycle, in order: the stream puts wavelet i on
// PE(0,0)'s west link in cycle i, its router takes it in cycle i + 1, the data task runs (3 instructions:
// in progress at the end of 2 cycles), its send leaves east, and PE(1,0)'s router passes it on in the
// cycle it takes it.
TEST(Trace, EventsOfASmallProgramArePinnedInOrder) {
  const Image im = assemble(kProgram, "trace.wasm", {.overrides = {{"N", "2"}}});
  auto e = test::cpu();
  e->load(im);
  TraceRecorder t(im, {0, 0, 2, 1}, 1000);
  ASSERT_EQ(e->run({.max_cycles = 100, .until_quiescent = true, .trace = &t}).reason, StopReason::kQuiescent);
  std::vector<std::string> got;
  const auto doc = nlohmann::json::parse(t.json(e->cycle()));
  for (const auto& x : doc["traceEvents"]) {
    if (x["ph"] == "M") continue;
    got.push_back(std::to_string(x["ts"].get<int>()) + " PE" + std::to_string(x["pid"].get<int>()) + " " +
                  x["ph"].get<std::string>() + (x.contains("dur") ? std::to_string(x["dur"].get<int>()) : "") + " " +
                  x["name"].get<std::string>());
  }
  std::stable_sort(got.begin(), got.end(), [](const std::string& a, const std::string& b) {
    return std::stoi(a) < std::stoi(b);
  });
  const std::vector<std::string> want = {
      "1 PE0 i recv W c_in from 'in'", "2 PE0 i recv W c_in from 'in'", "2 PE0 X2 task on_in",
      "3 PE0 i send E c_out",          "4 PE1 i recv W c_out",          "4 PE1 i send E c_out",
      "5 PE0 X2 task on_in",           "6 PE0 i send E c_out",          "7 PE1 i recv W c_out",
      "7 PE1 i send E c_out"};
  EXPECT_EQ(got, want);
}

TEST(Trace, LimitCutsTheTraceAndSaysWhere) {
  const Image im = assemble(kProgram, "trace.wasm", {.overrides = {{"N", "40"}}});
  auto e = test::cpu();
  e->load(im);
  TraceRecorder t(im, {0, 0, 2, 1}, 10);
  e->run({.max_cycles = 1000, .until_quiescent = true, .trace = &t});
  EXPECT_TRUE(t.cut());
  EXPECT_GE(t.events(), 10u);
  EXPECT_LT(t.events(), 20u);
  EXPECT_LT(t.cut_cycle(), e->cycle());
  const auto doc = nlohmann::json::parse(t.json(e->cycle()));
  EXPECT_EQ(doc["otherData"]["cut_at_cycle"], t.cut_cycle());
}

TEST(Trace, TracingChangesNothing) {
  const Image im = assemble(kProgram, "trace.wasm", {.overrides = {{"N", "25"}}});
  auto a = test::cpu(), b = test::cpu();
  a->load(im), b->load(im);
  TraceRecorder t(im, {0, 0, 1, 1}, 1000000);
  a->run({.max_cycles = 1000, .until_quiescent = true, .trace = &t});
  b->run({.max_cycles = 1000, .until_quiescent = true});
  EXPECT_EQ(a->cycle(), b->cycle());
  EXPECT_EQ(a->snapshot().first_difference(b->snapshot()), "");
}

TEST(Trace, RectangleOffTheGridIsRefused) {
  const Image im = assemble(kProgram, "trace.wasm");
  EXPECT_THROW(TraceRecorder(im, {1, 0, 2, 1}, 10), Error);
  EXPECT_THROW(TraceRecorder(im, {0, 0, 0, 1}, 10), Error);
}

// Two streams share PE(0,0)'s west port, each on its own color: every recv names the stream that sent it.
TEST(Trace, StreamsSharingAPortAreNamedByTheirColor) {
  // The assembler gives every stream a port of its own; the mapper's banded pipelines share them (Image API).
  Image im;
  im.width = 1, im.height = 1;
  im.add_in_stream({.name = "a", .x = 0, .y = 0, .port = kWest, .color = 2, .payload = {1, 2, 3}, .index = {}, .colors = {}});
  im.add_in_stream({.name = "b", .x = 0, .y = 0, .port = kWest, .color = 5, .payload = {4, 5}, .index = {}, .colors = {}});
  im.route(Rect::pe(0, 0), 2, kWest, port_bit(kEast));
  im.route(Rect::pe(0, 0), 5, kWest, port_bit(kEast));
  im.add_out_stream({.name = "out", .x = 0, .y = 0, .port = kEast, .capacity = 5});
  auto e = test::cpu();
  e->load(im);
  TraceRecorder t(im, {0, 0, 1, 1}, 1000);
  ASSERT_EQ(e->run({.max_cycles = 100, .until_quiescent = true, .trace = &t}).reason, StopReason::kQuiescent);
  ASSERT_EQ(e->output(0).size(), 5u);
  const auto ev = nlohmann::json::parse(t.json(e->cycle()))["traceEvents"];
  EXPECT_EQ(count(ev, "i", "recv W color 2 from 'a'"), 3);
  EXPECT_EQ(count(ev, "i", "recv W color 5 from 'b'"), 2);
  EXPECT_EQ(count(ev, "i", "send E"), 5);
}

}  // namespace
}  // namespace wafer
