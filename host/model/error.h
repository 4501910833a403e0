// The project's one exception type: every user-facing failure carries a message naming the offending
// file, line, PE, cycle or value.
#pragma once
#include <stdexcept>
#include <string>

namespace wafer {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace wafer
