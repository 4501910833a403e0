// `assert CONDITION, "message"`: a program checks its own parameters where the statement stands (top
// level, kernel, task body, layout), with the names in scope there. A false condition is an error at the
// statement: "assertion failed: message (CONDITION is false; M = 30, P = 4)", naming the value of every
// name the condition reads, since those are what the user has to change.
#pragma once
#include "host/asm/ast.h"
#include "host/asm/evaluator.h"

namespace wafer::assembler {

void check_assertion(const AssertStmt& a, const SourceLoc& at, const EvalEnv& env);

}  // namespace wafer::assembler
