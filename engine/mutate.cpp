// SPDX-License-Identifier: GPL-2.0
#include "engine/mutate.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <optional>
#include <regex>
#include <sstream>
#include <tuple>

#include "base/text.hpp"
#include "engine/check.hpp"
#include "engine/check_report.hpp"
#include "engine/groups.hpp"
#include "kernel/cache.hpp"
#include "kernel/kbuild.hpp"
#include "kernel/process.hpp"

namespace refdrv {

namespace {

// Why a mutant whose object is byte-identical is not scored: unobservable as
// refdrv builds the driver (code an unset #ifdef or a Rust cfg leaves out;
// built in, MODULE_DEVICE_TABLE and the other module metadata compile to
// nothing), which is not to say equivalent as a module (a changed device
// table changes its modalias). An `#if 0` makes no mutant at all.
constexpr const char* kObjectUnchanged =
    "the compiled object is unchanged as refdrv builds it (the change is in code this configuration leaves out, "
    "or in what compiles to nothing built in, such as MODULE_DEVICE_TABLE and module metadata; as a module it may "
    "be observable)";

namespace fs = std::filesystem;

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A preprocessor line's directive ("if" of "#  if 0"), and the rest of it.
std::pair<std::string_view, std::string> directive(std::string_view line) {
  std::size_t k = line.find('#') + 1;
  while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) ++k;
  std::size_t e = k;
  while (e < line.size() && ident_char(line[e])) ++e;
  return {line.substr(k, e - k), trimmed(line.substr(e))};
}

bool if_zero(std::string_view line) {
  const auto [d, rest] = directive(line);
  return d == "if" && (rest == "0" || rest.starts_with("0 ") || rest.starts_with("0\t") || rest.starts_with("0/"));
}

// Where the code an `#if 0` leaves out ends, from the end of that line: the
// start of its #else or #elif (whose branch is code), or the end of its
// #endif's line; nested conditionals are skipped whole.
std::size_t end_of_if_zero(const std::string& s, std::size_t from) {
  int depth = 0;
  for (std::size_t b = from; b < s.size();) {
    const std::size_t start = b + (s[b] == '\n' ? 1 : 0);
    std::size_t e = s.find('\n', start);
    if (e == std::string::npos) e = s.size();
    const std::string_view line = std::string_view(s).substr(start, e - start);
    const std::size_t hash = line.find_first_not_of(" \t");
    if (hash != std::string_view::npos && line[hash] == '#') {
      const std::string_view d = directive(line).first;
      if (d == "if" || d == "ifdef" || d == "ifndef")
        ++depth;
      else if (d == "endif" && depth-- == 0)
        return e;
      else if ((d == "else" || d == "elif" || d == "elifdef" || d == "elifndef") && depth == 0)
        return b;
    }
    b = e;
  }
  return s.size();
}

// Which bytes of `s` are code: not in a comment, a string, a character
// literal, a preprocessor line or what an `#if 0` leaves out (C), or an
// attribute (Rust).
std::vector<bool> code_mask(const std::string& s, MutantLang lang) {
  std::vector<bool> code(s.size(), true);
  auto mask = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < s.size(); ++k) code[k] = false;
  };
  std::size_t i = 0;
  bool line_start = true;
  while (i < s.size()) {
    if (line_start) {
      std::size_t j = i;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
      if (j < s.size() && s[j] == '#') {  // #include/#define (with continuations), #[attr]
        std::size_t e = j;
        while (e < s.size() && !(s[e] == '\n' && s[e - 1] != '\\')) ++e;
        if (lang != MutantLang::kRust && if_zero(std::string_view(s).substr(j, e - j))) e = end_of_if_zero(s, e);
        mask(i, e);
        i = e;
        continue;
      }
    }
    const char c = s[i];
    const char n = i + 1 < s.size() ? s[i + 1] : '\0';
    line_start = c == '\n';
    if (c == '/' && n == '/') {
      const std::size_t e = std::min(s.find('\n', i), s.size());
      mask(i, e);
      i = e;
    } else if (c == '/' && n == '*') {
      int depth = 0;
      std::size_t e = i;
      while (e + 1 < s.size()) {
        if (s[e] == '/' && s[e + 1] == '*') depth += 1, e += 2;
        else if (s[e] == '*' && s[e + 1] == '/') {
          e += 2;
          if (--depth == 0 || lang != MutantLang::kRust) break;
        } else ++e;
      }
      mask(i, e);
      i = e;
    } else if (lang == MutantLang::kRust && c == 'r' && (n == '"' || n == '#') && (i == 0 || !ident_char(s[i - 1]))) {
      std::size_t j = i + 1, hashes = 0;
      while (j < s.size() && s[j] == '#') ++hashes, ++j;
      if (j >= s.size() || s[j] != '"') {
        ++i;
        continue;
      }
      const std::string close = "\"" + std::string(hashes, '#');
      const std::size_t e = std::min(s.find(close, j + 1), s.size()) + close.size();
      mask(i, e);
      i = e;
    } else if (c == '"' || (c == '\'' && (lang != MutantLang::kRust || n == '\\' ||
                                          (i + 2 < s.size() && s[i + 2] == '\'')))) {
      std::size_t e = i + 1;
      while (e < s.size() && s[e] != c) e += s[e] == '\\' ? 2 : 1;
      mask(i, e + 1);
      i = e + 1;
    } else {
      ++i;
    }
  }
  return code;
}

bool all_code(const std::vector<bool>& code, std::size_t pos, std::size_t len) {
  for (std::size_t k = pos; k < pos + len; ++k)
    if (k >= code.size() || !code[k]) return false;
  return true;
}

struct Generator {
  const std::string& src;
  MutantLang lang;
  std::vector<bool> code;
  std::vector<std::size_t> line_starts;  // offset of each line
  std::vector<Mutant> out;

  Generator(const std::string& s, MutantLang l) : src(s), lang(l), code(code_mask(s, l)) {
    line_starts.push_back(0);
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s[i] == '\n') line_starts.push_back(i + 1);
  }

  std::size_t line_of(std::size_t pos) const {
    return static_cast<std::size_t>(std::upper_bound(line_starts.begin(), line_starts.end(), pos) -
                                    line_starts.begin());
  }
  std::string_view line_text(std::size_t line) const {  // 1-based, without '\n'
    const std::size_t b = line_starts[line - 1];
    const std::size_t e = line < line_starts.size() ? line_starts[line] - 1 : src.size();
    return std::string_view(src).substr(b, e - b);
  }
  // The line's code only (comments blanked), for line-shaped operators.
  std::string line_code(std::size_t line) const {
    std::string t(line_text(line));
    const std::size_t b = line_starts[line - 1];
    for (std::size_t k = 0; k < t.size(); ++k)
      if (!code[b + k]) t[k] = ' ';
    return t;
  }

  // The function whose body holds `line`, "" outside one. C (kernel style):
  // the body opens with `{` at column 0 under the line naming the function.
  std::string enclosing_c_function(std::size_t line) const {
    static const std::regex head(R"(\b([a-z_][a-z0-9_]*)\()");
    for (std::size_t l = line; l >= 2; --l) {
      const std::string c = line_code(l);
      if (l != line && c.rfind('}', 0) == 0) return "";
      if (c.rfind('{', 0) != 0) continue;
      std::smatch m;
      const std::string prev = line_code(l - 1);
      return std::regex_search(prev, m, head) ? m[1].str() : "";
    }
    return "";
  }
  // C++ (refdrv's style): the last function head at or above it, a line
  // that opens the body (`static Result<> suspend(Device& dev) {`); a line
  // that closes at a shallower indentation first ends the search.
  std::string enclosing_cxx_function(std::size_t line) const {
    static const std::regex head(R"(^(\s*)[A-Za-z_][A-Za-z0-9_:<>, ]* ([a-z_][a-z0-9_]*)\(.*\)\s*(const\s*)?(noexcept\s*)?\{)");
    for (std::size_t l = line; l >= 1; --l) {
      const std::string c = line_code(l);
      std::smatch m;
      if (std::regex_search(c, m, head) && c.find(" = ") == std::string::npos) return m[2].str();
      if (l != line && c.rfind('}', 0) == 0) return "";
    }
    return "";
  }
  // Rust: the last `fn name(` at or above it that is not closed before it at
  // column 0 or 4 (rustfmt's items).
  std::string enclosing_fn(std::size_t line) const {
    static const std::regex fn_head(R"(^\s*(pub(\([a-z]+\))? )?(unsafe )?(extern "C" )?fn ([a-z_][a-z0-9_]*)\b)");
    static const std::regex item_end(R"(^( {4})?\}\s*$)");
    for (std::size_t l = line; l >= 1; --l) {
      const std::string c = line_code(l);
      std::smatch m;
      if (std::regex_search(c, m, fn_head)) return m[5].str();
      if (l != line && std::regex_match(c, item_end)) return "";
    }
    return "";
  }

  // Replaces [pos, pos+len) with `with`.
  void replace(const std::string& op, std::size_t pos, std::size_t len, const std::string& with) {
    Mutant m;
    m.op = op;
    m.line = line_of(pos);
    m.function = lang == MutantLang::kC ? enclosing_c_function(m.line)
                 : lang == MutantLang::kCxx ? enclosing_cxx_function(m.line) : "";
    if (lang == MutantLang::kRust) {
      m.function = enclosing_fn(m.line);
      m.ok_value = pos >= 3 && src.compare(pos - 3, 3, "Ok(") == 0 && src.compare(pos + len, 1, ")") == 0;
    }
    if (lang == MutantLang::kCxx)  // `return 0;` of a function returning Result<T>: its value
      m.ok_value = pos >= 7 && src.compare(pos - 7, 7, "return ") == 0 && src.compare(pos + len, 1, ";") == 0;
    m.source = src;
    m.source.replace(pos, len, with);
    m.before = trimmed(line_text(m.line));
    const std::size_t b = line_starts[m.line - 1];
    const std::size_t e = m.source.find('\n', b);
    m.after = trimmed(std::string_view(m.source).substr(b, (e == std::string::npos ? m.source.size() : e) - b));
    out.push_back(std::move(m));
  }
  // Empties lines [first, last] (1-based), keeping the line count.
  void delete_lines(const std::string& op, std::size_t first, std::size_t last) {
    Mutant m;
    m.op = op;
    m.line = first;
    m.function = lang == MutantLang::kC ? enclosing_c_function(first)
                 : lang == MutantLang::kCxx ? enclosing_cxx_function(first) : enclosing_fn(first);
    std::string before;
    for (std::size_t l = first; l <= last; ++l) before += (before.empty() ? "" : " ") + trimmed(line_text(l));
    m.before = before;
    const std::size_t b = line_starts[first - 1];
    const std::size_t e = last < line_starts.size() ? line_starts[last] - 1 : src.size();
    m.source = src.substr(0, b) + std::string(last - first, '\n') + src.substr(e);
    out.push_back(std::move(m));
  }

  void binary_operators() {
    static const std::vector<std::pair<std::string, std::string>> kOps = {
        {" == ", " != "}, {" != ", " == "}, {" <= ", " < "}, {" >= ", " > "},
        {" < ", " <= "},  {" > ", " >= "},  {" && ", " || "}, {" || ", " && "},
    };
    for (const auto& [from, to] : kOps)
      for (std::size_t p = src.find(from); p != std::string::npos; p = src.find(from, p + 1))
        if (all_code(code, p, from.size()))
          replace(from == " && " || from == " || " ? "logical" : "relational", p, from.size(), to);
  }

  // Whether a condition is one == or != comparison, outside any
  // parentheses, and nothing else joined to it: its negation is the
  // operator's mutant (`!(a == b)` is `a != b`), one change of meaning.
  // (In C and C++, == binds tighter than &, | and ^: `a & b == c` is
  // `a & (b == c)`, whose negation is not the operator's mutant; in Rust it
  // is `(a & b) == c`, and is.)
  bool one_equality(std::string_view cond) const {
    int depth = 0, equalities = 0;
    for (std::size_t i = 0; i < cond.size(); ++i) {
      const char ch = cond[i];
      if (ch == '(' || ch == '[') ++depth;
      if (ch == ')' || ch == ']') --depth;
      if (depth != 0) continue;
      const std::string_view rest = cond.substr(i);
      if (rest.starts_with(" == ") || rest.starts_with(" != ")) ++equalities;
      if (rest.starts_with(" && ") || rest.starts_with(" || ") || rest.starts_with(" ? ")) return false;
      if (lang != MutantLang::kRust && (rest.starts_with(" & ") || rest.starts_with(" | ") || rest.starts_with(" ^ ")))
        return false;
    }
    return equalities == 1;
  }

  void negated_conditions() {
    for (std::size_t p = src.find("if "); p != std::string::npos; p = src.find("if ", p + 1)) {
      if ((p > 0 && ident_char(src[p - 1])) || !all_code(code, p, 3)) continue;
      if (lang != MutantLang::kRust) {
        if (p + 3 >= src.size() || src[p + 3] != '(') continue;
        int depth = 0;
        std::size_t e = p + 3;
        for (; e < src.size(); ++e) {
          if (!code[e]) continue;
          if (src[e] == '(') ++depth;
          if (src[e] == ')' && --depth == 0) break;
        }
        if (e >= src.size()) continue;
        const std::string cond = src.substr(p + 4, e - p - 4);
        if (one_equality(cond)) continue;
        replace("negated condition", p, e + 1 - p, "if (!(" + cond + "))");
      } else {
        if (src.compare(p + 3, 4, "let ") == 0) continue;
        // The condition ends at the first `{` outside parentheses and
        // brackets (Rust allows no struct literal there): the last ` {` of
        // the line took `a { 1 } else` of `let x = if a { 1 } else { 2 };`
        // for the condition.
        int depth = 0;
        std::size_t brace = p + 3;
        for (; brace < src.size(); ++brace) {
          if (!code[brace]) continue;
          const char ch = src[brace];
          if (ch == '(' || ch == '[')
            ++depth;
          else if (ch == ')' || ch == ']')
            --depth;
          else if ((ch == '{' && depth == 0) || ch == ';' || depth < 0)
            break;
        }
        if (brace >= src.size() || src[brace] != '{') continue;
        std::size_t end = brace;
        while (end > p + 3 && (src[end - 1] == ' ' || src[end - 1] == '\n' || src[end - 1] == '\t')) --end;
        if (end <= p + 3) continue;
        const std::string cond = src.substr(p + 3, end - p - 3);
        if (one_equality(cond)) continue;
        replace("negated condition", p, end - p, "if !(" + cond + ")");
      }
    }
  }

  void constants() {
    static const std::regex number(R"((0x[0-9a-fA-F]+|[0-9]+))");
    for (auto it = std::sregex_iterator(src.begin(), src.end(), number); it != std::sregex_iterator(); ++it) {
      const std::size_t p = static_cast<std::size_t>(it->position());
      const std::string lit = it->str();
      if ((p > 0 && (ident_char(src[p - 1]) || src[p - 1] == '.')) ||
          (p + lit.size() < src.size() && (ident_char(src[p + lit.size()]) || src[p + lit.size()] == '.')))
        continue;
      if (!all_code(code, p, lit.size())) continue;
      const bool hex = lit.rfind("0x", 0) == 0;
      // A literal wider than 64 bits (a Rust u128, a long hex constant) has
      // no mutant here: std::stoull threw on it and ended refdrv.
      unsigned long long v = 0;
      const char* first = lit.data() + (hex ? 2 : 0);
      const auto [end, ec] = std::from_chars(first, lit.data() + lit.size(), v, hex ? 16 : 10);
      if (ec != std::errc() || end != lit.data() + lit.size() || v > ~0ULL - 0x10) continue;
      // A PHY ID matched under the model mask (Rust's DeviceId::new_with_model_mask,
      // 0xfffffff0) ignores its revision nibble: off by one in the model number.
      static const std::string kModelMask = "new_with_model_mask(";
      const bool model_id = p >= kModelMask.size() && src.compare(p - kModelMask.size(), kModelMask.size(), kModelMask) == 0;
      // On integers `x < N + 1` is `x <= N`, `x >= N + 1` is `x > N`, and
      // `N + 1 > x` and `N + 1 <= x` are `N >= x` and `N < x`: the relational
      // operator's mutant, so one change of meaning was scored twice.
      // Only where the literal is that whole operand: the comparison's
      // other side ends (or starts) right at it (x < 4 * y and x - 1 > y
      // are other changes).
      const std::string_view text(src);
      const auto operand_ends = [&](std::size_t at) {
        const std::size_t q = text.find_first_not_of(" \t", at);
        if (q == std::string_view::npos) return true;
        const std::string_view rest = text.substr(q);
        return std::string_view(")];,?:{\n").find(rest.front()) != std::string_view::npos || rest.starts_with("&&") ||
               rest.starts_with("||");
      };
      const auto operand_starts = [&](std::size_t at) {  // `at`: just past the character before the literal
        std::size_t q = at;
        while (q > 0 && (text[q - 1] == ' ' || text[q - 1] == '\t')) --q;
        if (q == 0) return true;
        const char c = text[q - 1];
        return std::string_view("([,;{?:=!\n").find(c) != std::string_view::npos ||
               (q >= 2 && (text.substr(q - 2, 2) == "&&" || text.substr(q - 2, 2) == "||"));
      };
      const auto before = [&](std::string_view op) {
        return p >= op.size() && text.substr(p - op.size(), op.size()) == op && operand_ends(p + lit.size());
      };
      const auto after = [&](std::string_view op) {
        return text.substr(p + lit.size(), op.size()) == op && operand_starts(p);
      };
      if (before(" < ") || before(" >= ") || after(" > ") || after(" <= ")) continue;
      // C's and C++'s leading 0 is octal (Rust's is decimal: 0o is octal).
      const bool octal = !hex && lang != MutantLang::kRust && lit.size() > 1 && lit[0] == '0';
      if (octal) {
        const auto [oend, oec] = std::from_chars(lit.data() + 1, lit.data() + lit.size(), v, 8);
        if (oec != std::errc() || oend != lit.data() + lit.size()) continue;
      }
      const unsigned long long to = v + (model_id ? 0x10 : 1);
      // The literal as written, one more: its digits' count and case kept
      // (0x003b1861 -> 0x003b1862, not 0x3b1862).
      const bool upper = hex && std::any_of(lit.begin() + 2, lit.end(), [](char ch) { return ch >= 'A' && ch <= 'F'; });
      const int width = hex ? static_cast<int>(lit.size()) - 2 : 0;
      replace("constant", p, lit.size(),
              hex     ? (upper ? fmt::format("0x{:0{}X}", to, width) : fmt::format("0x{:0{}x}", to, width))
              : octal ? fmt::format("0{:o}", to)
                      : std::to_string(to));
    }
  }

  void errnos() {
    if (lang == MutantLang::kCxx) return;  // refdrv's C++ drivers name no errno
    const std::regex err(lang == MutantLang::kC ? R"(-E[A-Z0-9]+\b)" : R"(code::E[A-Z0-9]+\b)");
    for (auto it = std::sregex_iterator(src.begin(), src.end(), err); it != std::sregex_iterator(); ++it) {
      const std::size_t p = static_cast<std::size_t>(it->position());
      if (!all_code(code, p, it->length())) continue;
      const std::string prefix = lang == MutantLang::kC ? "-" : "code::";
      const std::string name = it->str().substr(prefix.size());
      replace("errno", p, it->length(), prefix + (name == "EINVAL" ? "EIO" : "EINVAL"));
    }
    if (lang != MutantLang::kC) return;
    // `return ret;` under an `if`: the error a callback passes on.
    static const std::regex ret(R"(^(\s*)return ([a-z_][a-z0-9_]*);\s*$)");
    static const std::regex cond(R"(^\s*if \()");
    for (std::size_t l = 2; l <= line_starts.size(); ++l) {
      const std::string c = line_code(l);
      std::smatch m;
      if (!std::regex_match(c, m, ret) || !std::regex_search(line_code(l - 1), cond)) continue;
      replace("errno", line_starts[l - 1] + m.position(2), m.length(2), "-EINVAL");
    }
  }

  void line_operators() {
    static const std::regex c_check(R"(^\s*if \(([a-z_][a-z0-9_]*)( < 0)?\)\s*$)");
    static const std::regex c_call(R"(^\s*[a-z_][a-z0-9_]*\(.*\);\s*$)");
    static const std::regex c_init(R"(^\s*\.[a-z_][a-z0-9_]*\s*=.*,\s*$)");
    static const std::regex c_field_store(R"(^\s*[a-z_][a-z0-9_]*(->|\.)[a-z_][a-z0-9_]*\s*=[^=].*;\s*$)");
    // An unbraced if, else if, else (after a closing brace too) or loop.
    static const std::regex c_unbraced(R"(^\s*(\}\s*)?((else\s+)?(if|for|while)\b.*\)|else)\s*$)");
    static const std::regex rust_call(R"(^\s*[a-z_][a-z0-9_]*(\.|::)[a-z_][a-z0-9_.:]*\(.*\);\s*$)");
    static const std::regex rust_try(R"(^(\s*)(.+)\?;\s*$)");
    static const std::regex rust_const(R"(^\s*const [A-Z_][A-Z0-9_]*\s*:.*;\s*$)");
    static const std::regex cxx_try(R"(^(\s*)TRY\((.*)\);\s*$)");
    static const std::regex cxx_ignored(R"(^\s*std::ignore = .*;\s*$)");
    static const std::regex cxx_const(R"(^\s*static constexpr [A-Za-z_:<>]+ [a-z_][a-z0-9_]* = .*;\s*$)");
    // `if (cond) call();` on one line: the call, its body, becomes `{}`.
    static const std::regex cxx_if_call(R"(^\s*if \(.*\) ([a-z_][a-z0-9_]*(\.|::)[a-z_][a-z0-9_.:]*\(.*\);)\s*$)");
    static const std::regex rust_ignored(R"(^\s*let _ = .*;\s*$)");
    for (std::size_t l = 1; l <= line_starts.size(); ++l) {
      const std::string c = line_code(l);
      std::smatch m;
      if (lang == MutantLang::kCxx) {
        // TRY(call); ignored (std::ignore, as the drivers write it), then gone.
        if (std::regex_match(c, m, cxx_try)) {
          replace("dropped error check", line_starts[l - 1], c.size(), m[1].str() + "std::ignore = " + m[2].str() + ";");
          delete_lines("deleted statement", l, l);
        } else if (std::regex_match(c, rust_call) || std::regex_match(c, cxx_ignored)) {
          delete_lines("deleted statement", l, l);
        } else if (std::regex_match(c, m, cxx_if_call)) {
          replace("deleted statement", line_starts[l - 1] + m.position(1), m.length(1), "{}");
        }
        if (std::regex_match(c, cxx_const)) delete_lines("removed initialiser", l, l);
        continue;
      }
      if (lang == MutantLang::kC) {
        if (std::regex_match(c, m, c_check) && l < line_starts.size()) {
          const std::string next = trimmed(line_code(l + 1));
          if (next == "return " + m[1].str() + ";") delete_lines("dropped error check", l, l + 1);
        }
        // A call, or a store to a field (`phydev->speed = SPEED_10;`, what a
        // Rust driver does with a call: dev.set_speed()).
        if ((std::regex_match(c, c_call) || std::regex_match(c, c_field_store)) && trimmed(c).rfind("return", 0) != 0) {
          // The only statement under an unbraced if/else/loop becomes an
          // empty one: deleting the line would hand the body to the next.
          if (l > 1 && std::regex_search(line_code(l - 1), c_unbraced))
            replace("deleted statement", line_starts[l - 1], c.size(), std::string(c.substr(0, c.find_first_not_of(" \t"))) + ";");
          else
            delete_lines("deleted statement", l, l);
        }
        if (std::regex_match(c, c_init)) delete_lines("removed initialiser", l, l);
      } else {
        // A statement that ends on this line with `?;` starts where its
        // parentheses balance: rustfmt breaks a long call's arguments over
        // lines, and its last line alone (`)?;`) became `let _ = );`.
        if (std::regex_match(c, rust_try)) {
          std::size_t first = l;
          int balance = 0;
          for (;; --first) {
            for (const char ch : line_code(first)) balance += ch == '(' ? 1 : ch == ')' ? -1 : 0;
            if (balance >= 0 || first == 1) break;
          }
          if (balance == 0) {  // else not a statement this can read
            const std::size_t b = line_starts[first - 1];
            const std::size_t indent = line_code(first).find_first_not_of(" \t");
            const std::size_t e = line_starts[l - 1] + c.size();
            std::string stmt = src.substr(b + indent, e - b - indent);
            stmt = trimmed(stmt.substr(0, stmt.rfind("?;")));
            if (stmt.rfind("let ", 0) != 0 && stmt.rfind("return", 0) != 0) {
              // The error ignored, then the call gone altogether.
              replace("dropped error check", b + indent, e - b - indent, "let _ = " + stmt + ";");
              delete_lines("deleted statement", first, l);
            }
          }
        }
        // A call made for its effect (`dev.set_speed(...);`), or one whose
        // result is dropped (`let _ = dev.init_hw();`, as C's and C++'s
        // are deleted): gone.
        if (std::regex_match(c, rust_call) || std::regex_match(c, rust_ignored))
          delete_lines("deleted statement", l, l);
        if (std::regex_match(c, rust_const)) delete_lines("removed initialiser", l, l);
      }
    }
  }
};

// The group whose drivers refdrv mutate changes: the reference group.
const DriverGroup& mutated_group() { return reference_group(); }

std::string short_text(std::string s, std::size_t max) {
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

// The first row that fails or diverges, in words.
// Why mutation testing cannot go on when the suite fails on the unmutated
// drivers: every mutant would be "killed" by a failure already there.
std::string unmutated_fails(const std::string& why) {
  return fmt::format("the suite does not pass on the unmutated drivers ({}): every mutant would be called killed by a "
                     "failure that is already there. Make `refdrv check` pass with the same options first",
                     why);
}

// A worker that died of SIGKILL was killed from outside the run: refdrv
// kills a hung worker itself and calls that a hang, and nothing a driver
// does raises SIGKILL, but the machine's out-of-memory killer sends it. It
// was a "crash" that killed the mutant (a review, 2026-12-07).
bool killed_from_outside(const std::string& text) {
  return text.find("crash: the process died with signal 9 (") != std::string::npos;
}

// A stop that says nothing of the mutant: a kernel function refdrv does
// not emulate, a worker killed from outside.
bool stop_is_no_verdict(const std::string& stop) {
  return !unemulated_function_in(stop).empty() || killed_from_outside(stop);
}

struct Kill {
  std::string by, kind;
  std::vector<std::string> quirks;  // acted in the runs it rests on
  // False where the failure is of an implementation that was not mutated:
  // its runs passed unmutated and its drivers are not the mutant's, so what
  // failed them was load or the harness (a wall-clock hang, a worker that
  // died), not the mutant: not scored. `unscored_why` says why, after `by`
  // (not on the unmutated drivers' check, where no mutant exists).
  bool scored = true;
  std::string unscored_why;
};

void add_quirks(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& q : from)
    if (std::find(to.begin(), to.end(), q) == to.end()) to.push_back(q);
}

void killed_or_undecided(MutantResult& res, Kill k) {
  if (!k.scored) {
    res.status = MutantResult::Status::kUndecided;
    res.by = k.by + k.unscored_why + ": not scored";
    return;
  }
  auto [status, said] = failure_verdict(std::move(k.by));
  res.status = status;
  res.by = std::move(said);
  if (status == MutantResult::Status::kKilled) {
    res.kind = std::move(k.kind);
    res.model_quirks = std::move(k.quirks);
  }
}

// What a failed run failed by, as one word: the expectation kill_of_json()
// names (one before a stop at a function refdrv does not emulate too), else
// a stop (a crash, a hang, an oops), else a leak at teardown.
const char* failure_kind(bool stopped, bool expectation_named) {
  return expectation_named ? "expectation" : stopped ? "stop" : "leak";
}

// The object's code and data without debug information: equal bytes mean
// the mutant compiled to the same thing.
std::optional<std::string> stripped(const fs::path& obj, const fs::path& tmp) {
  const fs::path log = tmp.string() + ".log";
  auto st = kernel::run({{"objcopy", "--strip-debug", "--remove-section=.comment", obj.string(), tmp.string()},
                         {}, log, {}});
  if (!st || *st != 0) return std::nullopt;
  auto bytes = kernel::read_file(tmp);
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::remove(log, ec);
  if (!bytes) return std::nullopt;
  return *bytes;
}

// The verdict for a mutant whose only change is a value that `discarded`
// (a trait method -> where the abstraction throws its value away) covers:
// equivalent, nothing to build. `why` words it from the method and where.
std::optional<MutantResult> dropped_value(const Mutant& m, const std::map<std::string, std::string>& discarded,
                                          std::string (*why)(const std::string& fn, const std::string& where)) {
  const auto d = discarded.find(m.function);
  if (!m.ok_value || d == discarded.end()) return std::nullopt;
  return MutantResult{m, MutantResult::Status::kEquivalent, why(m.function, d->second)};
}

// One verdict more, reported as it comes.
void record(MutationReport& rep, MutantResult res, const MutateOptions& opt, std::size_t total) {
  rep.results.push_back(std::move(res));
  if (opt.on_result) opt.on_result(rep.results.back(), rep.results.size(), total);
}

}  // namespace

std::map<std::string, std::string> discarded_rust_values(const std::string& abstraction, const std::string& where) {
  static const std::regex call(R"(^\s*T::([a-z_][a-z0-9_]*)\(dev\)\?;\s*$)");
  std::map<std::string, std::string> out;
  std::istringstream in(abstraction);
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    std::smatch m;
    if (std::regex_match(line, m, call)) out.emplace(m[1].str(), fmt::format("{}:{}", where, n));
  }
  return out;
}

std::map<std::string, std::string> discarded_cxx_values(const std::string& adapter, const std::string& callbacks,
                                                        const std::string& where) {
  // In the adapter, per callback shape:
  //   struct Forward<F, Signature::STATUS> {
  //     ... const Result<std::uint16_t> r = F(dev);
  //         return r ? 0 : r.error().to_errno();
  // then every callback of that shape in the callbacks table
  // (X(read_status, STATUS, foreign, cxx, locked) with cxx 1) drops its value.
  static const std::regex shape_start(R"(^\s*struct Forward<F, Signature::([A-Z_]+)> \{\s*$)");
  static const std::regex call(R"(^\s*const Result<[^>]*> ([a-z_]+) = F\(dev\);\s*$)");
  static const std::regex row(R"(X\(([a-z_][a-z0-9_]*),\s*([A-Z_]+),\s*[01],\s*1,)");
  std::map<std::string, std::string> dropped_shapes;  // shape -> where
  std::istringstream in(adapter);
  std::string line, shape, pending_var;
  std::size_t pending_line = 0;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    std::smatch m;
    if (std::regex_match(line, m, shape_start)) {
      shape = m[1].str();
      pending_var.clear();
      continue;
    }
    if (!shape.empty() && std::regex_match(line, m, call)) {
      pending_var = m[1].str();
      pending_line = n;
      continue;
    }
    if (!pending_var.empty() && std::regex_match(line, std::regex("^\\s*return " + pending_var + " \\? 0 : .*;\\s*$")))
      dropped_shapes.emplace(shape, fmt::format("{}:{}", where, pending_line));
    pending_var.clear();
  }
  std::map<std::string, std::string> out;
  for (auto it = std::sregex_iterator(callbacks.begin(), callbacks.end(), row); it != std::sregex_iterator(); ++it)
    if (const auto d = dropped_shapes.find((*it)[2].str()); d != dropped_shapes.end())
      out.emplace((*it)[1].str(), d->second);
  return out;
}

std::vector<Mutant> generate_mutants(const std::string& source, MutantLang lang) {
  Generator g(source, lang);
  g.binary_operators();
  g.negated_conditions();
  g.constants();
  g.errnos();
  g.line_operators();
  // In source order, operators in the order above within a line (std::sort
  // on (line, generation order): libstdc++'s stable_sort uses an API clang
  // warns about as deprecated).
  for (std::size_t i = 0; i < g.out.size(); ++i) g.out[i].id = i;
  std::sort(g.out.begin(), g.out.end(),
            [](const Mutant& a, const Mutant& b) { return std::tie(a.line, a.id) < std::tie(b.line, b.id); });
  // The same text from two operators is one mutant.
  std::vector<Mutant> unique;
  for (auto& m : g.out)
    if (m.source != source && std::none_of(unique.begin(), unique.end(), [&](const Mutant& u) { return u.source == m.source; }))
      unique.push_back(std::move(m));
  for (std::size_t i = 0; i < unique.size(); ++i) unique[i].id = i + 1;
  return unique;
}

std::pair<MutantResult::Status, std::string> failure_verdict(std::string first_failure) {
  if (killed_from_outside(first_failure))
    return {MutantResult::Status::kUndecided,
            "a worker was killed from outside the run (" + first_failure +
                "; SIGKILL is what the machine's out-of-memory killer sends): not scored"};
  if (unemulated_function_in(first_failure).empty()) return {MutantResult::Status::kKilled, std::move(first_failure)};
  return {MutantResult::Status::kUndecided,
          "refdrv does not emulate a kernel function it called (" + first_failure + "): not scored"};
}

const char* mutant_status_name(MutantResult::Status s) {
  switch (s) {
    case MutantResult::Status::kKilled: return "killed";
    case MutantResult::Status::kSurvived: return "survived";
    case MutantResult::Status::kEquivalent: return "equivalent";
    case MutantResult::Status::kStillborn: return "stillborn";
    case MutantResult::Status::kUndecided:
      return "undecided";
  }
  return "?";
}

std::size_t MutationReport::count(MutantResult::Status s) const {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [&](const MutantResult& r) { return r.status == s; }));
}

std::optional<double> MutationReport::score() const {
  const std::size_t killed = count(MutantResult::Status::kKilled);
  const std::size_t scored = killed + count(MutantResult::Status::kSurvived);
  if (!scored) return std::nullopt;
  return 100.0 * static_cast<double>(killed) / static_cast<double>(scored);
}

Result<std::string> mutation_source(const Environment& env, Impl impl) {
  if (impl == Impl::kCxx) {
    // refdrv's own driver: rebuilt into a second refdrv, from refdrv's source.
    const auto* module = cxx_module_of(env, mutated_group());
    if (!module) return fail(fmt::format("refdrv has no C++ driver for CONFIG_{}", mutated_group().kconfig));
    const std::string rel = module->info.source.c_str();
    const fs::path root = kernel::data_dir();
    if (!fs::exists(root / "CMakeLists.txt") || !fs::exists(root / rel))
      return fail(fmt::format("--impl cxx rebuilds refdrv with each mutant of its C++ driver, which needs refdrv's "
                              "source tree; {} has no {} (set REFDRV_DATA_DIR to a refdrv checkout)",
                              root.string(), rel));
    return rel;
  }
  if (impl != Impl::kC && impl != Impl::kRust) return fail("refdrv mutate mutates a C, Rust or C++ driver (--impl c|rust|cxx)");
  const kernel::GroupSources src = kernel::sources_of(env.tree(), mutated_group());
  const std::string rel = impl == Impl::kC ? src.c_source : src.rust_source;
  if (rel.empty())
    return fail(fmt::format("Linux {} has no {} driver for CONFIG_{}", env.tree().version, impl_title(impl),
                            mutated_group().kconfig));
  if (!kernel::object_built_from(env.built(), rel))
    return fail(fmt::format("Linux {} has no {} built into the kernel side{}", env.tree().version, rel,
                            impl == Impl::kRust && !env.built().rust_note.empty() ? ": " + env.built().rust_note : ""));
  return rel;
}

namespace {

// The first thing a refdrv check --json report of a mutant of `mutated`'s
// driver says failed or diverged, by check's rules: a run's failure other
// than a stop at refdrv's gap, a divergence before such a stop (a finding,
// as check has it), the registration; else the gap (undecided), else another
// implementation's or another group's failure (not scored).
Kill kill_of_json(const nlohmann::json& j, Impl mutated) {
  const auto quirks_of = [](const nlohmann::json& run) {
    std::vector<std::string> q;
    for (const auto& n : run.value("quirks_acted", nlohmann::json::array()))
      if (n.is_string()) q.push_back(n.get<std::string>());
    return q;
  };
  const std::string mutated_name(impl_name(mutated));
  std::optional<Kill> gap, other;
  for (const auto& row : j.value("results", nlohmann::json::array())) {
    const std::string where = fmt::format("{} on {}", row.value("scenario", "?"), row.value("model", "?"));
    const auto runs = row.value("runs", nlohmann::json::array());
    // A row of another driver group's model (the second refdrv's check
    // runs the whole suite: the QT2025 too) has no driver the mutant
    // changed: what failed there says nothing of it (a review, 2026-12-07).
    if (const DriverGroup* g = group_of_model(row.value("model", "")); g && g != &mutated_group()) {
      if (!other && (!row.value("divergences", nlohmann::json::array()).empty() ||
                     std::any_of(runs.begin(), runs.end(), [](const auto& run) { return !run.value("passed", true); })))
        other = Kill{fmt::format("{}: failed or diverged", where),
                     "",
                     {},
                     false,
                     fmt::format(", a model of another driver group than the mutant's (CONFIG_{}), so this says "
                                 "nothing of the mutant",
                                 g->kconfig)};
      continue;
    }
    // The step (0-based) a run stopped in at a kernel function refdrv does
    // not emulate, its first failed expectation not before that step
    // (stub_stop_step()), by implementation, whichever was mutated.
    std::map<std::string, std::size_t> gap_step;
    for (const auto& run : runs) {
      if (!run.contains("stop") || !run["stop"].is_string() ||
          unemulated_function_in(run["stop"].get<std::string>()).empty())
        continue;
      const auto steps_run = run.value("steps_run", std::size_t{0});
      const auto expectations = run.value("expectations", nlohmann::json::array());
      const auto first_failed =
          std::find_if(expectations.begin(), expectations.end(), [](const auto& e) { return !e.value("ok", true); });
      if (first_failed == expectations.end() || first_failed->value("step", steps_run) + 1 >= steps_run)
        gap_step[run.value("implementation", "")] = steps_run ? steps_run - 1 : 0;
    }
    for (const auto& run : runs)
      if (!run.value("passed", true)) {
        const std::string impl = run.value("implementation", "");
        std::string why = run.contains("stop") && run["stop"].is_string() ? "stopped: " + run["stop"].get<std::string>() : "";
        const bool stopped = !why.empty();
        // An expectation that failed before a stop at an unemulated
        // function is what killed the mutant.
        const bool no_verdict_stop = stop_is_no_verdict(why);
        const auto steps_run = run.value("steps_run", std::size_t{0});
        const auto expectations = run.value("expectations", nlohmann::json::array());
        bool expectation = false;
        for (const auto& e : expectations)
          if (!e.value("ok", true) &&
              (why.empty() || (no_verdict_stop && e.value("step", steps_run) + 1 < steps_run))) {
            why = e.value("where", "") + ": " + e.value("message", "");
            expectation = true;
            break;
          }
        if (why.empty() && run.value("leaked_bytes", 0) > 0)
          why = fmt::format("teardown leaked {} bytes", run.value("leaked_bytes", 0));
        Kill k{fmt::format("{}: {} fails ({})", where, impl_title(impl_from(impl).value_or(Impl::kNone)),
                           short_text(why, 120)),
               failure_kind(stopped, expectation), quirks_of(run)};
        if (impl != mutated_name) {
          k.scored = false;
          k.unscored_why = fmt::format(
              ": {} was not mutated (it passed unmutated, and the mutant is not its driver: load or "
              "the harness), so this says nothing of the mutant",
              impl_title(impl_from(impl).value_or(Impl::kNone)));
          if (!other) other = std::move(k);
        } else if (no_verdict_stop && !expectation) {
          if (!gap) gap = std::move(k);
        } else {
          return k;
        }
      }
    for (const auto& d : row.value("divergences", nlohmann::json::array())) {
      const std::string a = d.value("against", ""), b = d.value("implementation", "");
      if (a != mutated_name && b != mutated_name) continue;
      // After the earlier of the two runs' stops at refdrv's gap, the stop's
      // doing, not the code's (diverged_before_stub()).
      const std::size_t step = d.value("step", std::size_t{1}) - 1;
      const auto stop_a = gap_step.find(a), stop_b = gap_step.find(b);
      if ((stop_a != gap_step.end() && step >= stop_a->second) || (stop_b != gap_step.end() && step >= stop_b->second))
        continue;
      Kill k{fmt::format("{}: {} and {} differ ({})", where, impl_title(impl_from(a).value_or(Impl::kNone)),
                         impl_title(impl_from(b).value_or(Impl::kNone)), d.value("level_name", "?")),
             "divergence",
             {}};
      // The two runs compared.
      for (const auto& run : runs)
        if (const std::string i = run.value("implementation", ""); i == a || i == b)
          add_quirks(k.quirks, quirks_of(run));
      return k;
    }
  }
  const auto reg = j.value("registration", nlohmann::json::object()).value("differences", nlohmann::json::array());
  if (!reg.empty() && reg.front().is_string())
    return {"the drivers' registration differs (" + short_text(reg.front().get<std::string>(), 160) + ")",
            "registration",
            {}};
  if (gap) return *gap;
  if (other) return *other;
  if (const int code = j.value("exit_code", 1); code != 1)
    return {fmt::format("check gave no verdict (exit status {})", code), "", {}, false};
  return {"check exited 1", "", {}};
}

std::string killed_by_json(const nlohmann::json& j, Impl mutated) { return kill_of_json(j, mutated).by; }

}  // namespace

void judge_mutant_json(MutantResult& res, const nlohmann::json& check, Impl mutated) {
  killed_or_undecided(res, kill_of_json(check, mutated));
}

// In process, through the same JSON as a second refdrv's check writes: one
// set of rules for both (the two copies had drifted: a stop at refdrv's gap
// of the implementation not mutated bounded a divergence in one only).
void judge_mutant(MutantResult& res, const CheckReport& rep, Impl mutated) {
  judge_mutant_json(res, check_report_json(rep), mutated);
}

bool names_an_error_in(const std::string& message, const fs::path& file) {
  std::string text = message;
  static const std::regex log_path(R"(Last lines of ([^\n]+):\n)");
  if (std::smatch m; std::regex_search(message, m, log_path)) text += "\n" + kernel::read_file(m[1].str()).value_or("");
  // As the compiler was given it: absolute (a relative cache directory
  // printed another path than the one asked about).
  const std::string f = fs::absolute(file).lexically_normal().string();
  std::istringstream in(text);
  bool after_error = false;  // the lines after an error (its notes)
  for (std::string line; std::getline(in, line);) {
    std::size_t from = 0;
    for (std::size_t at; (at = line.find(f + ":", from)) != std::string::npos; from = at + 1) {
      const std::string_view before = std::string_view(line).substr(0, at);
      const std::string_view rest = std::string_view(line).substr(at + f.size());
      // gcc: the file at the start of a diagnostic (of the line, or after
      // refdrv's summary's ": "); an error, a fatal one, or the note
      // "in expansion of macro" under an error whose location is a header.
      const bool starts = before.empty() || before.ends_with(": ") || before.ends_with(' ');
      if (starts &&
          (rest.find(": error") != std::string_view::npos || rest.find(": fatal error") != std::string_view::npos ||
           (after_error && rest.find(": note: in expansion of macro") != std::string_view::npos)))
        return true;
      // rustc: the location line under an error.
      if (const auto text_at = before.find_first_not_of(' ');
          text_at != std::string_view::npos && before.substr(text_at) == "--> ")
        return true;
    }
    if (line.find(": error") != std::string::npos || line.find(": fatal error") != std::string::npos ||
        line.starts_with("error"))
      after_error = true;
  }
  return false;
}

bool only_failed_step_is(const std::string& ninja_log, const std::string& object) {
  std::istringstream in(ninja_log);
  std::string line;
  std::size_t failed = 0;
  for (; std::getline(in, line);) {
    if (!line.starts_with("FAILED: ")) continue;
    ++failed;
    // "FAILED: [code=1] DIR/NAME.o" (the code since ninja 1.12): the last
    // word is the output, which must be the object itself.
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    const std::string out = line.substr(line.find_last_of(' ') + 1);
    if (out != object && !out.ends_with("/" + object)) return false;
  }
  return failed > 0;
}

namespace {

// The mutants of refdrv's C++ driver: each compiled into a second build of
// refdrv (configured once in refdrv's cache, the driver's source replaced by
// the mutant's; one object recompiled and refdrv relinked per mutant), whose
// `check` then runs the suite against the tree's C and Rust drivers.
Result<MutationReport> run_cxx_mutation(const MutateOptions& opt, std::vector<Mutant> mutants, MutationReport rep,
                                        const std::string& original, std::chrono::steady_clock::time_point t0) {
  const fs::path root = kernel::data_dir();
  const fs::path dir = kernel::cache_root() / "mutants" / ("cxx-" + kernel::hash_hex(fs::canonical(root).string()).substr(0, 12));
  const fs::path build = dir / "build", source = dir / "mutant" / fs::path(rep.source).filename(), log = dir / "build.log";
  std::error_code ec;
  fs::create_directories(source.parent_path(), ec);
  // One mutant source, one build, one check's output: a second refdrv
  // mutate --impl cxx at the same time would overwrite them under this one.
  auto lock = kernel::FileLock::acquire(dir / ".lock");
  if (!lock) return std::unexpected(lock.error());
  auto put = [&](const std::string& text) -> Result<void> {
    if (auto cur = kernel::read_file(source); cur && *cur == text) return {};
    return kernel::write_file(source, text);
  };
  // A child (ninja, the second refdrv's check) gets the SIGINT, SIGTERM or
  // SIGHUP sent to refdrv alone, and refdrv stops after it: a child left
  // running wrote the build directory and check.json a next run used (a
  // review, 2026-12-07).
  const auto run_child = [](kernel::Command cmd) -> Result<int> {
    cmd.pass_on_interrupts = true;
    auto st = kernel::run(cmd);
    if (const int sig = kernel::interrupted_by())
      return fail(fmt::format("interrupted: refdrv was sent SIG{} while running {}, and passed it on",
                              sigabbrev_np(sig), cmd.argv.empty() ? "?" : cmd.argv[0]));
    return st;
  };
  auto build_refdrv = [&]() -> Result<int> {
    fs::remove(log, ec);
    return run_child({{"ninja", "-C", build.string(), "refdrv"}, {}, log, {}});
  };
  if (auto w = put(original); !w) return std::unexpected(w.error());
  if (!fs::exists(build / "build.ninja")) {
    auto st = kernel::run({{"cmake", "-G", "Ninja", "-S", root.string(), "-B", build.string(), "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                            "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG", "-DCMAKE_UNITY_BUILD=ON", "-DREFDRV_TESTS=OFF",
                            "-DREFDRV_BENCH=OFF", "-DREFDRV_CXX_ASIX_DRIVER=" + source.string()},
                           {}, log, {}});
    if (!st || *st != 0)
      return fail(fmt::format("configuring refdrv's build for the C++ mutants failed: {}", kernel::tail_of(log, 8)));
  }
  if (auto st = build_refdrv(); !st || *st != 0)
    return fail(fmt::format("building refdrv with its unchanged C++ driver failed ({}): {}", build.string(),
                            kernel::tail_of(log, 8)));
  // The driver's object, wherever CMake put it for a source outside the tree.
  fs::path object;
  for (auto it = fs::recursive_directory_iterator(build / "CMakeFiles", ec); it != fs::recursive_directory_iterator(); ++it)
    if (it->path().filename() == source.filename().string() + ".o") object = it->path();
  if (object.empty()) return fail(fmt::format("no object of {} in {}", source.string(), build.string()));
  const fs::path tmp = dir / fmt::format("strip-{}.o", ::getpid());
  const auto base_bytes = stripped(object, tmp);
  std::vector<std::string> check = {(build / "refdrv").string(), "check", "-q", "--impl", impl_list(rep.impls)};
  const std::vector<std::string> env = environment_args(opt.env);
  check.insert(check.end(), env.begin(), env.end());
  for (const auto& p : opt.suite_paths) check.insert(check.end(), {"--scenario", fs::absolute(p).string()});
  const fs::path json_out = dir / "check.json";
  check.insert(check.end(), {"--json", json_out.string()});
  // Its reproducers in a directory of its own: the default (refdrv-repro in
  // the current directory) is the user's, whose reproducers check replaces.
  check.insert(check.end(), {"--repro-dir", (dir / "repro").string()});
  {
    fs::remove(json_out, ec);
    auto rc = run_child({check, {}, dir / "check.log", {}});
    if (!rc || *rc != 0) {
      const auto j = nlohmann::json::parse(kernel::read_file(json_out).value_or("{}"), nullptr, false);
      return fail(
          unmutated_fails(rc && *rc == 1 && !j.is_discarded()
                              ? killed_by_json(j, opt.impl)
                              : fmt::format("{}: {}", rc ? fmt::format("exit status {}", *rc) : rc.error().message,
                                            kernel::tail_of(dir / "check.log", 6))));
    }
  }
  const std::string adapter_rel = "cxx/include/refdrv/phy/detail/adapter.hpp";
  const auto discarded =
      discarded_cxx_values(kernel::read_file(root / adapter_rel).value_or(""),
                           kernel::read_file(root / "abi/refdrv_phy_callbacks.h").value_or(""), adapter_rel);
  for (const Mutant& m : mutants) {
    if (auto eq = dropped_value(m, discarded, [](const std::string& fn, const std::string& where) {
          return fmt::format("the abstraction keeps only whether {}() failed ({}: `F(dev)`, then `? 0 :`)", fn, where);
        })) {
      record(rep, std::move(*eq), opt, mutants.size());
      continue;
    }
    MutantResult res;
    res.mutant = m;
    if (auto w = put(m.source); !w) return std::unexpected(w.error());
    auto st = build_refdrv();
    if (!st || *st != 0) {
      // Stillborn only when the compiler refused the mutant: a build that
      // did not run, was killed, or failed for the machine (memory, disk)
      // is refdrv's failure, not a mutant left out of the score; so is a
      // failed step other than the mutant's object (refdrv's own sources,
      // which this build compiles from the checkout, or the link). ninja
      // names each failed step on a FAILED: line; the log's other lines
      // name the mutant's file whatever failed (its compile command).
      const std::string text = kernel::read_file(log).value_or("");
      static const std::regex diag(R"((error: [^\n]*))");
      std::smatch dm;
      const bool refused = st && *st > 0 && *st < 128 && std::regex_search(text, dm, diag) &&
                           only_failed_step_is(text, source.filename().string() + ".o");
      if (!refused || !kernel::machine_failure(text).empty()) {
        put(original);
        return fail(fmt::format("building refdrv with C++ mutant #{} failed, not for the mutant ({}): {}", m.id,
                                !st ? st.error().message : fmt::format("exit status {}", *st),
                                kernel::tail_of(log, 8)));
      }
      res.status = MutantResult::Status::kStillborn;
      res.by = short_text(dm[1].str(), 160);
    } else if (const auto bytes = stripped(object, tmp); base_bytes && bytes && *bytes == *base_bytes) {
      res.status = MutantResult::Status::kEquivalent;
      res.by = kObjectUnchanged;
    } else {
      fs::remove(json_out, ec);
      auto rc = run_child({check, {}, dir / "check.log", {}});
      // 2 is also a check that ran and gave no verdict (its JSON says so: its
      // only findings stops at functions refdrv does not emulate, or no two
      // implementations' own drivers compared), judged as the C and Rust
      // paths judge it, not refdrv failing (a review, 2026-12-07: the
      // second ended the run). A check that did not run is refdrv's failure.
      const auto j = nlohmann::json::parse(kernel::read_file(json_out).value_or("{}"), nullptr, false);
      const bool gap = rc && *rc == 2 && !j.is_discarded() && j.is_object() && j.value("exit_code", 0) == 2;
      if (!rc || (*rc != 0 && *rc != 1 && !gap)) {
        put(original);
        return fail(fmt::format("refdrv check with C++ mutant #{} failed ({}): {}", m.id,
                                rc ? fmt::format("exit status {}", *rc) : rc.error().message,
                                kernel::tail_of(dir / "check.log", 6)));
      }
      if (*rc == 0) {
        res.status = MutantResult::Status::kSurvived;
      } else {
        killed_or_undecided(res, j.is_discarded() ? Kill{"check exited 1", "", {}} : kill_of_json(j, opt.impl));
      }
    }
    record(rep, std::move(res), opt, mutants.size());
  }
  // Leave the second refdrv as it was built: with the unchanged driver.
  if (put(original)) (void)build_refdrv();
  rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace

namespace {
// The generic models' rows run no driver of the group (unless a mutant
// makes one bind there): a suite of those alone lets every mutant survive
// without reaching it, which is no score.
Result<void> runs_the_group(const CheckReport& base) {
  if (std::any_of(base.rows.begin(), base.rows.end(),
                  [&](const CheckRow& r) { return !r.runs.empty() && group_of_model(r.model) == &mutated_group(); }))
    return {};
  return fail(
      fmt::format("no scenario of the suite runs on a model of the mutated driver's group ({}): every mutant "
                  "would survive a check that never runs the driver; give scenarios on its models",
                  mutated_group().kconfig));
}
}  // namespace

Result<MutationReport> run_mutation(const MutateOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  MutationReport rep;
  const DriverGroup& group = mutated_group();
  std::string rel, original;
  fs::path base_obj;
  std::string object_path;
  std::map<std::string, std::string> discarded;  // Rust: trait methods whose Ok value the abstraction drops
  // The suite's scenarios on the mutated driver's models, and on the models
  // no driver group claims (generic PHYs: a mutant that binds them, with a
  // lost or widened ID mask, is caught there). Other groups' models (the
  // QT2025) have no driver this mutant could change.
  std::vector<Scenario> suite;
  for (const auto& sc : opt.suite) {
    Scenario s = sc;
    std::erase_if(s.models, [&](const std::string& m) {
      const DriverGroup* g = group_of_model(m);
      return g && g != &group;
    });
    if (!s.models.empty()) suite.push_back(std::move(s));
  }
  {
    auto env = Environment::open(opt.env);
    if (!env) return std::unexpected(env.error());
    auto r = mutation_source(**env, opt.impl);
    if (!r) return std::unexpected(r.error());
    rel = *r;
    rep.source = rel;
    rep.tree_version = (*env)->tree().version;
    rep.replaced = replaced_sources(opt.env.overlay);
    rep.impls = group_impls(**env, group);
    // A driver the tree declares that refdrv could not run (the Rust one
    // without a toolchain) would leave the mutants checked against the
    // others alone without a word, as check refuses (a review, 2026-12-07).
    // --compare-with names the oracle instead.
    if (opt.compare_with.empty())
      if (auto declared = require_declared_impls(**env, {}, &group); !declared)  // the mutated group's alone
        return fail(declared.error().message +
                    " (refdrv mutate: --compare-with names the implementations the mutants are checked against)");
    if (!opt.compare_with.empty()) {
      // The mutated implementation and those of --compare-with, in the
      // group's order; one the group lacks is refused, not dropped.
      for (Impl i : opt.compare_with)
        if (std::find(rep.impls.begin(), rep.impls.end(), i) == rep.impls.end())
          return fail(fmt::format("--compare-with: the {} implementation has no driver for CONFIG_{} here",
                                  impl_title(i), group.kconfig));
      std::erase_if(rep.impls, [&](Impl i) {
        return i != opt.impl &&
               std::find(opt.compare_with.begin(), opt.compare_with.end(), i) == opt.compare_with.end();
      });
      rep.impls_chosen = true;
    }
    if (opt.impl == Impl::kCxx) {
      CheckOptions co;
      co.impls = rep.impls;
      if (auto r = runs_the_group(run_check(**env, suite, co)); !r) return std::unexpected(r.error());
      auto text = kernel::read_file(kernel::data_dir() / rel);
      if (!text) return std::unexpected(text.error());
      std::vector<Mutant> mutants = generate_mutants(*text, MutantLang::kCxx);
      rep.generated = mutants.size();
      if (opt.limit && mutants.size() > opt.limit) mutants.resize(opt.limit);
      env->reset();  // the mutants run in another refdrv, with environments of their own
      return run_cxx_mutation(opt, std::move(mutants), std::move(rep), *text, t0);
    }
    // The source as built: a --replace of the same file is what is mutated.
    const auto replaced = opt.env.overlay.find(rel);
    auto text = kernel::read_file(replaced != opt.env.overlay.end() ? replaced->second : (*env)->tree().root / rel);
    if (!text) return std::unexpected(text.error());
    original = *text;
    object_path = kernel::object_built_from((*env)->built(), rel)->path;  // mutation_source checked it
    // Where the unmutated object was compiled: this build, or the earlier
    // build it links the object from (an overlay of other files, --replace,
    // or the tree whose configuration this tree reuses).
    base_obj = kernel::object_file((*env)->built(), object_path);
    if (opt.impl == Impl::kRust) {
      const std::string abs_rel = "rust/kernel/net/phy.rs";
      if (auto a = kernel::read_file((*env)->tree().root / abs_rel)) discarded = discarded_rust_values(*a, abs_rel);
    }
    // A mutant is killed when the check fails with it: that says something
    // only if the check passes without it.
    CheckOptions co;
    co.impls = rep.impls;
    const CheckReport base = run_check(**env, suite, co);
    if (auto r = runs_the_group(base); !r) return std::unexpected(r.error());
    if (base.comparison_not_made())
      return fail(
          fmt::format("no scenario of the suite runs on two implementations of the mutated driver's group "
                      "({}): a mutant would be compared with nothing; give scenarios on its models",
                      mutated_group().kconfig));
    else if (const auto gap = unemulated_gap(base))
      return fail(unmutated_fails(*gap));
    else if (base.exit_code() != 0)
      return fail(unmutated_fails(kill_of_json(check_report_json(base), opt.impl).by));
  }
  std::vector<Mutant> mutants = generate_mutants(original, opt.impl == Impl::kC ? MutantLang::kC : MutantLang::kRust);
  rep.generated = mutants.size();
  if (opt.limit && mutants.size() > opt.limit) mutants.resize(opt.limit);
  const fs::path dir = kernel::cache_root() / "mutants" / rep.tree_version;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path tmp = dir / fmt::format("strip-{}.o", ::getpid());
  const auto base_bytes = stripped(base_obj, tmp);
  for (const Mutant& m : mutants) {
    if (auto eq = dropped_value(m, discarded, [](const std::string& fn, const std::string& where) {
          return fmt::format("the abstraction drops {}()'s Ok value ({}: `T::{}(dev)?;`)", fn, where, fn);
        })) {
      record(rep, std::move(*eq), opt, mutants.size());
      continue;
    }
    MutantResult res;
    res.mutant = m;
    const fs::path file = dir / (kernel::hash_hex(m.source) + fs::path(rel).extension().string());
    if (auto w = kernel::write_file(file, m.source); !w) return std::unexpected(w.error());
    EnvironmentOptions eo = opt.env;
    eo.quiet = true;
    eo.overlay[rel] = file;  // with the other --replace files, if any
    auto env = Environment::open(eo);
    if (!env && env.error().origin == ErrorOrigin::kKernelInit) {
      // It builds, and the kernel side stops or fails loading its module:
      // no scenario could run, which no suite would miss (unless what
      // stopped it is refdrv's gap).
      killed_or_undecided(res, {env.error().message, "load", {}});  // the stub's words may lie past any cut
      res.by = short_text(res.by, 200);
    } else if (!env && env.error().origin == ErrorOrigin::kKernelBuild) {
      // Stillborn only when the compiler refused it (its diagnostic is in
      // the build's last lines), as for a C++ mutant: a build step that
      // failed otherwise (a tool missing, exit 127) is refdrv's failure,
      // not a mutant left out of the score.
      const std::string& msg = env.error().message;
      static const std::regex diag(R"((error(\[E[0-9]+\])?: [^\n]*))");
      std::smatch dm;
      if (!std::regex_search(msg, dm, diag))
        return fail(fmt::format("building mutant #{} ({}:{}) failed without a compiler error, not for the mutant: {}",
                                m.id, rel, m.line, msg));
      // And one in the mutant's own file (gcc's "FILE:L:C: error:", rustc's
      // "--> FILE:L:C"): a failed link, or the base build failing, is
      // refdrv's failure, not the mutant's (a review, 2026-12-07).
      if (!names_an_error_in(msg, file))
        return fail(
            fmt::format("building mutant #{} ({}:{}) failed without a compiler error in the mutant's file, not "
                        "for the mutant: {}",
                        m.id, rel, m.line, msg));
      res.status = MutantResult::Status::kStillborn;
      res.by = dm[1].str();
    } else if (!env) {
      return fail(fmt::format("mutant #{} ({}:{}): {}", m.id, rel, m.line, env.error().message));
    } else {
      const auto bytes = stripped((*env)->built().build_dir / "obj" / object_path, tmp);
      if (!(*env)->image().has_impl(opt.impl, group.kconfig)) {
        // The mutant's driver no longer registers: check would compare the
        // others alone, which is no pass for it.
        res.status = MutantResult::Status::kKilled;
        res.kind = "not registered";
        res.by = fmt::format("the {} driver no longer registers (no {} module for {})", impl_title(opt.impl),
                             impl_title(opt.impl), group.kconfig);
      } else if (base_bytes && bytes && *bytes == *base_bytes) {
        res.status = MutantResult::Status::kEquivalent;
        res.by = kObjectUnchanged;
      } else {
        CheckOptions co;
        co.impls = rep.impls;
        co.stop_at_first_failure = true;  // the first failure kills it, and is what kill_of_json names
        const CheckReport cr = run_check(**env, suite, co);
        if (cr.exit_code() == 0)
          res.status = MutantResult::Status::kSurvived;
        else
          judge_mutant(res, cr, opt.impl);
      }
    }
    record(rep, std::move(res), opt, mutants.size());
  }
  rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

QuirkKills quirk_kills(const MutationReport& rep) {
  QuirkKills q;
  for (const auto& r : rep.results) {
    if (r.status != MutantResult::Status::kKilled || r.model_quirks.empty()) continue;
    ++q.kills;
    for (const auto& name : r.model_quirks) ++q.by_quirk[name];
  }
  return q;
}

std::string quirk_kills_sentence(const QuirkKills& q, std::size_t killed, std::string_view whose) {
  if (!q.kills) return {};
  std::vector<std::string> parts;
  for (const auto& [name, n] : q.by_quirk) parts.push_back(fmt::format("{} {}", name, n));
  return fmt::format(
      "{} of {} {} kills rest on runs in which a model's quirk acted ({}; an upper bound: the quirk acted in the run, "
      "not necessarily in what killed the mutant): refdrv models says what each record leaves open",
      q.kills, whose, killed, fmt::join(parts, ", "));
}

nlohmann::json mutation_report_json(const MutationReport& rep, double min_score) {
  nlohmann::json j;
  j["tool"] = "refdrv mutate";
  j["tree"] = {{"version", rep.tree_version}};
  if (!rep.replaced.empty()) j["tree"]["replaced"] = rep.replaced;
  j["source"] = rep.source;
  nlohmann::json impls = nlohmann::json::array();
  for (Impl i : rep.impls) impls.push_back(impl_name(i));
  j["implementations"] = impls;
  j["implementations_chosen"] = rep.impls_chosen;
  j["wall_seconds"] = rep.wall_seconds;
  nlohmann::json ms = nlohmann::json::array();
  for (const auto& r : rep.results)
    ms.push_back({{"id", r.mutant.id},
                  {"line", r.mutant.line},
                  {"function", r.mutant.function},
                  {"operator", r.mutant.op},
                  {"before", r.mutant.before},
                  {"after", r.mutant.after},
                  {"status", mutant_status_name(r.status)},
                  {"detail", r.by},
                  {"kill", r.status == MutantResult::Status::kKilled
                               ? nlohmann::json({{"kind", r.kind}, {"model_quirks", r.model_quirks}})
                               : nlohmann::json(nullptr)}});
  j["mutants"] = ms;
  // How much of the score is refdrv's reading of the records.
  const QuirkKills qk = quirk_kills(rep);
  j["kills_with_model_quirks"] = {{"kills", qk.kills}, {"by_quirk", qk.by_quirk}};
  j["counts"] = {{"killed", rep.count(MutantResult::Status::kKilled)},
                 {"survived", rep.count(MutantResult::Status::kSurvived)},
                 {"equivalent", rep.count(MutantResult::Status::kEquivalent)},
                 {"stillborn", rep.count(MutantResult::Status::kStillborn)},
                 {"undecided", rep.count(MutantResult::Status::kUndecided)}};
  // No score where no mutant was scored (every one equivalent or stillborn):
  // null, not the 100 a job reading .score would take for a pass.
  const auto score = rep.score();
  j["score"] = score ? nlohmann::json(*score) : nlohmann::json(nullptr);
  j["min_score"] = min_score;
  // A --limit run scores the first mutants only: said, beside how many the
  // source has.
  j["generated"] = rep.generated;
  j["limited"] = rep.results.size() < rep.generated;
  return j;
}

}  // namespace refdrv
