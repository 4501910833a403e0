// The access log's rule on hand-made accesses: only a write by one thread together with a read or write by
// another in the same cycle is a race.
#include <gtest/gtest.h>

#include "tests/race/access_log.h"

namespace wafer::race {
namespace {

struct Log {
  AccessLog log;
  uint32_t a = log.add_array("a", 4), b = log.add_array("b", 8);
  Log() {
    log.describe_threads(4, 8, 1);
    log.begin_cycle(0);
  }
};

TEST(AccessLog, OneThreadMayReadAndWriteAnything) {
  Log l;
  l.log.set_thread(3);
  l.log.read(l.a, 5), l.log.write(l.a, 5), l.log.read(l.a, 5), l.log.write(l.a, 5);
  EXPECT_EQ(l.log.races(), 0u);
  EXPECT_EQ(l.log.thread_read_bytes(), 4u);  // distinct: one element read
  EXPECT_EQ(l.log.thread_write_bytes(), 4u);
}

TEST(AccessLog, ManyReadersAndNoWriterIsNoRace) {
  Log l;
  for (uint64_t t = 0; t < 9; ++t) l.log.set_thread(t), l.log.read(l.b, 7);
  EXPECT_EQ(l.log.races(), 0u);
}

TEST(AccessLog, WriteThenReadByAnotherThreadIsARace) {
  Log l;
  l.log.set_thread(1), l.log.write(l.a, 2);
  l.log.set_thread(6), l.log.read(l.a, 2);
  ASSERT_EQ(l.log.races(), 1u);
  EXPECT_EQ(l.log.first_races()[0], "cycle 0: a[2] read after a write by PE (2, 1) and PE (1, 0)");
}

TEST(AccessLog, ReadThenWriteByAnotherThreadIsARace) {
  Log l;
  l.log.set_thread(8), l.log.read(l.b, 0);  // the input stream
  l.log.set_thread(0), l.log.write(l.b, 0);
  ASSERT_EQ(l.log.races(), 1u);
  EXPECT_EQ(l.log.first_races()[0], "cycle 0: b[0] written after a read by PE (0, 0) and input stream 0");
  // An earlier reader is remembered even when the writer itself read last.
  l.log.set_thread(2), l.log.read(l.a, 1);
  l.log.set_thread(3), l.log.read(l.a, 1), l.log.write(l.a, 1);
  EXPECT_EQ(l.log.races(), 2u);
}

TEST(AccessLog, WriteWriteIsARaceAndCyclesAreSeparate) {
  Log l;
  l.log.set_thread(1), l.log.write(l.a, 3);
  l.log.set_thread(9), l.log.write(l.a, 3);
  EXPECT_EQ(l.log.races(), 1u);
  EXPECT_NE(l.log.first_races()[0].find("output stream 0"), std::string::npos) << l.log.first_races()[0];
  l.log.begin_cycle(1);  // the next cycle: last cycle's writes are last cycle's
  l.log.set_thread(4), l.log.read(l.a, 3);
  EXPECT_EQ(l.log.races(), 1u);
}

}  // namespace
}  // namespace wafer::race
