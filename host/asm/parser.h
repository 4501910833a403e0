// Recursive-descent parser: tokens -> syntax tree. The grammar is in docs/program-format.md; every
// "expected X, found Y" error names the construct being parsed.
#pragma once
#include <vector>

#include "host/asm/ast.h"
#include "host/asm/lexer.h"

namespace wafer::assembler {

// The top-level statements of a program.
Block parse_program(const std::vector<Token>& tokens);

// One expression filling the whole token list (used for parameter overrides such as "N=32").
ExprPtr parse_lone_expression(const std::vector<Token>& tokens);

// Names a program may not define: keywords, builtins, register names.
bool is_reserved_name(const std::string& name);

}  // namespace wafer::assembler
