#include "host/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace wafer::cli {

ProgressLine::ProgressLine(uint64_t pes, uint64_t total_cycles, bool enabled)
    : pes_(pes), total_(total_cycles), enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

bool ProgressLine::on_terminal() {
  return isatty(fileno(stderr)) != 0;
}

std::string ProgressLine::format(uint64_t cycles, uint64_t total, double seconds, uint64_t pes) {
  char buf[256];
  const double rate = seconds > 0 ? double(cycles) / seconds : 0.0;
  int n = std::snprintf(buf, sizeof buf, "cycle %llu", (unsigned long long)cycles);
  if (total > 0) n += std::snprintf(buf + n, sizeof buf - n, " of %llu (%.0f%%)", (unsigned long long)total,
                                    100.0 * double(cycles) / double(total));
  n += std::snprintf(buf + n, sizeof buf - n, ", %.3g cycles/s, %.3g PE-cycles/s", rate, rate * double(pes));
  if (total > cycles && rate > 0) std::snprintf(buf + n, sizeof buf - n, ", ETA %.0f s", double(total - cycles) / rate);
  return buf;
}

void ProgressLine::update(uint64_t cycles) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double s = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r\033[K%s", format(cycles, total_, s, pes_).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace wafer::cli
