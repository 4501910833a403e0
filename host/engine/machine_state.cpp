// Building the initial machine state from an image, and whole-state hash and comparison.
#include "host/engine/machine_state.h"

#include <algorithm>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "host/engine/host_memory.h"
#include "host/model/error.h"
#include "host/model/hash.h"

namespace wafer {

MachineView MachineState::view() {
  MachineView v;
  v.width = width, v.height = height, v.n = n, v.sram_words = sram_words;
#define WAFER_POINT(type, name, count) v.name = name.data();
  WAFER_PE_FIELDS(WAFER_POINT)
#undef WAFER_POINT
  v.sram = sram.data();
  v.kernels = kernels.data();
  v.code = code.data();
  v.edge_in_pay = edge_in_pay.data(), v.edge_in_meta = edge_in_meta.data();
  v.edge_out_pay = edge_out_pay.data(), v.edge_out_meta = edge_out_meta.data();
  v.edge_out_stream = edge_out_stream.data();
  v.in_count = uint32_t(in_info.size()), v.out_count = uint32_t(out_info.size());
  v.in_info = in_info.data(), v.in_data_pay = in_data_pay.data(), v.in_data_meta = in_data_meta.data();
  v.in_pos = in_pos.data(), v.in_sent_last = in_sent_last.data();
  v.out_info = out_info.data(), v.out_data_pay = out_data_pay.data(), v.out_data_meta = out_data_meta.data();
  v.out_received = out_received.data(), v.out_overflow = out_overflow.data();
  return v;
}

uint64_t MachineState::bytes_needed(uint32_t width, uint32_t height, uint32_t sram_words) {
  const uint64_t n = uint64_t(width) * height;
  uint64_t per_pe = uint64_t(sram_words) * 4;
#define WAFER_SIZE(type, name, count) per_pe += sizeof(type) * uint64_t(count);
  WAFER_PE_FIELDS(WAFER_SIZE)
#undef WAFER_SIZE
  const uint64_t edges = (2ull * width + 2ull * height) * 2 * 4 * sizeof(uint32_t);
  return n * per_pe + edges;
}

namespace {

template <class F>
void for_each_pe(const Image& im, const Rect& r, F&& f) {
  for (uint32_t y = r.y; y < r.y + r.h; ++y) {
    for (uint32_t x = r.x; x < r.x + r.w; ++x) f(uint64_t(y) * im.width + x);
  }
}

}  // namespace

// The state itself; load_machine checks that it fits first.
static MachineState build_machine(const Image& im);

MachineState load_machine(const Image& im) {
  im.validate();
  // Refuse a grid the host cannot hold before allocating any of it, with the figures.
  const uint64_t bytes = MachineState::bytes_needed(im.width, im.height, im.sram_words());
  check_fits_host_memory(bytes, im.width, im.height);
  try {
    return build_machine(im);
  } catch (const std::bad_alloc&) {
    // The estimate passed but memory ran out anyway (another process took it meanwhile).
    throw Error("out of host memory while building the machine state of a " + std::to_string(im.width) + "x" +
                std::to_string(im.height) + " grid (" + gib(bytes) + " needed)");
  }
}

static MachineState build_machine(const Image& im) {
  MachineState s;
  s.width = im.width, s.height = im.height, s.n = im.width * im.height, s.sram_words = im.sram_words();
  const uint64_t n = s.n;
#define WAFER_RESIZE(type, name, count) s.name.assign(uint64_t(count) * n, type(0));
  WAFER_PE_FIELDS(WAFER_RESIZE)
#undef WAFER_RESIZE
  std::fill(s.kernel.begin(), s.kernel.end(), kNoKernel);
  std::fill(s.task.begin(), s.task.end(), kNoTask);
  std::fill(s.route.begin(), s.route.end(), kNoRouteByte * 0x01010101u);
  s.sram.assign(uint64_t(s.sram_words) * n, 0u);

  for (const auto& k : im.kernels) {
    KernelInfo info{};
    info.code_offset = uint32_t(s.code.size());
    info.code_len = uint32_t(k.code.size());
    info.mem_limit = std::min<uint32_t>(s.sram_words, kSramWords - info.code_len * kInstrWords);
    for (uint32_t t = 0; t < uint32_t(kTasks); ++t) {
      info.entry[t] = k.entry[t];
      if (k.entry[t] != kUnbound) info.bound_mask |= 1u << t;
    }
    s.kernels.push_back(info);
    s.kernel_names.push_back(k.name);
    s.code.insert(s.code.end(), k.code.begin(), k.code.end());
  }
  s.source_names = im.names;
  s.color_names = im.color_names;
  for (const auto& pl : im.placements) {
    for_each_pe(im, pl.rect, [&](uint64_t p) {
      s.kernel[p] = pl.kernel;
      s.activated[p] = pl.activate_mask;
      s.blocked[p] = pl.block_mask;
    });
  }
  for (const auto& r : im.routes) {
    const uint32_t shift = 8 * (r.color % 4);
    const uint32_t byte = route_byte(r.rx, r.tx_mask);
    for_each_pe(im, r.rect, [&](uint64_t p) {
      uint32_t& w = s.route[uint64_t(r.color / 4) * n + p];
      w = (w & ~(0xFFu << shift)) | (byte << shift);
    });
  }
  for (const auto& init : im.srams) {
    for_each_pe(im, init.rect, [&](uint64_t p) {
      for (size_t i = 0; i < init.words.size(); ++i) s.sram[(init.addr + i) * n + p] = init.words[i];
    });
  }
  for (const auto& r : im.regs)
    for_each_pe(im, r.rect, [&](uint64_t p) { s.regs[uint64_t(r.reg) * n + p] = r.value; });
  for (const auto& d : im.dsrs) {
    for_each_pe(im, d.rect, [&](uint64_t p) {
      s.dsr[uint64_t(d.dsr * kDsrWords) * n + p] = d.word0;
      s.dsr[uint64_t(d.dsr * kDsrWords + 1) * n + p] = d.word1;
    });
  }
  for (uint64_t p = 0; p < n; ++p) {
    if (s.kernel[p] == kNoKernel) continue;
    if (s.activated[p] & ~s.blocked[p] & s.kernels[s.kernel[p]].bound_mask) s.flags[p] = kFlagHasWork;
  }

  const uint32_t slots = 2 * im.width + 2 * im.height;
  s.edge_in_pay.assign(2ull * slots, 0), s.edge_in_meta.assign(2ull * slots, 0);
  s.edge_out_pay.assign(2ull * slots, 0), s.edge_out_meta.assign(2ull * slots, 0);
  s.edge_out_stream.assign(slots, -1);
  for (const auto& st : im.in_streams) {
    InStreamInfo info{};
    info.pe = st.y * im.width + st.x, info.port = st.port, info.color = st.color;
    info.slot = edge_slot(im.width, im.height, st.x, st.y, st.port);
    info.offset = s.in_data_pay.size(), info.length = st.payload.size();
    for (size_t i = 0; i < st.payload.size(); ++i) {
      s.in_data_pay.push_back(st.payload[i]);
      // The meta word carries the wavelet's color (per-wavelet colors: InStream::colors).
      s.in_data_meta.push_back((st.index.empty() ? uint32_t(i & 0xFFFFu) : st.index[i]) | (st.color_of(i) << 16));
    }
    s.in_info.push_back(info);
    s.in_names.push_back(st.name);
  }
  // Streams on one port form a group led by its first stream (InStreamInfo), linked in index order.
  std::unordered_map<uint32_t, uint32_t> tail_of_slot;  // edge slot -> its group's last member so far
  for (uint32_t i = 0; i < s.in_info.size(); ++i) {
    InStreamInfo& me = s.in_info[i];
    me.leader = i, me.next = i, me.group_size = 1;
    const auto [it, first] = tail_of_slot.try_emplace(me.slot, i);
    if (first) continue;
    me.leader = s.in_info[it->second].leader;
    s.in_info[it->second].next = i, me.next = me.leader;
    ++s.in_info[me.leader].group_size;
    it->second = i;
  }
  for (auto& info : s.in_info) info.group_size = s.in_info[info.leader].group_size;
  s.in_pos.assign(s.in_info.size(), 0), s.in_sent_last.assign(s.in_info.size(), 0);
  uint64_t out_total = 0;
  for (const auto& st : im.out_streams) {
    OutStreamInfo info{};
    info.pe = st.y * im.width + st.x, info.port = st.port;
    info.slot = edge_slot(im.width, im.height, st.x, st.y, st.port);
    info.offset = out_total, info.capacity = st.capacity;
    out_total += st.capacity;
    s.edge_out_stream[info.slot] = int32_t(s.out_info.size());
    s.out_info.push_back(info);
    s.out_names.push_back(st.name);
  }
  s.out_data_pay.assign(out_total, 0), s.out_data_meta.assign(out_total, 0);
  s.out_received.assign(s.out_info.size(), 0), s.out_overflow.assign(s.out_info.size(), 0);
  return s;
}

uint64_t MachineState::hash() const {
  uint64_t total = 0;
  uint32_t array_id = 0;
  for_each_array([&](const char*, const void* data, size_t count, size_t elem, uint32_t) {
    const uint32_t id = array_id++;
    const unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    std::vector<uint64_t> partial(threads, 0);
    auto work = [&](unsigned t) {
      uint64_t sum = 0;
      for (size_t i = t; i < count; i += threads) sum += hash_array_element(id, data, uint32_t(elem), i);
      partial[t] = sum;
    };
    if (count < (1u << 20)) {
      for (unsigned t = 0; t < threads; ++t) work(t);
    } else {
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, t);
      for (auto& th : pool) th.join();
    }
    for (uint64_t s : partial) total += s;
  });
  return total;
}

std::string MachineState::first_difference(const MachineState& o) const {
  if (width != o.width || height != o.height || sram_words != o.sram_words) {
    std::ostringstream m;
    m << "shape differs: " << width << "x" << height << " sram " << sram_words << " vs " << o.width << "x"
      << o.height << " sram " << o.sram_words;
    return m.str();
  }
  std::vector<std::tuple<const char*, const void*, size_t, size_t, uint32_t>> mine, theirs;
  for_each_array([&](const char* name, const void* d, size_t c, size_t e, uint32_t per) {
    mine.emplace_back(name, d, c, e, per);
  });
  o.for_each_array([&](const char* name, const void* d, size_t c, size_t e, uint32_t per) {
    theirs.emplace_back(name, d, c, e, per);
  });
  for (size_t a = 0; a < mine.size(); ++a) {
    auto [name, d0, c0, e, per] = mine[a];
    const void* d1 = std::get<1>(theirs[a]);
    const size_t c1 = std::get<2>(theirs[a]);
    if (c0 != c1)
      return std::string("array ") + name + " sizes differ: " + std::to_string(c0) + " vs " +
             std::to_string(c1);
    for (size_t i = 0; i < c0; ++i) {
      const uint64_t v0 = e == 8 ? static_cast<const uint64_t*>(d0)[i] : static_cast<const uint32_t*>(d0)[i];
      const uint64_t v1 = e == 8 ? static_cast<const uint64_t*>(d1)[i] : static_cast<const uint32_t*>(d1)[i];
      if (v0 == v1) continue;
      std::ostringstream m;
      m << "field " << name;
      if (per > 0) {
        const uint64_t p = i % n;
        m << ", PE(" << p % width << "," << p / width << "), element " << i / n;
      } else {
        m << ", element " << i;
      }
      m << ": 0x" << std::hex << v0 << " != 0x" << v1;
      return m.str();
    }
  }
  return "";
}

}  // namespace wafer
