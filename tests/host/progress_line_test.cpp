// The progress line's text (host/cli/progress.h): cycles, rates and, with a known end, percent and ETA.
#include <gtest/gtest.h>

#include "host/cli/progress.h"

namespace wafer::cli {
namespace {

TEST(ProgressLine, KnownEndGivesPercentAndEta) {
  EXPECT_EQ(ProgressLine::format(500, 2000, 2.0, 100),
            "cycle 500 of 2000 (25%), 250 cycles/s, 2.5e+04 PE-cycles/s, ETA 6 s");
}

TEST(ProgressLine, UnknownEndGivesRatesOnly) {
  EXPECT_EQ(ProgressLine::format(1000, 0, 0.5, 893064), "cycle 1000, 2e+03 cycles/s, 1.79e+09 PE-cycles/s");
}

}  // namespace
}  // namespace wafer::cli
