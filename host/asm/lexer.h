// Tokens of the program format (docs/program-format.md, "Lexical structure").
//
// Statements end at a newline or ';'. Inside parentheses and square brackets newlines are ignored, so long
// expressions and lists may span lines; braces do not suppress them because they delimit blocks of
// statements. Comments run from '#' or '//' to the end of the line. Strings ("...", on one line, with
// \" \\ \n escapes) exist only for the messages of assert statements.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/asm/diagnostics.h"

namespace wafer::assembler {

enum class Tok { kIdent, kInt, kFloat, kString, kPunct, kNewline, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier or punctuation; the literal's spelling for numbers; a string's contents
  int64_t int_value = 0;
  double float_value = 0;
  SourceLoc loc;
  bool is(const char* punct) const { return kind == Tok::kPunct && text == punct; }
  bool is_word(const char* word) const { return kind == Tok::kIdent && text == word; }
};

// How a token reads in "expected X, found Y".
std::string describe(const Token& t);

// Splits text into tokens; the last is always kEnd. Throws wafer::Error at the first bad character or
// literal.
std::vector<Token> lex(const std::string& text, const std::string* file_name);

}  // namespace wafer::assembler
