// A minimal JSON writer for the CLI's and the benchmarks' machine-readable output.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace wafer {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(const std::string& k) {
    comma();
    out_ << quote(k) << ":";
    after_key_ = true;
    return *this;
  }
  JsonWriter& value(const std::string& v) { return raw(quote(v)); }
  JsonWriter& value(const char* v) { return raw(quote(v)); }
  JsonWriter& value(bool v) { return raw(v ? "true" : "false"); }
  JsonWriter& null() { return raw("null"); }
  JsonWriter& value(double v) {
    if (!std::isfinite(v)) return raw("null");  // JSON has no NaN or infinity: "nan" would break parsers
    std::ostringstream o;
    o.precision(17);
    o << v;
    return raw(o.str());
  }
  JsonWriter& value(uint64_t v) { return raw(std::to_string(v)); }
  JsonWriter& value(int64_t v) { return raw(std::to_string(v)); }
  JsonWriter& value(uint32_t v) { return raw(std::to_string(v)); }
  JsonWriter& value(int v) { return raw(std::to_string(v)); }
  template <class T>
  JsonWriter& field(const std::string& k, const T& v) {
    key(k);
    return value(v);
  }
  std::string str() const { return out_.str(); }

  static std::string quote(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\')
        q += '\\', q += c;
      else if (c == '\n')
        q += "\\n";
      else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
        q += buf;
      }
      else
        q += c;
    }
    return q + "\"";
  }

 private:
  JsonWriter& raw(const std::string& s) {
    comma();
    out_ << s;
    return *this;
  }
  JsonWriter& open(char c) {
    comma();
    out_ << c;
    first_.push_back(true);
    return *this;
  }
  JsonWriter& close(char c) {
    out_ << c;
    first_.pop_back();
    return *this;
  }
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ << ",";
      first_.back() = false;
    }
  }
  std::ostringstream out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace wafer
