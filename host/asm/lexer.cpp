#include "host/asm/lexer.h"

#include <cctype>
#include <charconv>
#include <cstring>

namespace wafer::assembler {

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::kIdent:
      return quoted(t.text);
    case Tok::kInt:
    case Tok::kFloat:
      return "number " + t.text;
    case Tok::kString:
      return "string \"" + t.text + "\"";
    case Tok::kPunct:
      return quoted(t.text);
    case Tok::kNewline:
      return "end of line";
    case Tok::kEnd:
      return "end of file";
  }
  return "?";
}

namespace {

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c);
}

// Longest match first.
constexpr const char* kPuncts[] = {"..", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "(", ")",
                                   "[",  "]",  "{",  "}",  ",",  ":",  "=",  "+",  "-",  "*", "/",
                                   "%",  "<",  ">",  "!",  "~",  "&",  "|",  "^",  "?"};

class Lexer {
 public:
  Lexer(const std::string& text, const std::string* file) : s_(text), file_(file) {}

  std::vector<Token> run() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        advance(1);
      } else if (c == '#' || (c == '/' && peek(1) == '/')) {
        while (pos_ < s_.size() && s_[pos_] != '\n') advance(1);
      } else if (c == '\n' || c == ';') {
        // Newlines inside () and [] continue the statement; ';' always ends one.
        if (c == ';' || depth_ == 0) push_newline();
        advance(1);
        if (c == '\n') {
          ++line_;
          col_ = 1;
        }
      } else if (is_ident_start(c)) {
        ident();
      } else if (is_digit(c)) {
        number();
      } else if (c == '"') {
        string_literal();
      } else {
        punct();
      }
    }
    push_newline();
    Token end;
    end.kind = Tok::kEnd;
    end.loc = here();
    out_.push_back(end);
    return std::move(out_);
  }

 private:
  SourceLoc here() const { return {file_, line_, col_}; }
  char peek(size_t k) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
  void advance(size_t n) {
    pos_ += n;
    col_ += uint32_t(n);
  }
  void push_newline() {
    if (!out_.empty() && out_.back().kind == Tok::kNewline) return;  // blank lines carry no meaning
    Token t;
    t.kind = Tok::kNewline;
    t.loc = here();
    out_.push_back(t);
  }

  void ident() {
    Token t;
    t.kind = Tok::kIdent;
    t.loc = here();
    const size_t start = pos_;
    while (pos_ < s_.size() && is_ident_char(s_[pos_])) advance(1);
    t.text = s_.substr(start, pos_ - start);
    out_.push_back(std::move(t));
  }

  void number() {
    Token t;
    t.loc = here();
    const size_t start = pos_;
    int base = 10;
    if (s_[pos_] == '0' && (peek(1) == 'x' || peek(1) == 'X')) base = 16;
    if (s_[pos_] == '0' && (peek(1) == 'b' || peek(1) == 'B')) base = 2;
    bool is_float = false;
    if (base != 10) {
      advance(2);
      const size_t digits = pos_;
      while (pos_ < s_.size() &&
             (base == 16 ? isxdigit(uint8_t(s_[pos_])) : (s_[pos_] == '0' || s_[pos_] == '1'))) {
        advance(1);
      }
      if (pos_ == digits) fail(t.loc, "expected digits after " + quoted(s_.substr(start, 2)));
    } else {
      while (pos_ < s_.size() && is_digit(s_[pos_])) advance(1);
      // "1.5" is a float; "0..3" is a range, so a '.' counts only when a digit follows it.
      if (peek(0) == '.' && is_digit(peek(1))) {
        is_float = true;
        advance(1);
        while (pos_ < s_.size() && is_digit(s_[pos_])) advance(1);
      }
      if ((peek(0) == 'e' || peek(0) == 'E') &&
          (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
        is_float = true;
        advance(2);
        while (pos_ < s_.size() && is_digit(s_[pos_])) advance(1);
      }
    }
    if (pos_ < s_.size() && is_ident_char(s_[pos_])) {
      fail(here(), "unexpected " + quoted(std::string(1, s_[pos_])) + " in number " +
                       quoted(s_.substr(start, pos_ - start + 1)));
    }
    t.text = s_.substr(start, pos_ - start);
    const char* first = s_.data() + start + (base == 10 ? 0 : 2);
    const char* last = s_.data() + pos_;
    if (is_float) {
      t.kind = Tok::kFloat;
      const auto r = std::from_chars(first, last, t.float_value);
      if (r.ec != std::errc() || r.ptr != last) fail(t.loc, "float literal " + t.text + " is out of range");
    } else {
      t.kind = Tok::kInt;
      uint64_t v = 0;
      const auto r = std::from_chars(first, last, v, base);
      // Hex and binary literals may fill 64 bits (two's complement); decimal ones stop at 2^63 - 1.
      if (r.ec != std::errc() || r.ptr != last || (base == 10 && v > uint64_t(INT64_MAX))) {
        fail(t.loc, "integer literal " + t.text + " does not fit in 64 bits");
      }
      t.int_value = int64_t(v);
    }
    out_.push_back(std::move(t));
  }

  void string_literal() {
    Token t;
    t.kind = Tok::kString;
    t.loc = here();
    advance(1);
    for (;;) {
      if (pos_ >= s_.size() || s_[pos_] == '\n') fail(t.loc, "the string has no closing '\"' on its line");
      const char c = s_[pos_];
      if (c == '"') break;
      if (c == '\\') {
        const char e = peek(1);
        if (e != '"' && e != '\\' && e != 'n')
          fail(here(), "unknown escape " + quoted(std::string("\\") + e) + " in a string (\\\" \\\\ \\n)");
        t.text += e == 'n' ? '\n' : e;
        advance(2);
        continue;
      }
      t.text += c;
      advance(1);
    }
    advance(1);
    out_.push_back(std::move(t));
  }

  void punct() {
    for (const char* p : kPuncts) {
      const size_t n = strlen(p);
      if (s_.compare(pos_, n, p) == 0) {
        Token t;
        t.kind = Tok::kPunct;
        t.text = p;
        t.loc = here();
        if (t.text == "(" || t.text == "[") ++depth_;
        if ((t.text == ")" || t.text == "]") && depth_ > 0) --depth_;
        // A brace inside brackets is a syntax error the parser reports; reset so later lines still end.
        if (t.text == "{" || t.text == "}") depth_ = 0;
        out_.push_back(std::move(t));
        advance(n);
        return;
      }
    }
    fail(here(), "unexpected character " + quoted(std::string(1, s_[pos_])));
  }

  const std::string& s_;
  const std::string* file_;
  size_t pos_ = 0;
  uint32_t line_ = 1, col_ = 1;
  int depth_ = 0;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> lex(const std::string& text, const std::string* file_name) {
  return Lexer(text, file_name).run();
}

}  // namespace wafer::assembler
