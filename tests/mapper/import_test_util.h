// Small checks shared by the import tests.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "host/model/error.h"

namespace wafer::test {

// Against float64 mathematics: equal within 1e-12 relative (absolute below magnitude 1, where sums of
// O(1) terms cancel), and not trivially empty.
inline void expect_close(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  double norm = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], 1e-12 * std::max(1.0, std::abs(want[i]))) << "element " << i;
    norm += std::abs(want[i]);
  }
  EXPECT_GT(norm, 0) << "the reference output is all zeros: the comparison proves nothing";
}

// `f` throws wafer::Error whose message contains every one of `parts`; the message is printed.
inline void expect_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
  } catch (const Error& e) {
    const std::string msg = e.what();
    std::printf("error: %s\n", msg.c_str());
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
    return;
  }
  ADD_FAILURE() << "no wafer::Error thrown";
}

// [rows, cols] row-major -> [cols, rows].
inline std::vector<double> transpose(const std::vector<double>& a, int64_t rows, int64_t cols) {
  std::vector<double> t(a.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) t[c * rows + r] = a[r * cols + c];
  return t;
}

}  // namespace wafer::test
