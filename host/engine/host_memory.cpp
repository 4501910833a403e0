#include "host/engine/host_memory.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "host/model/error.h"

namespace wafer {

namespace {

// A "Name:   123 kB" line of /proc/meminfo, in bytes (0 when absent).
uint64_t meminfo(const std::string& name) {
  std::ifstream f("/proc/meminfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(name + ":", 0) != 0) continue;
    std::istringstream in(line.substr(name.size() + 1));
    uint64_t kb = 0;
    in >> kb;
    return kb * 1024;
  }
  return 0;
}

// A cgroup v2 file holding one number ("max" or unreadable: 0).
uint64_t cgroup_value(const char* path) {
  std::ifstream f(path);
  std::string s;
  if (!(f >> s) || s == "max") return 0;
  try {
    return std::stoull(s);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

HostMemory host_memory() {
  HostMemory m;
  m.total = meminfo("MemTotal");
  m.available = meminfo("MemAvailable");
  // In a container the cgroup's limit binds before the machine's memory does.
  const uint64_t limit = cgroup_value("/sys/fs/cgroup/memory.max");
  if (limit > 0) {
    const uint64_t used = cgroup_value("/sys/fs/cgroup/memory.current");
    const uint64_t left = limit > used ? limit - used : 0;
    m.total = m.total ? std::min(m.total, limit) : limit;
    m.available = m.available ? std::min(m.available, left) : left;
  }
  return m;
}

std::string gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / double(uint64_t(1) << 30));
  return buf;
}

std::string host_memory_refusal(uint64_t bytes, uint32_t width, uint32_t height, const HostMemory& m) {
  if (m.available == 0 || bytes <= m.available) return "";
  return "the machine state of a " + std::to_string(width) + "x" + std::to_string(height) + " grid needs " +
         gib(bytes) + " of host memory, but " + gib(m.available) + " is available (of " + gib(m.total) +
         "); use a smaller grid, or fewer SRAM words per PE (the state holds each PE's whole footprint)";
}

void check_fits_host_memory(uint64_t bytes, uint32_t width, uint32_t height) {
  const std::string refusal = host_memory_refusal(bytes, width, height, host_memory());
  if (!refusal.empty()) throw Error(refusal);
}

}  // namespace wafer
