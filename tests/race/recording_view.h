// An instrumented view of the machine state for the race checker: the same member names as MachineView, but
// every writable array hands out proxies that log which thread read or wrote which element before touching
// it. host/model/cycle.h's functions are templates over the view, so the checker runs the very cycle
// function the engines run; the engines instantiate it with MachineView and pay nothing for this.
//
// Read-only tables (kernels, code, edge_out_stream, stream descriptors and input data) stay plain pointers,
// inherited from MachineView: the view gives no way to write them, so they cannot race.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/model/state.h"
#include "tests/race/access_log.h"

namespace wafer::race {

// One element of a recorded array. Converting reads, assigning writes, compound assignment does both.
template <class T>
class ElementRef {
 public:
  ElementRef(T* p, uint32_t array, uint64_t i, AccessLog* log) : p_(p), array_(array), i_(i), log_(log) {}
  ElementRef(const ElementRef&) = default;

  operator T() const {
    log_->read(array_, i_);
    return p_[i_];
  }
  ElementRef& operator=(T v) {
    log_->write(array_, i_);
    p_[i_] = v;
    return *this;
  }
  // a[i] = a[j]: a read of j, then a write of i (not a copy of the proxy).
  ElementRef& operator=(const ElementRef& o) { return *this = T(o); }
  ElementRef& operator|=(T v) { return *this = T(T(*this) | v); }
  ElementRef& operator&=(T v) { return *this = T(T(*this) & v); }
  ElementRef& operator+=(T v) { return *this = T(T(*this) + v); }
  ElementRef& operator++() { return *this = T(T(*this) + 1); }

 private:
  T* p_;
  uint32_t array_;
  uint64_t i_;
  AccessLog* log_;
};

// A recorded array: the base pointer, the array's id in the log, the log.
template <class T>
class RecordedArray {
 public:
  RecordedArray() = default;
  RecordedArray(T* p, const char* name, AccessLog* log) : p_(p), array_(log->add_array(name, sizeof(T))), log_(log) {}
  ElementRef<T> operator[](uint64_t i) const { return ElementRef<T>(p_, array_, i, log_); }

 private:
  T* p_ = nullptr;
  uint32_t array_ = 0;
  AccessLog* log_ = nullptr;
};

// The writable arrays shadow MachineView's pointers of the same name; everything else is inherited.
struct RecordingView : MachineView {
#define WAFER_RECORDED_FIELD(type, name, count) RecordedArray<type> name;
  WAFER_PE_FIELDS(WAFER_RECORDED_FIELD)
#undef WAFER_RECORDED_FIELD
  RecordedArray<uint32_t> sram;
  RecordedArray<uint32_t> edge_in_pay, edge_in_meta, edge_out_pay, edge_out_meta;
  RecordedArray<uint64_t> in_pos;
  RecordedArray<uint32_t> in_sent_last;
  RecordedArray<uint32_t> out_data_pay, out_data_meta;
  RecordedArray<uint64_t> out_received;
  RecordedArray<uint32_t> out_overflow;

  RecordingView(const MachineView& v, AccessLog* log)
      : MachineView(v)
#define WAFER_RECORDED_INIT(type, name, count) , name(v.name, #name, log)
            WAFER_PE_FIELDS(WAFER_RECORDED_INIT)
#undef WAFER_RECORDED_INIT
        ,
        sram(v.sram, "sram", log),
        edge_in_pay(v.edge_in_pay, "edge_in_pay", log),
        edge_in_meta(v.edge_in_meta, "edge_in_meta", log),
        edge_out_pay(v.edge_out_pay, "edge_out_pay", log),
        edge_out_meta(v.edge_out_meta, "edge_out_meta", log),
        in_pos(v.in_pos, "in_pos", log),
        in_sent_last(v.in_sent_last, "in_sent_last", log),
        out_data_pay(v.out_data_pay, "out_data_pay", log),
        out_data_meta(v.out_data_meta, "out_data_meta", log),
        out_received(v.out_received, "out_received", log),
        out_overflow(v.out_overflow, "out_overflow", log) {}
};

}  // namespace wafer::race
