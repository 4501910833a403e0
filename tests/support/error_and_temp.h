// Two small things many suites need: the message of the wafer::Error a call throws, and a path in the
// system's temporary folder.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include "host/model/error.h"

namespace wafer::test {

// The message of the wafer::Error f throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// <temp>/wafer_test_<pid>_<name>: ctest runs each test in a process of its own, in parallel, and two tests
// of one fixture use the same name (StateFileErrors.* once raced on one file under ctest -j8).
inline std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("wafer_test_" + std::to_string(getpid()) + "_" + name)).string();
}

}  // namespace wafer::test
