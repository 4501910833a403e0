// The race checker's record of one cycle (see access_log.h).
#include "tests/race/access_log.h"

#include <stdexcept>

namespace wafer::race {

namespace {
constexpr size_t kMessagesKept = 20;
}

uint32_t AccessLog::add_array(const char* name, uint32_t bytes) {
  names_.push_back(name);
  bytes_.push_back(bytes);
  return uint32_t(names_.size() - 1);
}

uint32_t AccessLog::array_id(const std::string& name) const {
  for (uint32_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  throw std::invalid_argument("access log: no array named " + name);
}

void AccessLog::describe_threads(uint32_t width, uint64_t pes, uint64_t in_streams) {
  width_ = width == 0 ? 1 : width;
  pes_ = pes;
  in_streams_ = in_streams;
}

std::string AccessLog::thread_name(int64_t thread) const {
  if (thread < 0) return "an earlier reader";
  const uint64_t t = uint64_t(thread);
  if (t < pes_) return "PE (" + std::to_string(t % width_) + ", " + std::to_string(t / width_) + ")";
  if (t < pes_ + in_streams_) return "input stream " + std::to_string(t - pes_);
  return "output stream " + std::to_string(t - pes_ - in_streams_);
}

void AccessLog::begin_cycle(uint64_t cycle) {
  cycle_ = cycle;
  cells_.clear();
}

void AccessLog::set_thread(uint64_t thread) {
  thread_ = int64_t(thread);
  read_bytes_ = write_bytes_ = 0;
  thread_reads_.clear();
  thread_writes_.clear();
}

bool AccessLog::seen(std::vector<uint64_t>& keys, uint64_t k) {
  // A PE-cycle touches a few dozen elements: a linear search beats hashing here.
  for (uint64_t x : keys) {
    if (x == k) return true;
  }
  keys.push_back(k);
  return false;
}

void AccessLog::race(const char* what, uint32_t array, uint64_t index, int64_t other) {
  ++races_;
  if (messages_.size() < kMessagesKept) {
    messages_.push_back("cycle " + std::to_string(cycle_) + ": " + names_[array] + "[" + std::to_string(index) +
                        "] " + what + " by " + thread_name(thread_) + " and " + thread_name(other));
  }
}

void AccessLog::read(uint32_t array, uint64_t index) {
  if (!check_) {
    if (!seen(thread_reads_, key(array, index))) read_bytes_ += bytes_[array];
    return;
  }
  Cell& c = cells_[key(array, index)];
  if (c.writer >= 0 && c.writer != thread_) race("read after a write", array, index, c.writer);
  if (c.reader != thread_) {
    if (c.reader >= 0) c.readers = true;
    c.reader = thread_;
    read_bytes_ += bytes_[array];  // the first read of this element by this thread
  }
}

void AccessLog::write(uint32_t array, uint64_t index) {
  if (!check_) {
    if (!seen(thread_writes_, key(array, index))) write_bytes_ += bytes_[array];
    return;
  }
  Cell& c = cells_[key(array, index)];
  if (c.writer >= 0 && c.writer != thread_) {
    race("written twice", array, index, c.writer);
  } else if (c.reader >= 0 && (c.reader != thread_ || c.readers)) {
    // Another thread read it this cycle: the last reader, or, when that is this thread, an earlier one.
    race("written after a read", array, index, c.reader != thread_ ? c.reader : -1);
  }
  if (c.writer < 0) {
    c.writer = thread_;
    write_bytes_ += bytes_[array];  // the first write of this element (by any thread) this cycle
  }
}

bool AccessLog::thread_read(uint32_t array, uint64_t index) const {
  if (!check_) {
    const uint64_t k = key(array, index);
    for (uint64_t x : thread_reads_) {
      if (x == k) return true;
    }
    return false;
  }
  const auto it = cells_.find(key(array, index));
  return it != cells_.end() && it->second.reader == thread_;
}

}  // namespace wafer::race
