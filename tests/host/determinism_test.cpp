// Same image => bit-identical state for any thread count (the cycle function's contract).
#include "tests/host/test_util.h"

#include "host/kernels/gemv.h"

namespace wafer {
namespace {

TEST(Determinism, StateIdenticalFor1And2And7Threads) {
  const uint64_t seed = 11;
  std::printf("seed %llu\n", (unsigned long long)seed);
  const GemvProblem g = random_gemv(61, 53, seed);
  const GemvLayout layout{7, 5};
  const Image im = build_gemv_image(g, layout);

  auto reference = test::cpu(1);
  reference->load(im);
  const uint64_t initial_hash = reference->state_hash();
  // Stop mid-flight (lots in the queues) and at the end.
  for (uint64_t cycles : {37ull, 1000ull}) {
    auto one = test::cpu(1), two = test::cpu(2), seven = test::cpu(7);
    for (auto* e : {one.get(), two.get(), seven.get()}) {
      e->load(im);
      e->run({.max_cycles = cycles, .until_quiescent = true});
    }
    const MachineState s1 = one->snapshot();
    EXPECT_EQ(s1.first_difference(two->snapshot()), "") << "after " << cycles << " cycles";
    EXPECT_EQ(s1.first_difference(seven->snapshot()), "") << "after " << cycles << " cycles";
    EXPECT_EQ(one->state_hash(), two->state_hash());
    EXPECT_EQ(one->state_hash(), seven->state_hash());
    EXPECT_NE(one->state_hash(), 0u);
    EXPECT_NE(one->state_hash(), initial_hash);  // the run changed the state
  }
}

TEST(Determinism, HashSeesASingleBitAnywhere) {
  const Image im = build_gemv_image(random_gemv(8, 8, 3), {2, 2});
  auto a = test::cpu(), b = test::cpu();
  a->load(im), b->load(im);
  EXPECT_EQ(a->state_hash(), b->state_hash());
  auto words = b->read_sram(1, 1, 3, 1);
  b->write_sram(1, 1, 3, {words[0] ^ 1u});
  EXPECT_NE(a->state_hash(), b->state_hash());
  EXPECT_NE(a->snapshot().first_difference(b->snapshot()).find("field sram, PE(1,1), element 3"),
            std::string::npos)
      << a->snapshot().first_difference(b->snapshot());
}

}  // namespace
}  // namespace wafer
