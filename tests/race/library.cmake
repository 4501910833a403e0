# The race checker's library (tests/race), included by tests/race and by bench/cuda (its traffic columns):
# defined once, by whichever comes first.
include_guard(GLOBAL)
add_library(wafer_race STATIC ${CMAKE_CURRENT_LIST_DIR}/access_log.cpp ${CMAKE_CURRENT_LIST_DIR}/race_run.cpp)
target_link_libraries(wafer_race PUBLIC wafer_core)
