# Fails when the step kernel's resources regress: compiles cuda/step_kernels.cu with the engine's device flags
# and -Xptxas -v for each architecture and reads ptxas's report (no GPU needed). Run by ctest:
#   cmake -DNVCC=<nvcc> -DSOURCE_DIR=<repo> -DARCHS="80;90" -DFLAGS="<device flags>" -DMAX_REGISTERS=96
#         -P check_registers.cmake
# A spill or a stack frame fails at any count: the kernel's per-thread local memory would be DRAM traffic on
# every PE-cycle (docs/cuda-engine.md, "Registers and occupancy").
foreach(v NVCC SOURCE_DIR ARCHS MAX_REGISTERS)
  if(NOT ${v})
    message(FATAL_ERROR "check_registers.cmake: -D${v}=... is required")
  endif()
endforeach()
separate_arguments(flag_list UNIX_COMMAND "${FLAGS}")
set(failures "")
foreach(arch_entry ${ARCHS})
  string(REGEX REPLACE "-.*" "" arch "${arch_entry}")  # 90-real, 90-virtual -> 90
  if(NOT arch MATCHES "^[0-9]+$")
    message(STATUS "${arch_entry}: not a numbered architecture; checking sm_90 in its place")
    set(arch 90)
  endif()
  execute_process(
    COMMAND ${NVCC} -std=c++20 -I${SOURCE_DIR} -arch=sm_${arch} ${flag_list} -Xptxas -v -c
            ${SOURCE_DIR}/cuda/step_kernels.cu -o ${CMAKE_CURRENT_BINARY_DIR}/check_registers_sm_${arch}.o
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sm_${arch}: nvcc failed (${rc}):\n${err}")
  endif()
  # ptxas prints, per entry function: "Compiling entry function '<mangled>' for 'sm_XX'", then
  # "N bytes stack frame, N bytes spill stores, N bytes spill loads" and "Used N registers". Split the report
  # at each entry so the figures of every step_kernel instantiation are read from its own block.
  string(REPLACE "Compiling entry function" ";" entries "${out}${err}")
  set(found 0)
  foreach(entry IN LISTS entries)
    if(NOT entry MATCHES "^ '[^']*step_kernelILb[01]E")
      continue()
    endif()
    math(EXPR found "${found} + 1")
    string(REGEX MATCH "([0-9]+) bytes stack frame, ([0-9]+) bytes spill stores, ([0-9]+) bytes spill loads"
                 _ "${entry}")
    set(stack "${CMAKE_MATCH_1}")
    set(spill_st "${CMAKE_MATCH_2}")
    set(spill_ld "${CMAKE_MATCH_3}")
    string(REGEX MATCH "Used ([0-9]+) registers" _ "${entry}")
    set(regs "${CMAKE_MATCH_1}")
    if(stack STREQUAL "" OR regs STREQUAL "")
      list(APPEND failures "sm_${arch}: could not read ptxas's report:${entry}")
      continue()
    endif()
    string(REGEX MATCH "step_kernelILb[01]E" which "${entry}")
    message(STATUS "sm_${arch} ${which}: ${regs} registers, ${stack} bytes stack, ${spill_st}/${spill_ld} bytes spilled")
    if(regs GREATER MAX_REGISTERS)
      list(APPEND failures "sm_${arch} ${which}: ${regs} registers > ${MAX_REGISTERS}")
    endif()
    if(NOT stack EQUAL 0 OR NOT spill_st EQUAL 0 OR NOT spill_ld EQUAL 0)
      list(APPEND failures "sm_${arch} ${which}: stack frame ${stack} bytes, spills ${spill_st}/${spill_ld} bytes")
    endif()
  endforeach()
  # Both step_kernel<false> and step_kernel<true>: none found means the report or the kernel's name changed.
  if(found LESS 2)
    list(APPEND failures "sm_${arch}: found ${found} step_kernel entries in ptxas's report, expected 2")
  endif()
endforeach()
if(failures)
  string(REPLACE ";" "\n  " text "${failures}")
  message(FATAL_ERROR "step kernel resources:\n  ${text}")
endif()
