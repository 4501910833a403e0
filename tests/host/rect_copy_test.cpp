// Copies over a rectangle (Engine::read_sram_rect, write_sram_rect) do what one copy per PE does: the same
// words at the same addresses, PE-major, with addresses that differ between PEs (runs broken mid-row), on
// odd rectangles; a refused write changes nothing. The CUDA engine's own transfers: CudaCopyMode.Rect*.
#include "tests/host/test_util.h"

#include "host/model/error.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

// Addresses for the PEs of r: runs of equal addresses broken every few PEs, all within [0, limit).
std::vector<uint32_t> ragged_addresses(Rect r, uint32_t limit, uint32_t seed) {
  std::vector<uint32_t> a(uint64_t(r.w) * r.h);
  for (uint64_t i = 0; i < a.size(); ++i) a[i] = uint32_t(((i / 3) * 7 + seed) % limit);
  return a;
}

TEST(RectCopy, EqualsOneCopyPerPe) {
  const Image im = test::random_image({.width = 11, .height = 7, .seed = 5});
  auto rect = test::cpu(), per_pe = test::cpu();
  rect->load(im), per_pe->load(im);
  const uint32_t words = rect->snapshot().sram_words;
  ASSERT_GT(words, 20u);
  const uint32_t count = 5;
  for (const Rect r : {Rect{0, 0, 11, 7}, Rect{3, 2, 1, 5}, Rect{4, 6, 7, 1}, Rect{10, 0, 1, 1}}) {
    const std::vector<uint32_t> addr = ragged_addresses(r, words - count, r.x + r.y);
    std::vector<uint32_t> data(addr.size() * count);
    for (uint64_t i = 0; i < data.size(); ++i) data[i] = uint32_t(i * 2654435761u + r.w);
    rect->write_sram_rect(r, addr, count, data.data());
    for (uint64_t i = 0; i < addr.size(); ++i) {
      per_pe->write_sram(r.x + uint32_t(i % r.w), r.y + uint32_t(i / r.w), addr[i],
                         std::vector<uint32_t>(data.begin() + i * count, data.begin() + (i + 1) * count));
    }
    EXPECT_EQ(rect->snapshot().first_difference(per_pe->snapshot()), "");
    std::vector<uint32_t> back(data.size(), 0);
    rect->read_sram_rect(r, addr, count, back.data());
    EXPECT_EQ(back, data);
  }
}

TEST(RectCopy, RefusedWriteChangesNothing) {
  const Image im = test::random_image({.width = 6, .height = 4, .seed = 2});
  auto e = test::cpu();
  e->load(im);
  const MachineState before = e->snapshot();
  const Rect r{1, 1, 4, 3};
  std::vector<uint32_t> addr(12, 0);
  addr[11] = before.sram_words - 1;  // the last PE's two words would run past the footprint
  const std::vector<uint32_t> data(24, 7);
  EXPECT_THROW(e->write_sram_rect(r, addr, 2, data.data()), Error);
  EXPECT_EQ(e->snapshot().first_difference(before), "");
  std::vector<uint32_t> out(24);
  EXPECT_THROW(e->read_sram_rect({5, 3, 2, 1}, {0, 0}, 1, out.data()), Error);  // leaves the grid
}

}  // namespace
}  // namespace wafer
