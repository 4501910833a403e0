// The CPU reference engine: steps the shared cycle function over PE rows on threads.
#pragma once
#include <memory>

#include "host/engine/engine.h"

namespace wafer {

std::unique_ptr<Engine> make_cpu_engine(const EngineOptions& options);

}  // namespace wafer
