# Fails unless docs/host-api.md contains tests/runtime/host_api_example.cpp verbatim (the example the
# documentation shows is the one the tests compile and run). cmake -DSOURCE_DIR=... -P this file.
file(READ ${SOURCE_DIR}/tests/runtime/host_api_example.cpp example)
file(READ ${SOURCE_DIR}/docs/host-api.md doc)
string(FIND "${doc}" "${example}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "docs/host-api.md does not contain tests/runtime/host_api_example.cpp verbatim: paste the file into its C++ example block")
endif()
message(STATUS "docs/host-api.md shows tests/runtime/host_api_example.cpp verbatim")
