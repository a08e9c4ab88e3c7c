// SPDX-License-Identifier: GPL-2.0
#include "report/source_scan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace refdrv::report {

namespace {

bool ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

class Lexer {
 public:
  Lexer(std::string_view s, Lang lang) : s_(s), lang_(lang) {}

  std::vector<Token> run() {
    while (i_ < s_.size()) step();
    return std::move(out_);
  }

 private:
  [[nodiscard]] char at(std::size_t k) const { return k < s_.size() ? s_[k] : '\0'; }

  void emit(Tok kind, std::size_t end) {
    out_.push_back({kind, i_, end, line_});
    for (std::size_t k = i_; k < end; ++k)
      if (s_[k] == '\n') ++line_;
    if (kind == Tok::kSpace) {
      if (s_.substr(i_, end - i_).find('\n') != std::string_view::npos) line_start_ = true;
    } else {
      line_start_ = false;
    }
    i_ = end;
  }

  // A quoted literal from `open` (the quote), with backslash escapes.
  std::size_t quoted(std::size_t open, char quote) const {
    std::size_t k = open + 1;
    while (k < s_.size() && s_[k] != quote) {
      if (s_[k] == '\\') ++k;
      else if (s_[k] == '\n' && quote == '\'' && lang_ != Lang::kRust) break;  // unterminated char
      ++k;
    }
    return std::min(k + 1, s_.size());
  }

  // Rust raw string: r#*"..."#* starting at the 'r'.
  std::size_t rust_raw(std::size_t r) const {
    std::size_t k = r + 1, hashes = 0;
    while (at(k) == '#') ++hashes, ++k;
    ++k;  // the quote
    while (k < s_.size()) {
      if (s_[k] == '"') {
        std::size_t h = 0;
        while (h < hashes && at(k + 1 + h) == '#') ++h;
        if (h == hashes) return k + 1 + hashes;
      }
      ++k;
    }
    return s_.size();
  }

  bool rust_raw_start(std::size_t k) const {
    if (at(k) != 'r') return false;
    std::size_t j = k + 1;
    while (at(j) == '#') ++j;
    return at(j) == '"';
  }

  // C++ raw string R"delim(...)delim" starting at the quote.
  std::size_t cxx_raw(std::size_t quote) const {
    const std::size_t paren = s_.find('(', quote);
    if (paren == std::string_view::npos) return s_.size();
    const std::string close = ")" + std::string(s_.substr(quote + 1, paren - quote - 1)) + "\"";
    const std::size_t end = s_.find(close, paren);
    return end == std::string_view::npos ? s_.size() : end + close.size();
  }

  void step() {
    const char c = s_[i_];
    const char n = at(i_ + 1);
    if (std::isspace(static_cast<unsigned char>(c))) {
      std::size_t k = i_;
      while (k < s_.size() && std::isspace(static_cast<unsigned char>(s_[k]))) ++k;
      emit(Tok::kSpace, k);
      return;
    }
    if (c == '/' && n == '/') {
      const std::size_t e = s_.find('\n', i_);
      emit(Tok::kComment, e == std::string_view::npos ? s_.size() : e);
      return;
    }
    if (c == '/' && n == '*') {
      std::size_t k = i_ + 2;
      int depth = 1;
      while (k < s_.size() && depth > 0) {
        if (s_[k] == '*' && at(k + 1) == '/') {
          --depth;
          k += 2;
        } else if (lang_ == Lang::kRust && s_[k] == '/' && at(k + 1) == '*') {  // Rust block comments nest
          ++depth;
          k += 2;
        } else {
          ++k;
        }
      }
      emit(Tok::kComment, k);
      return;
    }
    if (lang_ != Lang::kRust && c == '#' && line_start_) {
      std::size_t k = i_;
      while (k < s_.size() && s_[k] != '\n') {
        if (s_[k] == '\\' && at(k + 1) == '\n') ++k;
        ++k;
      }
      emit(Tok::kPreproc, k);
      return;
    }
    if (lang_ == Lang::kRust) {
      if (rust_raw_start(i_)) return emit(Tok::kString, rust_raw(i_));
      if ((c == 'b' || c == 'c') && rust_raw_start(i_ + 1)) return emit(Tok::kString, rust_raw(i_ + 1));
      if ((c == 'b' || c == 'c') && n == '"') return emit(Tok::kString, quoted(i_ + 1, '"'));
      if (c == 'b' && n == '\'') return emit(Tok::kChar, quoted(i_ + 1, '\''));
      if (c == 'r' && n == '#' && ident_start(static_cast<unsigned char>(at(i_ + 2)))) {  // r#ident
        std::size_t k = i_ + 2;
        while (k < s_.size() && ident_char(static_cast<unsigned char>(s_[k]))) ++k;
        return emit(Tok::kIdent, k);
      }
    }
    if (c == '"') return emit(Tok::kString, quoted(i_, '"'));
    if (c == '\'') {
      if (lang_ != Lang::kRust) return emit(Tok::kChar, quoted(i_, '\''));
      // Rust: 'x' or '\n' is a char; 'a (no closing quote after one character) a lifetime.
      if (n == '\\') return emit(Tok::kChar, quoted(i_, '\''));
      std::size_t k = i_ + 1;
      const auto lead = static_cast<unsigned char>(at(k));
      const std::size_t width = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
      if (at(k + width) == '\'') return emit(Tok::kChar, k + width + 1);
      while (k < s_.size() && ident_char(static_cast<unsigned char>(s_[k]))) ++k;
      return emit(Tok::kLifetime, std::max(k, i_ + 1));
    }
    if (ident_start(static_cast<unsigned char>(c))) {
      std::size_t k = i_;
      while (k < s_.size() && ident_char(static_cast<unsigned char>(s_[k]))) ++k;
      const std::string_view word = s_.substr(i_, k - i_);
      if (lang_ != Lang::kRust && (at(k) == '"' || at(k) == '\'')) {
        // Encoding prefixes (L"", u8"", U'') and C++ raw strings (R"(...)").
        if (lang_ == Lang::kCxx && at(k) == '"' && !word.empty() && word.back() == 'R' &&
            (word == "R" || word == "u8R" || word == "uR" || word == "UR" || word == "LR"))
          return emit(Tok::kString, cxx_raw(k));
        if (word == "L" || word == "u" || word == "U" || word == "u8")
          return emit(at(k) == '"' ? Tok::kString : Tok::kChar, quoted(k, at(k)));
      }
      return emit(Tok::kIdent, k);
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t k = i_;
      for (;;) {
        while (k < s_.size() && (ident_char(static_cast<unsigned char>(s_[k])))) ++k;
        const char last = k > i_ ? s_[k - 1] : '\0';
        if (at(k) == '.' && std::isdigit(static_cast<unsigned char>(at(k + 1)))) {
          ++k;
        } else if ((at(k) == '+' || at(k) == '-') && (last == 'e' || last == 'E' || last == 'p' || last == 'P') &&
                   std::isdigit(static_cast<unsigned char>(at(k + 1)))) {
          ++k;
        } else if (lang_ == Lang::kCxx && at(k) == '\'' && std::isalnum(static_cast<unsigned char>(at(k + 1)))) {
          ++k;  // digit separator
        } else {
          break;
        }
      }
      return emit(Tok::kNumber, k);
    }
    emit(Tok::kPunct, i_ + 1);
  }

  std::string_view s_;
  Lang lang_;
  std::size_t i_ = 0;
  int line_ = 1;
  bool line_start_ = true;
  std::vector<Token> out_;
};

bool significant(const Token& t) { return t.kind != Tok::kSpace && t.kind != Tok::kComment; }

// The significant tokens, with their text.
struct Sig {
  std::vector<Token> toks;
  std::vector<std::string_view> text;
  std::vector<std::size_t> index;  // position in the full token list
};

Sig significant_tokens(std::string_view src, const std::vector<Token>& all) {
  Sig s;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!significant(all[i])) continue;
    s.toks.push_back(all[i]);
    s.text.push_back(src.substr(all[i].begin, all[i].end - all[i].begin));
    s.index.push_back(i);
  }
  return s;
}

// Index of the bracket closing the one at `open` (significant tokens), or size.
std::size_t matching(const Sig& s, std::size_t open) {
  const std::string_view o = s.text[open];
  const std::string_view c = o == "{" ? "}" : o == "(" ? ")" : o == "[" ? "]" : ">";
  int depth = 0;
  for (std::size_t k = open; k < s.text.size(); ++k) {
    if (s.toks[k].kind != Tok::kPunct) continue;
    if (s.text[k] == o) ++depth;
    if (s.text[k] == c && --depth == 0) return k;
  }
  return s.text.size();
}

std::string comment_body(std::string_view c) {
  std::string_view b = c;
  if (b.starts_with("//")) b.remove_prefix(2);
  else if (b.starts_with("/*")) b.remove_prefix(2);
  while (!b.empty() && (b.front() == '/' || b.front() == '!' || b.front() == '*' || b.front() == ' ' || b.front() == '\t'))
    b.remove_prefix(1);
  return std::string(b);
}

// Removes the indentation common to all non-blank lines.
std::string dedent(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t e = text.find('\n', start);
    lines.emplace_back(text.substr(start, e == std::string_view::npos ? std::string_view::npos : e - start));
    if (e == std::string_view::npos) break;
    start = e + 1;
  }
  std::size_t common = std::string::npos;
  for (const auto& l : lines) {
    const std::size_t ind = l.find_first_not_of(" \t");
    if (ind == std::string::npos) continue;
    common = std::min(common, ind);
  }
  if (common == std::string::npos) common = 0;
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += lines[i].size() >= common ? lines[i].substr(common) : std::string();
    if (i + 1 < lines.size()) out += '\n';
  }
  return out;
}

// A snippet from significant token `from` to `to` (inclusive), extended
// upwards over the comments directly above it (no blank line between).
// The first line's indentation is kept so that dedent() aligns it.
Snippet snippet(std::string_view src, const std::vector<Token>& all, const Sig& s, std::size_t from, std::size_t to) {
  std::size_t first = s.index[from];
  for (std::size_t k = first; k > 0; --k) {
    const Token& prev = all[k - 1];
    if (prev.kind == Tok::kComment) {
      first = k - 1;
      continue;
    }
    if (prev.kind == Tok::kSpace) {
      const auto ws = src.substr(prev.begin, prev.end - prev.begin);
      if (std::count(ws.begin(), ws.end(), '\n') <= 1) continue;
    }
    break;
  }
  std::size_t begin = all[first].begin;
  while (begin > 0 && (src[begin - 1] == ' ' || src[begin - 1] == '\t')) --begin;
  const Token& last = s.toks[to];
  Snippet sn;
  sn.code = dedent(src.substr(begin, last.end - begin));
  sn.first_line = all[first].line;
  sn.last_line = last.line + static_cast<int>(std::count(src.begin() + static_cast<std::ptrdiff_t>(last.begin),
                                                          src.begin() + static_cast<std::ptrdiff_t>(last.end), '\n'));
  return sn;
}

constexpr std::array<std::string_view, 52> kRustKeywords = {
    "as",    "async", "await",  "break",  "const", "continue", "crate", "dyn",   "else",   "enum",   "extern",
    "false", "fn",    "for",    "if",     "impl",  "in",       "let",   "loop",  "match",  "mod",    "move",
    "mut",   "pub",   "ref",    "return", "self",  "Self",     "static", "struct", "super", "trait",  "true",
    "type",  "unsafe", "use",   "where",  "while", "union",    "macro_rules", "u8", "u16", "u32",    "u64",
    "i8",    "i16",   "i32",    "i64",    "usize", "isize",    "bool",  "str"};
constexpr std::array<std::string_view, 58> kCKeywords = {
    "auto",      "break",    "case",      "char",     "const",     "continue", "default",  "do",       "double",
    "else",      "enum",     "extern",    "float",    "for",       "goto",     "if",       "inline",   "int",
    "long",      "register", "return",    "short",    "signed",    "sizeof",   "static",   "struct",   "switch",
    "typedef",   "union",    "unsigned",  "void",     "volatile",  "while",    "bool",     "true",     "false",
    "class",     "constexpr", "consteval", "namespace", "template", "typename", "using",   "noexcept", "nullptr",
    "public",    "private",  "protected", "operator", "static_cast", "reinterpret_cast", "const_cast",
    "concept",   "requires", "this",      "auto",     "decltype",  "virtual"};

bool is_keyword(std::string_view w, Lang lang) {
  if (lang == Lang::kRust) return std::find(kRustKeywords.begin(), kRustKeywords.end(), w) != kRustKeywords.end();
  return std::find(kCKeywords.begin(), kCKeywords.end(), w) != kCKeywords.end();
}

constexpr std::array<std::string_view, 8> kNotCalls = {"if", "while", "for", "switch", "return", "sizeof", "match", "fn"};

// A string literal's text: "x", and Rust's C string literal c"x" (the form
// that replaces c_str!("x") in later trees).
std::string unquote(std::string_view s) {
  if (s.size() >= 3 && s.front() == 'c' && s[1] == '"' && s.back() == '"') return std::string(s.substr(2, s.size() - 3));
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return std::string(s.substr(1, s.size() - 2));
  return std::string(s);
}

// The self type of a Rust impl header `impl<..> Trait for Type<..>` / `impl Type`.
std::string impl_self_type(const Sig& s, std::size_t impl, std::size_t brace) {
  std::size_t k = impl + 1;
  if (k < brace && s.text[k] == "<") k = matching(s, k) + 1;
  std::size_t for_at = brace;
  for (std::size_t j = k; j < brace; ++j)
    if (s.text[j] == "for") for_at = j;
  std::size_t t = for_at < brace ? for_at + 1 : k;
  std::string type;
  // The last path segment before generics.
  for (; t < brace && s.text[t] != "<" && s.text[t] != "where"; ++t)
    if (s.toks[t].kind == Tok::kIdent) type = std::string(s.text[t]);
  return type;
}

// Whether the `{` at k opens a namespace (`namespace a::b {`, `namespace {`)
// or an `extern "C" {` block: their contents are at file scope.
bool opens_scope_block(const Sig& s, std::size_t k) {
  std::size_t j = k;
  while (j > 0 && (s.toks[j - 1].kind == Tok::kIdent || s.text[j - 1] == ":") && s.text[j - 1] != "namespace") --j;
  if (j > 0 && s.text[j - 1] == "namespace") return true;
  return k > 1 && s.toks[k - 1].kind == Tok::kString && s.text[k - 2] == "extern";
}

}  // namespace

std::vector<Token> tokenize(std::string_view src, Lang lang) { return Lexer(src, lang).run(); }

LineCounts count_lines(std::string_view src, Lang lang) {
  const auto toks = tokenize(src, lang);
  int lines = static_cast<int>(std::count(src.begin(), src.end(), '\n')) + (src.empty() || src.back() == '\n' ? 0 : 1);
  std::vector<std::uint8_t> code(static_cast<std::size_t>(lines) + 2, 0), comment(code.size(), 0);
  for (const auto& t : toks) {
    if (t.kind == Tok::kSpace) continue;
    const int span = static_cast<int>(std::count(src.begin() + static_cast<std::ptrdiff_t>(t.begin),
                                                 src.begin() + static_cast<std::ptrdiff_t>(t.end), '\n'));
    for (int l = t.line; l <= t.line + span && l <= lines; ++l) (t.kind == Tok::kComment ? comment : code)[l] = 1;
  }
  LineCounts c;
  c.total = static_cast<std::size_t>(lines);
  for (int l = 1; l <= lines; ++l) {
    if (code[l]) ++c.code;
    else if (comment[l]) ++c.comment;
    else ++c.blank;
  }
  return c;
}

std::size_t count_safety_comments(std::string_view src, Lang lang) {
  std::size_t n = 0;
  for (const auto& t : tokenize(src, lang))
    if (t.kind == Tok::kComment && comment_body(src.substr(t.begin, t.end - t.begin)).starts_with("SAFETY:")) ++n;
  return n;
}

RustUnsafe scan_rust_unsafe(std::string_view src) {
  const auto all = tokenize(src, Lang::kRust);
  const Sig s = significant_tokens(src, all);
  RustUnsafe r;
  r.safety_comments = count_safety_comments(src, Lang::kRust);
  struct Frame {
    std::string label;
    int depth;
    bool impl;
  };
  std::vector<Frame> frames;
  std::string pending;
  bool pending_impl = false;
  int depth = 0;
  auto context = [&]() -> std::string {
    std::string impl, fn;
    for (const auto& f : frames) (f.impl ? impl : fn) = f.label;
    if (impl.empty() && fn.empty()) return "module level";
    if (impl.empty()) return fn;
    return fn.empty() ? impl : impl + ", " + fn;
  };
  for (std::size_t k = 0; k < s.toks.size(); ++k) {
    const std::string_view w = s.text[k];
    if (s.toks[k].kind == Tok::kIdent) {
      if (w == "impl" || w == "trait") {
        // Header up to the opening brace.
        std::size_t b = k;
        while (b < s.toks.size() && s.text[b] != "{" && s.text[b] != ";") ++b;
        if (b < s.toks.size() && s.text[b] == "{") {
          pending = w == "impl" ? "impl " + impl_self_type(s, k, b) : "trait " + std::string(k + 1 < s.text.size() ? s.text[k + 1] : "");
          pending_impl = true;
        }
      } else if (w == "fn" && k + 1 < s.toks.size()) {
        pending = "fn " + std::string(s.text[k + 1]);
        pending_impl = false;
      } else if (w == "macro_rules" && k + 2 < s.toks.size()) {
        pending = "macro_rules! " + std::string(s.text[k + 2]);
        pending_impl = true;
      } else if (w == "unsafe") {
        UnsafeSite site;
        site.line = s.toks[k].line;
        site.context = context();
        const std::string_view next = k + 1 < s.text.size() ? s.text[k + 1] : "";
        if (next == "{") {
          site.kind = "block";
          ++r.blocks;
          const std::size_t close = matching(s, k + 1);
          // A call of a C function: bindings::name( (a path ending in a
          // call), not a C type named (MaybeUninit::<bindings::phy_driver>).
          for (std::size_t j = k + 1; j < close && !site.calls_c; ++j) {
            if (s.text[j] != "bindings") continue;
            std::size_t e = j + 1;
            while (e < close && (s.text[e] == ":" || s.toks[e].kind == Tok::kIdent)) ++e;
            site.calls_c = e < close && s.text[e] == "(";
          }
        } else if (next == "fn" || (next == "extern" && k + 3 < s.text.size() && s.text[k + 3] == "fn")) {
          site.kind = "fn";
          ++r.fns;
        } else if (next == "impl") {
          site.kind = "impl";
          ++r.impls;
        } else if (next == "trait") {
          site.kind = "trait";
          ++r.traits;
        } else {
          site.kind = next == "extern" ? "extern block" : "other";
          ++r.others;
        }
        r.sites.push_back(std::move(site));
      }
    } else if (s.toks[k].kind == Tok::kPunct) {
      if (w == "{") {
        ++depth;
        if (!pending.empty()) frames.push_back({pending, depth, pending_impl});
        pending.clear();
      } else if (w == "}") {
        while (!frames.empty() && frames.back().depth >= depth) frames.pop_back();
        --depth;
      } else if (w == ";") {
        pending.clear();  // a declaration without a body
      }
    }
  }
  return r;
}

std::optional<Snippet> find_function(std::string_view src, Lang lang, std::string_view name) {
  const auto all = tokenize(src, lang);
  const Sig s = significant_tokens(src, all);
  int depth = 0;
  std::vector<bool> namespace_brace;  // per open brace: a namespace's
  for (std::size_t k = 0; k < s.toks.size(); ++k) {
    const std::string_view w = s.text[k];
    if (w == "{") {
      const bool ns = lang != Lang::kRust && opens_scope_block(s, k);
      namespace_brace.push_back(ns);
      if (!ns) ++depth;
      continue;
    }
    if (w == "}") {
      if (!namespace_brace.empty()) {
        if (!namespace_brace.back()) --depth;
        namespace_brace.pop_back();
      }
      continue;
    }
    if (depth != 0 || w != name || s.toks[k].kind != Tok::kIdent || k + 1 >= s.toks.size() || s.text[k + 1] != "(")
      continue;
    std::size_t close = matching(s, k + 1);
    std::size_t b = close + 1;
    while (b < s.toks.size() && s.toks[b].kind == Tok::kIdent) ++b;  // const, noexcept, override
    if (b >= s.toks.size() || s.text[b] != "{") continue;             // a declaration or a call
    const std::size_t end = matching(s, b);
    // The declaration starts after the previous item.
    std::size_t from = k;
    while (from > 0 && s.text[from - 1] != ";" && s.text[from - 1] != "}" && s.text[from - 1] != "{" &&
           s.toks[from - 1].kind != Tok::kPreproc)
      --from;
    return snippet(src, all, s, from, std::min(end, s.toks.size() - 1));
  }
  return std::nullopt;
}

namespace {

// The first `fn name` with a body in significant tokens [lo, hi), at depth 0
// of that range (and, `module_level`, of the file).
std::optional<Snippet> find_rust_fn_in(std::string_view src, const std::vector<Token>& all, const Sig& s,
                                       std::size_t lo, std::size_t hi, std::string_view name, bool module_level) {
  int depth = 0;
  for (std::size_t k = lo; k < hi; ++k) {
    if (s.text[k] == "{") ++depth;
    if (s.text[k] == "}") --depth;
    if (depth != 0 || s.text[k] != "fn" || k + 1 >= hi || s.text[k + 1] != name) continue;
    if (module_level) {
      // Module level: not inside any impl/trait (depth counted from the file start).
      int file_depth = 0;
      for (std::size_t j = 0; j < k; ++j) file_depth += s.text[j] == "{" ? 1 : s.text[j] == "}" ? -1 : 0;
      if (file_depth != 0) continue;
    }
    std::size_t b = k;
    while (b < hi && s.text[b] != "{" && s.text[b] != ";") ++b;
    if (b >= hi || s.text[b] != "{") continue;
    const std::size_t end = matching(s, b);
    // Back over `pub`, `unsafe`, `const`, `extern "C"` and attributes.
    std::size_t from = k;
    for (;;) {
      if (from > lo && (s.text[from - 1] == "pub" || s.text[from - 1] == "unsafe" || s.text[from - 1] == "const" ||
                        s.text[from - 1] == "async" || s.toks[from - 1].kind == Tok::kString ||
                        s.text[from - 1] == "extern")) {
        --from;
        continue;
      }
      if (from > lo && s.text[from - 1] == "]") {  // #[attr]
        std::size_t j = from - 1;
        int d = 0;
        while (j > lo) {
          if (s.text[j] == "]") ++d;
          if (s.text[j] == "[" && --d == 0) break;
          --j;
        }
        if (j > lo && s.text[j - 1] == "#") {
          from = j - 1;
          continue;
        }
      }
      break;
    }
    return snippet(src, all, s, from, end);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Snippet> find_rust_fn(std::string_view src, std::string_view type, std::string_view name) {
  const auto all = tokenize(src, Lang::kRust);
  const Sig s = significant_tokens(src, all);
  if (type.empty()) return find_rust_fn_in(src, all, s, 0, s.toks.size(), name, true);
  // Every impl of the type, its trait impls (`impl Driver for T`, where the
  // callbacks are) before its inherent ones (a review, 2026-12-07: only the
  // first impl was searched, so an `impl T { helpers }` above the trait impl
  // hid every callback).
  std::vector<std::pair<std::size_t, std::size_t>> trait_impls, inherent;
  for (std::size_t k = 0; k < s.toks.size(); ++k) {
    if (s.text[k] != "impl") continue;
    std::size_t b = k;
    while (b < s.toks.size() && s.text[b] != "{" && s.text[b] != ";") ++b;
    if (b >= s.toks.size() || s.text[b] != "{" || impl_self_type(s, k, b) != type) continue;
    const bool for_trait =
        std::find(s.text.begin() + static_cast<std::ptrdiff_t>(k), s.text.begin() + static_cast<std::ptrdiff_t>(b),
                  "for") != s.text.begin() + static_cast<std::ptrdiff_t>(b);
    (for_trait ? trait_impls : inherent).emplace_back(b + 1, matching(s, b));
  }
  for (const auto* blocks : {&trait_impls, &inherent})
    for (const auto& [lo, hi] : *blocks)
      if (auto f = find_rust_fn_in(src, all, s, lo, hi, name, false)) return f;
  return std::nullopt;
}

std::optional<Snippet> find_cxx_member(std::string_view src, std::string_view type, std::string_view name) {
  const auto all = tokenize(src, Lang::kCxx);
  const Sig s = significant_tokens(src, all);
  for (std::size_t k = 0; k + 2 < s.toks.size(); ++k) {
    if ((s.text[k] != "struct" && s.text[k] != "class") || s.text[k + 1] != type) continue;
    std::size_t b = k + 2;
    while (b < s.toks.size() && s.text[b] != "{" && s.text[b] != ";") ++b;
    if (b >= s.toks.size() || s.text[b] != "{") continue;
    const std::size_t end = matching(s, b);
    int depth = 0;
    for (std::size_t j = b + 1; j < end; ++j) {
      if (s.text[j] == "{") ++depth;
      if (s.text[j] == "}") --depth;
      if (depth != 0 || s.text[j] != name || j + 1 >= end || s.text[j + 1] != "(") continue;
      std::size_t close = matching(s, j + 1), ob = close + 1;
      while (ob < end && s.toks[ob].kind == Tok::kIdent) ++ob;
      if (ob >= end || s.text[ob] != "{") continue;
      std::size_t from = j;
      while (from > b + 1 && s.text[from - 1] != ";" && s.text[from - 1] != "}" && s.text[from - 1] != "{" &&
             !(s.text[from - 1] == ":" && (s.text[from - 2] == "public" || s.text[from - 2] == "private")))
        --from;
      return snippet(src, all, s, from, matching(s, ob));
    }
  }
  // Defined outside its struct: `Result<> PhyX::suspend(Device& dev) { ... }`
  // at file (or namespace) scope.
  for (std::size_t k = 0; k + 4 < s.toks.size(); ++k) {
    if (s.text[k] != type || s.text[k + 1] != ":" || s.text[k + 2] != ":" || s.text[k + 3] != name ||
        s.text[k + 4] != "(")
      continue;
    const std::size_t close = matching(s, k + 4);
    std::size_t ob = close + 1;
    while (ob < s.toks.size() && s.toks[ob].kind == Tok::kIdent) ++ob;
    if (ob >= s.toks.size() || s.text[ob] != "{") continue;
    std::size_t from = k;
    while (from > 0 && s.text[from - 1] != ";" && s.text[from - 1] != "}" && s.text[from - 1] != "{" &&
           s.toks[from - 1].kind != Tok::kPreproc)
      --from;
    return snippet(src, all, s, from, matching(s, ob));
  }
  return std::nullopt;
}

std::optional<Snippet> find_invocation(std::string_view src, Lang lang, std::string_view name) {
  const auto all = tokenize(src, lang);
  const Sig s = significant_tokens(src, all);
  for (std::size_t k = 0; k + 1 < s.toks.size(); ++k) {
    if (s.text[k] != name) continue;
    std::size_t open = k + 1;
    if (lang == Lang::kRust && s.text[open] == "!") ++open;
    if (open >= s.toks.size() || (s.text[open] != "(" && s.text[open] != "{" && s.text[open] != "[")) continue;
    std::size_t end = matching(s, open);
    if (end + 1 < s.toks.size() && s.text[end + 1] == ";") ++end;
    std::size_t from = k;
    // Include a path prefix (kernel::module_phy_driver!).
    while (from >= 2 && s.text[from - 1] == ":" && s.text[from - 2] == ":" && from >= 3) from -= 3;
    return snippet(src, all, s, from, std::min(end, s.toks.size() - 1));
  }
  return std::nullopt;
}

std::optional<Snippet> find_array_definition(std::string_view src, Lang lang, std::string_view name) {
  const auto all = tokenize(src, lang);
  const Sig s = significant_tokens(src, all);
  for (std::size_t k = 0; k + 4 < s.toks.size(); ++k) {
    if (s.text[k] != name || s.text[k + 1] != "[" || s.text[k + 2] != "]" || s.text[k + 3] != "=" ||
        s.text[k + 4] != "{")
      continue;
    std::size_t end = matching(s, k + 4);
    if (end + 1 < s.toks.size() && s.text[end + 1] == ";") ++end;
    // Back to the start of the declaration: after the previous ';' or '}'.
    std::size_t from = k;
    while (from > 0 && s.text[from - 1] != ";" && s.text[from - 1] != "}" && s.text[from - 1] != "{") --from;
    return snippet(src, all, s, from, std::min(end, s.toks.size() - 1));
  }
  return std::nullopt;
}

std::set<std::string> called_names(std::string_view code, Lang lang) {
  const auto all = tokenize(code, lang);
  const Sig s = significant_tokens(code, all);
  std::set<std::string> out;
  for (std::size_t k = 0; k + 1 < s.toks.size(); ++k) {
    if (s.toks[k].kind != Tok::kIdent || s.text[k + 1] != "(") continue;
    if (std::find(kNotCalls.begin(), kNotCalls.end(), s.text[k]) != kNotCalls.end()) continue;
    if (k > 0 && (s.text[k - 1] == "fn")) continue;
    std::string name(s.text[k]);
    if (k >= 3 && s.text[k - 1] == ":" && s.text[k - 2] == ":" && s.toks[k - 3].kind == Tok::kIdent)
      name = std::string(s.text[k - 3]) + "::" + name;
    out.insert(name);
  }
  return out;
}

std::vector<DroppedResult> dropped_results(std::string_view src, Lang lang, const std::set<std::string>& int_returning) {
  const auto all = tokenize(src, lang);
  const Sig s = significant_tokens(src, all);
  std::vector<DroppedResult> out;
  // Lines that carry a comment, to tell an explained drop.
  std::set<int> comment_lines;
  for (const auto& t : all)
    if (t.kind == Tok::kComment) {
      const int span = static_cast<int>(std::count(src.begin() + static_cast<std::ptrdiff_t>(t.begin),
                                                   src.begin() + static_cast<std::ptrdiff_t>(t.end), '\n'));
      for (int l = t.line; l <= t.line + span; ++l) comment_lines.insert(l);
    }
  auto explained = [&](int line) { return comment_lines.contains(line) || comment_lines.contains(line - 1); };
  // The last call in [from, to): the function whose result is dropped.
  auto last_call = [&](std::size_t from, std::size_t to) {
    std::string name;
    for (std::size_t k = from; k + 1 < to; ++k)
      if (s.toks[k].kind == Tok::kIdent && s.text[k + 1] == "(") name = std::string(s.text[k]);
    return name;
  };
  auto statement_end = [&](std::size_t from) {
    std::size_t k = from;
    int d = 0;
    for (; k < s.toks.size(); ++k) {
      if (s.text[k] == "(" || s.text[k] == "[" || s.text[k] == "{") ++d;
      if (s.text[k] == ")" || s.text[k] == "]" || s.text[k] == "}") --d;
      if (d <= 0 && s.text[k] == ";") break;
    }
    return k;
  };
  // Whether a statement starts at token k: after `;`, `{`, `}`, `else`, a
  // label (`err:`, `case X:`, `default:`), or as the unbraced body of
  // `if (...)`, `while (...)`, `for (...)`.
  auto starts_statement = [&](std::size_t k) {
    if (k == 0) return true;
    const std::string_view prev = s.text[k - 1];
    if (prev == ";" || prev == "{" || prev == "}" || prev == "else") return true;
    if (prev == ":" && lang != Lang::kRust) {
      // A label: the tokens since the last statement's end are `name`, or
      // `case ...` or `default` (not the `:` of a conditional expression).
      std::size_t j = k - 1;
      while (j > 0 && s.text[j - 1] != ";" && s.text[j - 1] != "{" && s.text[j - 1] != "}") --j;
      return s.text[j] == "case" || s.text[j] == "default" || (j + 2 == k && s.toks[j].kind == Tok::kIdent);
    }
    if (prev != ")") return false;
    std::size_t j = k - 1;
    int d = 0;
    while (j > 0) {
      if (s.text[j] == ")") ++d;
      if (s.text[j] == "(" && --d == 0) break;
      --j;
    }
    return j > 0 && (s.text[j - 1] == "if" || s.text[j - 1] == "while" || s.text[j - 1] == "for");
  };
  for (std::size_t k = 0; k < s.toks.size(); ++k) {
    const int line = s.toks[k].line;
    if (lang == Lang::kRust) {
      if (s.text[k] == "let" && k + 2 < s.toks.size() && s.text[k + 1] == "_" && s.text[k + 2] == "=") {
        const std::size_t e = statement_end(k + 3);
        out.push_back({line, last_call(k + 3, e), "let _ =", explained(line)});
      } else if (s.text[k] == "_" && k + 1 < s.toks.size() && s.text[k + 1] == "=" && starts_statement(k)) {
        // `_ = f();`: an assignment to the wildcard (Rust 1.59), the same drop.
        const std::size_t e = statement_end(k + 2);
        out.push_back({line, last_call(k + 2, e), "_ =", explained(line)});
      }
      continue;
    }
    if (lang == Lang::kCxx && s.text[k] == "std" && k + 4 < s.toks.size() && s.text[k + 3] == "ignore" &&
        s.text[k + 4] == "=") {
      const std::size_t e = statement_end(k + 5);
      out.push_back({line, last_call(k + 5, e), "std::ignore =", explained(line)});
      continue;
    }
    // C and C++: a call's result cast to void as a statement (`(void)0;`
    // and a variable cast to void drop no result).
    if (s.text[k] == "(" && k + 2 < s.toks.size() && s.text[k + 1] == "void" && s.text[k + 2] == ")" &&
        starts_statement(k)) {
      if (std::string call = last_call(k + 3, statement_end(k + 3)); !call.empty())
        out.push_back({line, std::move(call), "(void)", explained(line)});
      k += 2;
      continue;
    }
    // C (and C++): a call of an int-returning function as a whole statement.
    if (s.toks[k].kind != Tok::kIdent || !int_returning.contains(std::string(s.text[k])) || k + 1 >= s.toks.size() ||
        s.text[k + 1] != "(")
      continue;
    const std::size_t close = matching(s, k + 1);
    if (close + 1 >= s.toks.size() || s.text[close + 1] != ";") continue;
    if (starts_statement(k)) out.push_back({line, std::string(s.text[k]), "statement", explained(line)});
  }
  return out;
}

std::vector<std::string> c_struct_function_pointers(std::string_view src, std::string_view struct_name) {
  const auto all = tokenize(src, Lang::kC);
  const Sig s = significant_tokens(src, all);
  std::vector<std::string> out;
  for (std::size_t k = 0; k + 2 < s.toks.size(); ++k) {
    if (s.text[k] != "struct" || s.text[k + 1] != struct_name || s.text[k + 2] != "{") continue;
    const std::size_t end = matching(s, k + 2);
    // `( * name ) (` at any depth inside: a member that is a function pointer.
    for (std::size_t m = k + 3; m + 4 < end; ++m)
      if (s.text[m] == "(" && s.text[m + 1] == "*" && s.toks[m + 2].kind == Tok::kIdent && s.text[m + 3] == ")" &&
          s.text[m + 4] == "(")
        out.emplace_back(s.text[m + 2]);
    break;
  }
  return out;
}

std::vector<std::string> rust_trait_fns(std::string_view src, std::string_view trait_name) {
  const auto all = tokenize(src, Lang::kRust);
  const Sig s = significant_tokens(src, all);
  std::vector<std::string> out;
  for (std::size_t k = 0; k + 1 < s.toks.size(); ++k) {
    if (s.text[k] != "trait" || s.text[k + 1] != trait_name) continue;
    std::size_t open = k + 2;
    while (open < s.toks.size() && s.text[open] != "{" && s.text[open] != ";") ++open;
    if (open >= s.toks.size() || s.text[open] != "{") continue;
    const std::size_t end = matching(s, open);
    int depth = 0;
    for (std::size_t m = open + 1; m + 1 < end; ++m) {
      if (s.text[m] == "{") ++depth;
      if (s.text[m] == "}") --depth;
      if (depth == 0 && s.text[m] == "fn" && s.toks[m + 1].kind == Tok::kIdent) out.emplace_back(s.text[m + 1]);
    }
    break;
  }
  return out;
}

namespace {

// One `{ .field = value, ... }` initialiser between the braces at `open`
// and `close`.
CDriverEntry parse_driver_entry(const Sig& s, std::size_t open, std::size_t close) {
  CDriverEntry entry;
  entry.line = s.toks[open].line;
  std::size_t part = open + 1;
  while (part < close) {
    std::size_t p = part;
    int d = 0;
    std::string value;
    for (; p < close; ++p) {
      if (s.text[p] == "(" || s.text[p] == "{" || s.text[p] == "[") ++d;
      if (s.text[p] == ")" || s.text[p] == "}" || s.text[p] == "]") --d;
      if (d == 0 && s.text[p] == ",") break;
    }
    if (p > part) {
      if (s.text[part] == "." && part + 2 < p && s.text[part + 2] == "=") {
        for (std::size_t v = part + 3; v < p; ++v) value += std::string(s.text[v]);
        entry.fields["." + std::string(s.text[part + 1])] = value;
        entry.order.push_back("." + std::string(s.text[part + 1]));
      } else {
        for (std::size_t v = part; v < p; ++v) value += std::string(s.text[v]);
        // PHY_ID_MATCH_EXACT/MODEL/VENDOR() set .phy_id and .phy_id_mask;
        // any other macro may set anything (callbacks too): one "match" key
        // held them all, each overwriting the last (a review, 2026-12-07).
        if (s.text[part].starts_with("PHY_ID_MATCH_")) {
          entry.fields["match"] = value;
          entry.order.push_back("match");
        } else {
          entry.unread_items.push_back(value);
        }
      }
    }
    part = p + 1;
  }
  entry.name = unquote(entry.fields.count(".name") ? entry.fields[".name"] : "");
  return entry;
}

}  // namespace

CDriverTables c_phy_driver_tables(std::string_view src) {
  const auto all = tokenize(src, Lang::kC);
  const Sig s = significant_tokens(src, all);
  CDriverTables out;
  for (std::size_t k = 0; k + 4 < s.toks.size(); ++k) {
    if (s.text[k] != "struct" || s.text[k + 1] != "phy_driver" || s.toks[k + 2].kind != Tok::kIdent) continue;
    // `struct phy_driver NAME = { ... };`: one driver.
    if (s.text[k + 3] == "=" && s.text[k + 4] == "{") {
      const std::size_t end = matching(s, k + 4);
      out.entries.push_back(parse_driver_entry(s, k + 4, end));
      k = end;
      continue;
    }
    // `struct phy_driver NAME[...] = { {...}, ... };`: a table.
    if (s.text[k + 3] != "[") continue;
    std::size_t eq = k + 3;
    while (eq < s.toks.size() && s.text[eq] != "=" && s.text[eq] != ";") ++eq;
    if (eq + 1 >= s.toks.size() || s.text[eq] != "=" || s.text[eq + 1] != "{") continue;
    const std::size_t array_end = matching(s, eq + 1);
    std::size_t item = eq + 2;  // start of the current top-level item
    // Preprocessor lines between items are transparent, but what `#if 0`
    // leaves out (up to its #else or #endif) is no entry: marvell.c keeps
    // three so, which kbuild never compiles. Per nesting level: whether
    // that level's code is compiled out.
    std::vector<bool> dead_levels;
    const auto dead = [&] { return std::find(dead_levels.begin(), dead_levels.end(), true) != dead_levels.end(); };
    // An item that ends before `end` and is not a brace initialiser (a
    // macro): counted, not read.
    auto close_item = [&](std::size_t end) {
      if (end > item && s.text[item] != "{" && !dead()) ++out.unread;
    };
    for (std::size_t e = eq + 2; e < array_end; ++e) {
      if (s.toks[e].kind == Tok::kPreproc) {
        std::string d(s.text[e]);
        d.erase(std::remove_if(d.begin(), d.end(), [](char c) { return c == ' ' || c == '\t'; }), d.end());
        if (d.starts_with("#if"))
          dead_levels.push_back(d == "#if0");
        else if ((d.starts_with("#else") || d.starts_with("#elif")) && !dead_levels.empty())
          dead_levels.back() = d.starts_with("#else") ? !dead_levels.back() : false;
        else if (d.starts_with("#endif") && !dead_levels.empty())
          dead_levels.pop_back();
        if (e == item) ++item;
        continue;
      }
      if (s.text[e] == "{" && e == item) {
        const std::size_t entry_end = matching(s, e);
        if (!dead()) out.entries.push_back(parse_driver_entry(s, e, entry_end));
        e = entry_end;
        continue;
      }
      if (s.text[e] == "(" || s.text[e] == "[" || (s.text[e] == "{" && e != item)) {
        e = matching(s, e);
        continue;
      }
      if (s.text[e] == ",") {
        close_item(e);
        item = e + 1;
      }
    }
    while (item < array_end && s.toks[item].kind == Tok::kPreproc) ++item;
    close_item(array_end);  // the last item, without a trailing comma
    k = array_end;
  }
  return out;
}

std::vector<CDriverEntry> c_phy_driver_table(std::string_view src) { return c_phy_driver_tables(src).entries; }

std::vector<DriverType> rust_driver_impls(std::string_view src) {
  const auto all = tokenize(src, Lang::kRust);
  const Sig s = significant_tokens(src, all);
  std::vector<DriverType> out;
  for (std::size_t k = 0; k < s.toks.size(); ++k) {
    if (s.text[k] != "impl") continue;
    std::size_t b = k;
    bool driver = false;
    while (b < s.toks.size() && s.text[b] != "{" && s.text[b] != ";") {
      if (s.text[b] == "Driver" && b + 1 < s.toks.size() && s.text[b + 1] == "for") driver = true;
      ++b;
    }
    if (!driver || b >= s.toks.size() || s.text[b] != "{") continue;
    DriverType d;
    d.type = impl_self_type(s, k, b);
    d.line = s.toks[k].line;
    const std::size_t end = matching(s, b);
    int depth = 0;
    for (std::size_t j = b + 1; j < end; ++j) {
      if (s.text[j] == "{") ++depth;
      if (s.text[j] == "}") --depth;
      if (depth != 0) continue;
      if (s.text[j] == "fn" && j + 1 < end) d.functions.emplace_back(s.text[j + 1]);
      if (s.text[j] == "NAME")
        for (std::size_t v = j; v < end && s.text[v] != ";"; ++v)
          if (s.toks[v].kind == Tok::kString) d.name = unquote(s.text[v]);
    }
    out.push_back(std::move(d));
    k = end;
  }
  return out;
}

std::vector<DriverType> cxx_driver_structs(std::string_view src) {
  const auto all = tokenize(src, Lang::kCxx);
  const Sig s = significant_tokens(src, all);
  std::vector<DriverType> out;
  for (std::size_t k = 0; k + 2 < s.toks.size(); ++k) {
    if (s.text[k] != "struct" || s.toks[k + 1].kind != Tok::kIdent) continue;
    const std::size_t open = s.text[k + 2] == "final" && k + 3 < s.toks.size() ? k + 3 : k + 2;
    if (s.text[open] != "{") continue;
    DriverType d;
    d.type = std::string(s.text[k + 1]);
    d.line = s.toks[k].line;
    const std::size_t end = matching(s, open);
    // What registers a callback is the driver's `callbacks` declaration
    // (driver.hpp checks it against the members at compile time), not a
    // member function's body: a static helper in the struct is no callback,
    // and a callback defined outside it is one (a review, 2026-12-07).
    std::optional<std::vector<std::string>> declared;
    int depth = 0;
    for (std::size_t j = open + 1; j < end; ++j) {
      if (s.text[j] == "{") ++depth;
      if (s.text[j] == "}") --depth;
      if (depth != 0) continue;
      if (s.text[j] == "name" && j > 0 && s.text[j - 1] == "CStr")
        for (std::size_t v = j; v < end && s.text[v] != ";"; ++v)
          if (s.toks[v].kind == Tok::kString) d.name = unquote(s.text[v]);
      if (s.text[j] == "callbacks" && s.text[j - 1] == "Callbacks" && j + 1 < end && s.text[j + 1] == "=") {
        declared.emplace();
        for (std::size_t v = j + 2; v + 3 < end && s.text[v] != ";"; ++v)
          if (s.text[v] == "Callback" && s.text[v + 1] == ":" && s.text[v + 2] == ":" &&
              s.toks[v + 3].kind == Tok::kIdent)
            declared->emplace_back(s.text[v + 3]);
      }
      if (s.toks[j].kind == Tok::kIdent && j + 1 < end && s.text[j + 1] == "(") {
        const std::size_t close = matching(s, j + 1);
        std::size_t ob = close + 1;
        while (ob < end && s.toks[ob].kind == Tok::kIdent) ++ob;
        if (ob < end && s.text[ob] == "{") {
          d.functions.emplace_back(s.text[j]);
          j = matching(s, ob);
        }
      }
    }
    if (declared) {
      std::vector<std::string> callbacks;
      for (const auto& f : d.functions)
        if (std::find(declared->begin(), declared->end(), f) != declared->end()) callbacks.push_back(f);
      for (const auto& f : *declared)
        if (std::find(callbacks.begin(), callbacks.end(), f) == callbacks.end()) callbacks.push_back(f);
      d.functions = std::move(callbacks);
    }
    if (!d.name.empty()) out.push_back(std::move(d));
    k = end;
  }
  return out;
}

std::vector<std::string> free_functions(std::string_view src, Lang lang) {
  const auto all = tokenize(src, lang);
  const Sig s = significant_tokens(src, all);
  std::vector<std::string> out;
  int depth = 0;
  std::vector<bool> transparent;  // namespace braces do not nest items
  for (std::size_t k = 0; k < s.toks.size(); ++k) {
    const std::string_view w = s.text[k];
    if (w == "{") {
      const bool ns = lang != Lang::kRust && opens_scope_block(s, k);
      transparent.push_back(ns);
      if (!ns) ++depth;
      continue;
    }
    if (w == "}") {
      if (!transparent.empty()) {
        if (!transparent.back()) --depth;
        transparent.pop_back();
      }
      continue;
    }
    if (depth != 0) continue;
    if (lang == Lang::kRust) {
      if (w == "fn" && k + 1 < s.toks.size()) {
        std::size_t b = k;
        while (b < s.toks.size() && s.text[b] != "{" && s.text[b] != ";") ++b;
        if (b < s.toks.size() && s.text[b] == "{") out.emplace_back(s.text[k + 1]);
      }
      continue;
    }
    if (s.toks[k].kind == Tok::kIdent && k + 1 < s.toks.size() && s.text[k + 1] == "(" &&
        !is_keyword(w, lang) && !(k > 0 && s.text[k - 1] == "=")) {
      const std::size_t close = matching(s, k + 1);
      std::size_t ob = close + 1;
      while (ob < s.toks.size() && s.toks[ob].kind == Tok::kIdent) ++ob;
      if (ob < s.toks.size() && s.text[ob] == "{") out.emplace_back(w);
    }
  }
  return out;
}

std::string highlight_html(std::string_view code, Lang lang) {
  const auto toks = tokenize(code, lang);
  std::string out;
  auto escape = [&](std::string_view t) {
    for (char c : t) {
      switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
      }
    }
  };
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    const std::string_view text = code.substr(t.begin, t.end - t.begin);
    const char* cls = nullptr;
    switch (t.kind) {
      case Tok::kComment: cls = "c"; break;
      case Tok::kString:
      case Tok::kChar: cls = "s"; break;
      case Tok::kNumber: cls = "n"; break;
      case Tok::kPreproc: cls = "p"; break;
      case Tok::kLifetime: cls = "l"; break;
      case Tok::kIdent:
        if (is_keyword(text, lang)) cls = "k";
        else if (lang == Lang::kRust && i + 1 < toks.size() && code.substr(toks[i + 1].begin, 1) == "!") cls = "m";
        break;
      default: break;
    }
    if (cls) out += fmt::format("<span class=\"{}\">", cls);
    escape(text);
    if (cls) out += "</span>";
  }
  return out;
}

}  // namespace refdrv::report
