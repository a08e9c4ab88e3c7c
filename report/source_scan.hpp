// SPDX-License-Identifier: GPL-2.0
// Reading driver sources the way a compiler's lexer does: C, C++ and Rust
// tokenizers that know comments (Rust's nest), strings (raw ones too), char
// literals and Rust lifetimes, so that counts of `unsafe`, lines of code,
// dropped results and extracted functions never see a word inside a
// comment or a string.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace refdrv::report {

enum class Lang : std::uint8_t { kC, kCxx, kRust };

enum class Tok : std::uint8_t {
  kIdent,     // identifiers and keywords
  kNumber,
  kString,    // "...", raw strings, byte strings
  kChar,      // 'a'
  kLifetime,  // Rust 'a, 'static
  kPunct,     // one character
  kComment,   // line or block comment (doc comments included)
  kPreproc,   // a C preprocessor line, continuation lines included
  kSpace,     // whitespace, newlines included
};

struct Token {
  Tok kind = Tok::kSpace;
  std::size_t begin = 0, end = 0;  // byte offsets into the source
  int line = 1;                    // line of `begin`
};

// Lossless: the tokens' text concatenated is the source.
[[nodiscard]] std::vector<Token> tokenize(std::string_view src, Lang lang);

struct LineCounts {
  std::size_t code = 0;     // lines with at least one code token (preprocessor lines count)
  std::size_t comment = 0;  // lines with comments only
  std::size_t blank = 0;
  std::size_t total = 0;
};
[[nodiscard]] LineCounts count_lines(std::string_view src, Lang lang);

// A Rust `unsafe`: where, what, and the item it is in.
struct UnsafeSite {
  std::string kind;     // "block", "fn", "impl", "trait", "extern block"
  int line = 0;
  std::string context;  // the enclosing impl or fn: "impl Device", "fn read", "module level"
  bool calls_c = false; // a block that calls through `bindings::`
};

struct RustUnsafe {
  std::size_t blocks = 0, fns = 0, impls = 0, traits = 0, others = 0;
  std::size_t safety_comments = 0;  // comments starting with SAFETY:
  std::vector<UnsafeSite> sites;
  [[nodiscard]] std::size_t total() const { return blocks + fns + impls + traits + others; }
};
[[nodiscard]] RustUnsafe scan_rust_unsafe(std::string_view src);

// Comments that justify an unsafe-by-nature operation (`// SAFETY:`), in any language.
[[nodiscard]] std::size_t count_safety_comments(std::string_view src, Lang lang);

// A definition lifted from a source file, with the comment right above it.
struct Snippet {
  std::string code;
  int first_line = 0, last_line = 0;
};

// The definition of the array `name` (`... name[] = { ... };`, C), from the
// start of its declaration.
[[nodiscard]] std::optional<Snippet> find_array_definition(std::string_view src, Lang lang, std::string_view name);
// A C or C++ function definition at file scope (or in a namespace).
[[nodiscard]] std::optional<Snippet> find_function(std::string_view src, Lang lang, std::string_view name);
// A Rust fn: in `impl ... for Type` / `impl Type` when `type` is given, else at module level.
[[nodiscard]] std::optional<Snippet> find_rust_fn(std::string_view src, std::string_view type, std::string_view name);
// A C++ member function defined in the body of `struct Type`.
[[nodiscard]] std::optional<Snippet> find_cxx_member(std::string_view src, std::string_view type, std::string_view name);
// The text from the first token of a macro invocation `name(...)`/`name!{...}`
// through its closing bracket (and a following `;`).
[[nodiscard]] std::optional<Snippet> find_invocation(std::string_view src, Lang lang, std::string_view name);

// Functions a piece of code calls: `name(` (C), `.name(` / `name(` (Rust, C++).
[[nodiscard]] std::set<std::string> called_names(std::string_view code, Lang lang);

// Results dropped on purpose or by omission.
struct DroppedResult {
  int line = 0;
  std::string call;     // the function whose result is dropped
  std::string how;      // "statement" (C), "let _ =" / "_ =" (Rust), "std::ignore =" (C++), "(void)" (C, C++)
  bool explained = false;  // a comment on the line or the line before says why
};
// C: a call of one of `int_returning` used as a statement (after a label
// too), or cast to void; Rust: `let _ = ...`, `_ = ...`; C++: `std::ignore =
// ...`, `(void)...`.
[[nodiscard]] std::vector<DroppedResult> dropped_results(std::string_view src, Lang lang,
                                                         const std::set<std::string>& int_returning = {});

// The members of C `struct NAME { ... }` that are function pointers
// (`int (*config_init)(struct phy_device *);`), in order: the first
// definition of the struct in `src`.
[[nodiscard]] std::vector<std::string> c_struct_function_pointers(std::string_view src, std::string_view struct_name);
// The functions a Rust `trait NAME { ... }` declares (with or without a
// default body), in order.
[[nodiscard]] std::vector<std::string> rust_trait_fns(std::string_view src, std::string_view trait_name);

// A C phy_driver table (`static struct phy_driver NAME[] = { {...}, ... }`):
// each entry's designated initialisers, e.g. {".name" -> "\"Asix ...\"", ".read_status" -> "asix_..."}.
struct CDriverEntry {
  std::string name;  // the .name string, unquoted
  std::map<std::string, std::string> fields;
  std::vector<std::string> order;  // the fields as written
  // Items that are neither `.field = value` nor phylib's PHY_ID_MATCH_*()
  // (a macro that may set callbacks): not read, so said.
  std::vector<std::string> unread_items;
  int line = 0;
};
// Every phy_driver table of a file (and single `struct phy_driver NAME =
// {...}` definitions), entries in source order.
[[nodiscard]] std::vector<CDriverEntry> c_phy_driver_table(std::string_view src);
struct CDriverTables {
  std::vector<CDriverEntry> entries;
  std::size_t unread = 0;  // table items that are not a brace initialiser (macros): not read
};
[[nodiscard]] CDriverTables c_phy_driver_tables(std::string_view src);

// Rust `impl Driver for Type` blocks and C++ driver structs: type, NAME, the
// functions they define, in order.
struct DriverType {
  std::string type;
  std::string name;  // the driver's name string
  std::vector<std::string> functions;
  int line = 0;
};
[[nodiscard]] std::vector<DriverType> rust_driver_impls(std::string_view src);
[[nodiscard]] std::vector<DriverType> cxx_driver_structs(std::string_view src);

// Module-level functions (Rust fn items outside impls, C/C++ functions at
// file or namespace scope) defined in a file.
[[nodiscard]] std::vector<std::string> free_functions(std::string_view src, Lang lang);

// The code as HTML with <span class="k|s|c|n|p|m|l"> for keywords, strings,
// comments, numbers, preprocessor, macros and lifetimes; escaped.
[[nodiscard]] std::string highlight_html(std::string_view code, Lang lang);

}  // namespace refdrv::report
