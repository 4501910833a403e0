// host/runtime: copies over rectangles in both orders (exact round trips on 1x1, 1xN, Nx1, prime and 100x100
// rectangles, and the SDK's index formulas written out independently), launch by name, run checks, and the
// pinned messages for a bad symbol, rectangle, count, order and task.
#include <gtest/gtest.h>

#include <cstring>

#include "host/image/image.h"
#include "host/kernels/gemv.h"
#include "host/model/error.h"
#include "host/model/split_mix.h"
#include "host/runtime/runtime.h"

namespace wafer {
namespace {

const std::string kProgram = std::string(WAFER_SOURCE_DIR) + "/tests/runtime/copy_grid.wasm";
constexpr uint32_t kWords = 6;  // N in copy_grid.wasm

Runtime loaded(uint32_t w = 100, uint32_t h = 100, bool other = false) {
  Runtime rt("cpu", {.threads = 2});
  rt.load(kProgram, {{"GW", std::to_string(w)}, {"GH", std::to_string(h)}, {"OTHER", other ? "1" : "0"}});
  return rt;
}

std::vector<uint32_t> random_words(size_t n, uint64_t seed) {
  SplitMix rng{seed};
  std::vector<uint32_t> v(n);
  for (auto& x : v) x = uint32_t(rng.next());
  return v;
}

// The message of the wafer::Error f throws ("" when it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

struct RectCase {
  Rect rect;
};
class RuntimeCopy : public ::testing::TestWithParam<RectCase> {};

TEST_P(RuntimeCopy, RoundTripsExactlyInBothOrders) {
  const Rect r = GetParam().rect;
  const uint64_t seed = 7 + r.x * 131 + r.w * 17 + r.h;
  SCOPED_TRACE("seed " + std::to_string(seed) + ", rect " + describe_rect(r));
  Runtime rt = loaded();
  const uint64_t pes = uint64_t(r.w) * r.h;
  for (Order order : {Order::kRowMajor, Order::kColMajor}) {
    const std::vector<uint32_t> data = random_words(pes * kWords, seed + uint64_t(order));
    rt.memcpy_h2d("a", r, data, order);
    EXPECT_EQ(rt.memcpy_d2h_u32("a", r, order), data) << order_name(order);
  }
  // The layouts themselves, from the SDK's definitions (not from host_index): written row-major, read
  // column-major, A[j][i][k] must move from (j*w + i)*n + k to j + h*(i + w*k).
  const std::vector<uint32_t> rows = random_words(pes * kWords, seed + 99);
  rt.memcpy_h2d("a", r, rows, Order::kRowMajor);
  const std::vector<uint32_t> cols = rt.memcpy_d2h_u32("a", r, Order::kColMajor);
  for (uint32_t j = 0; j < r.h; ++j)
    for (uint32_t i = 0; i < r.w; ++i)
      for (uint32_t k = 0; k < kWords; ++k)
        ASSERT_EQ(cols[j + uint64_t(r.h) * (i + uint64_t(r.w) * k)], rows[(uint64_t(j) * r.w + i) * kWords + k])
            << "PE(" << r.x + i << "," << r.y + j << ") word " << k;
  // One PE's words through the engine directly: the runtime wrote where the symbol lives.
  const uint32_t i = r.w - 1, j = r.h - 1;
  const SymbolName* a = rt.image().symbol(0, "a");
  ASSERT_NE(a, nullptr);
  const std::vector<uint32_t> direct = rt.engine().read_sram(r.x + i, r.y + j, a->addr, kWords);
  for (uint32_t k = 0; k < kWords; ++k) EXPECT_EQ(direct[k], rows[(uint64_t(j) * r.w + i) * kWords + k]);
}

INSTANTIATE_TEST_SUITE_P(Rects, RuntimeCopy,
                         ::testing::Values(RectCase{{3, 4, 1, 1}}, RectCase{{0, 9, 1, 37}},
                                           RectCase{{5, 0, 37, 1}}, RectCase{{11, 13, 7, 5}},
                                           RectCase{{0, 0, 100, 100}}),
                         [](const auto& info) {
                           const Rect r = info.param.rect;
                           return "at_" + std::to_string(r.x) + "_" + std::to_string(r.y) + "_" + std::to_string(r.w) +
                                  "x" + std::to_string(r.h);
                         });

TEST(Runtime, FloatsOffsetAndCountLeaveTheRestAlone) {
  Runtime rt = loaded(7, 5);
  const Rect r{0, 0, 7, 5};
  std::vector<float> all(35 * kWords, -1.5f);
  rt.memcpy_h2d("b", r, all);
  std::vector<float> mid(35 * 2);
  for (size_t n = 0; n < mid.size(); ++n) mid[n] = float(n) * 0.25f;
  rt.memcpy_h2d("b", r, mid, Order::kColMajor, /*offset=*/3);
  EXPECT_EQ(rt.memcpy_d2h_f32("b", r, Order::kColMajor, 3, 2), mid);
  const std::vector<float> back = rt.memcpy_d2h_f32("b", r);
  for (uint32_t p = 0; p < 35; ++p)
    for (uint32_t k = 0; k < kWords; ++k)
      if (k < 3 || k >= 5) {
        EXPECT_EQ(back[p * kWords + k], -1.5f) << "PE " << p << " word " << k;
      }
  // Into a caller's buffer (what the Python module does with a NumPy array).
  std::vector<float> out(35 * 2);
  rt.memcpy_d2h(std::span<float>(out), "b", r, Order::kColMajor, 3);
  EXPECT_EQ(out, mid);
}

TEST(Runtime, LaunchByNameRunsOnTheRectOnly) {
  Runtime rt = loaded(7, 5);
  const Rect all{0, 0, 7, 5}, part{2, 1, 3, 2};
  const std::vector<uint32_t> a = random_words(35 * kWords, 5), b = random_words(35 * kWords, 6);
  rt.memcpy_h2d("a", all, a);
  rt.memcpy_h2d("b", all, b);
  rt.launch("add", part);
  const RunOutcome out = rt.run();
  ASSERT_TRUE(out.ok()) << out.failure();
  EXPECT_EQ(out.result.reason, StopReason::kQuiescent);
  const std::vector<uint32_t> got = rt.memcpy_d2h_u32("b", all);
  for (uint32_t p = 0; p < 35; ++p)
    for (uint32_t k = 0; k < kWords; ++k)
      EXPECT_EQ(got[p * kWords + k], part.contains(p % 7, p / 7) ? a[p * kWords + k] + b[p * kWords + k]
                                                                 : b[p * kWords + k]);
  EXPECT_GT(rt.counters().at("busy"), 0u);
}

TEST(Runtime, LaunchWithoutRectRunsWhereTheTaskIs) {
  Runtime rt = loaded(3, 2, /*other=*/true);
  const Rect ks{0, 0, 3, 1};
  rt.memcpy_h2d("a", ks, std::vector<uint32_t>(3 * kWords, 2));
  rt.launch("add");  // every PE but PE(2,1), which runs `other`
  ASSERT_TRUE(rt.run().ok());
  EXPECT_EQ(rt.memcpy_d2h_u32("b", ks), std::vector<uint32_t>(3 * kWords, 2));
}

TEST(Runtime, ErrorsNameTheSymbolTheRectAndTheRange) {
  Runtime rt = loaded(5, 5, /*other=*/true);
  const std::vector<uint32_t> sixteen(16 * 20);
  EXPECT_EQ(error_of([&] { rt.memcpy_h2d("b", {0, 0, 4, 4}, sixteen); }),
            "symbol 'b' has 6 words per PE; asked for 20 from offset 0 on rect (0,0) 4x4 (at PE(0,0))");
  EXPECT_EQ(error_of([&] { rt.memcpy_d2h_u32("a", {0, 0, 4, 4}, Order::kRowMajor, 4, 3); }),
            "symbol 'a' has 6 words per PE; asked for 3 from offset 4 on rect (0,0) 4x4 (at PE(0,0))");
  EXPECT_EQ(error_of([&] { rt.memcpy_d2h_u32("a", {3, 0, 4, 1}); }), "rect (3,0) 4x1 leaves the 5x5 grid");
  EXPECT_EQ(error_of([&] { rt.memcpy_d2h_u32("a", {0, 0, 0, 1}); }), "rect (0,0) 0x1 is empty");
  EXPECT_EQ(error_of([&] { rt.memcpy_d2h_u32("a", {3, 3, 2, 2}); }),
            "PE(4,4) runs kernel 'other', which exports no 'a' (it exports: z)");
  EXPECT_EQ(error_of([&] { rt.memcpy_d2h_u32("nope", {0, 0, 1, 1}); }),
            "PE(0,0) runs kernel 'k', which exports no 'nope' (it exports: a, b)");
  EXPECT_EQ(error_of([&] { rt.memcpy_h2d("a", {0, 0, 2, 2}, std::vector<uint32_t>(7)); }),
            "7 values for symbol 'a' do not split evenly over the 4 PEs of rect (0,0) 2x2");
  EXPECT_EQ(error_of([&] { rt.launch("add", Rect{3, 3, 2, 2}); }),
            "PE(4,4) runs kernel 'other', which has no task 'add' (its tasks: idle)");
  EXPECT_EQ(error_of([&] { rt.launch("on_data"); }),
            "task 'on_data' of kernel 'k' is a data task (color 0); launch starts local tasks");
  EXPECT_EQ(error_of([&] { rt.launch("missing"); }),
            "no PE runs a kernel with a task 'missing' (tasks by kernel: k: add, on_data; other: idle)");
  EXPECT_EQ(error_of([&] { rt.output("y"); }), "the program has no output stream 'y' (it has: none)");
  EXPECT_EQ(error_of([] { parse_order("diagonal"); }),
            "order 'diagonal' is not one of: row-major (row), column-major (col)");
  EXPECT_EQ(error_of([] { parse_rect("1,2,3"); }), "rect '1,2,3' is not X,Y,WxH (e.g. 0,0,4x4) or X,Y (one PE)");
  EXPECT_EQ(parse_rect("1,2,3x4").h, 4u);
  EXPECT_EQ(parse_rect("6,7").w, 1u);
}

TEST(Runtime, ARefusedCopyChangesNothing) {
  Runtime rt = loaded(5, 5, /*other=*/true);
  const std::vector<uint32_t> before = rt.memcpy_d2h_u32("a", {0, 0, 5, 4});
  // PE(4,4) refuses, after 24 PEs that would accept: none may have been written.
  EXPECT_NE(error_of([&] { rt.memcpy_h2d("a", {0, 0, 5, 5}, std::vector<uint32_t>(25 * kWords, 9)); }), "");
  EXPECT_EQ(rt.memcpy_d2h_u32("a", {0, 0, 5, 4}), before);
}

TEST(Runtime, AnImageBuiltInCxxSaysItHasNoNames) {
  Runtime rt("cpu", {.threads = 1});
  rt.load(build_gemv_image(random_gemv(8, 6, 1), GemvLayout{2, 2}));
  EXPECT_EQ(error_of([&] { rt.memcpy_d2h_u32("A", {0, 0, 1, 1}); }),
            "the image carries no source names (it was built in C++, not assembled from text): symbol 'A' "
            "cannot be found by name");
  EXPECT_EQ(error_of([&] { rt.launch("reduce"); }),
            "the image carries no source names (it was built in C++, not assembled from text): task 'reduce' "
            "cannot be found by name");
}

TEST(Runtime, NothingLoadedIsAnError) {
  Runtime rt("cpu");
  EXPECT_EQ(error_of([&] { rt.run(); }), "the runtime has no program loaded: call load() first");
  EXPECT_NE(error_of([] { Runtime("no-such-engine"); }), "");
}

}  // namespace
}  // namespace wafer
