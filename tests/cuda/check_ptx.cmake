# Checks the PTX of the step kernel for floating-point code that would break bit-exactness with the CPU
# engine. Run by ctest: cmake -DPTX=<file> -P check_ptx.cmake
#   - add/sub/mul.f32 without a rounding mode may be contracted into fma by ptxas (nvcc --fmad=true emits
#     them so); with --fmad=false every one carries .rn and is never contracted.
#   - .ftz flushes denormals; approx is a fast-math approximation.
# It also insists the explicitly rounded forms are present, so an empty or unrelated file cannot pass.
if(NOT PTX)
  message(FATAL_ERROR "usage: cmake -DPTX=<file.ptx> -P check_ptx.cmake")
endif()
file(READ "${PTX}" text)
foreach(bad "[ \t](add|sub|mul|fma|div)\\.f32" "\\.ftz" "\\.approx")
  string(REGEX MATCH "${bad}[^\n]*" hit "${text}")
  if(hit)
    message(FATAL_ERROR "${PTX}: forbidden floating-point instruction (${bad}): ${hit}")
  endif()
endforeach()
foreach(good "add\\.rn\\.f32" "mul\\.rn\\.f32" "fma\\.rn\\.f32")
  if(NOT text MATCHES "${good}")
    message(FATAL_ERROR "${PTX}: expected ${good} (the cycle function's fp32 operations) and found none")
  endif()
endforeach()
message(STATUS "${PTX}: fp32 arithmetic explicitly rounded, no ftz, no approx")
