// Every state access of one cycle, by thread, for the race checker (recording_view.h feeds it).
//
// The engines' contract (host/model/cycle.h): within a cycle no element is written by one thread and read or
// written by another. The checker steps threads one after another, so all accesses of a thread are
// contiguous in time; per element it keeps the first writer and the last reader (and whether a second
// reader came), which is enough to see any write/read or write/write pair from two threads.
//
// It also counts, per thread and cycle, the distinct bytes read and written: the memory traffic a GPU thread
// would cause if every distinct element were loaded once and stored once (bench/cuda's bytes per PE-cycle).
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace wafer::race {

class AccessLog {
 public:
  // check_races false: count each thread's distinct bytes only, with no per-element record of the cycle
  // (what a full wafer needs: the race record would hold tens of millions of elements).
  explicit AccessLog(bool check_races = true) : check_(check_races) {}

  // Arrays are numbered as the view is built; bytes is the element size.
  uint32_t add_array(const char* name, uint32_t bytes);

  // Whose accesses follow: a thread's whole step, then the next thread's.
  void set_thread(uint64_t thread);
  void read(uint32_t array, uint64_t index);
  void write(uint32_t array, uint64_t index);

  // Starts a cycle: forgets the previous cycle's accesses.
  void begin_cycle(uint64_t cycle);
  uint64_t races() const { return races_; }  // over all cycles so far
  const std::vector<std::string>& first_races() const { return messages_; }
  // Names threads in race reports: PE (x, y), input stream i, output stream j.
  void describe_threads(uint32_t width, uint64_t pes, uint64_t in_streams);

  // Distinct bytes the current thread has read and written so far in this cycle.
  uint64_t thread_read_bytes() const { return read_bytes_; }
  uint64_t thread_write_bytes() const { return write_bytes_; }
  // Whether the current thread read element `index` of `array` (valid right after its step).
  bool thread_read(uint32_t array, uint64_t index) const;
  uint32_t array_id(const std::string& name) const;

 private:
  struct Cell {
    int64_t writer = -1;  // first thread that wrote it this cycle
    int64_t reader = -1;  // last thread that read it
    bool readers = false;  // read by two or more threads
  };
  void race(const char* what, uint32_t array, uint64_t index, int64_t other);
  std::string thread_name(int64_t thread) const;
  static uint64_t key(uint32_t array, uint64_t index) { return uint64_t(array) << 48 | index; }

  bool seen(std::vector<uint64_t>& keys, uint64_t k);  // traffic mode: adds k, says if it was there

  bool check_;
  std::vector<uint64_t> thread_reads_, thread_writes_;  // traffic mode: this thread's distinct elements
  std::vector<std::string> names_;
  std::vector<uint32_t> bytes_;
  std::unordered_map<uint64_t, Cell> cells_;
  int64_t thread_ = 0;
  uint64_t cycle_ = 0, races_ = 0;
  uint64_t read_bytes_ = 0, write_bytes_ = 0;
  std::vector<std::string> messages_;
  uint32_t width_ = 1;
  uint64_t pes_ = 0, in_streams_ = 0;
};

}  // namespace wafer::race
