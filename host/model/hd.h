// Portability macros for code shared by the CPU and CUDA engines.
#pragma once

#if defined(__CUDACC__)
#define WAFER_HD __host__ __device__
#else
#define WAFER_HD
#endif
