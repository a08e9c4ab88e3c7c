// SPDX-License-Identifier: GPL-2.0
// Rendering the report's JSON through its mustache templates (kainjow's
// header-only mustache, Debian's libkainjow-mustache-dev).
#include <fmt/format.h>

#include <kainjow/mustache.hpp>

#include "report/evaluation.hpp"
#include "report/templates.hpp"

namespace refdrv::report {

namespace {

namespace mu = kainjow::mustache;

// Two decimals at most, without trailing zeros: 98.0 is "98", 96.25 "96.25".
std::string decimal(double v) {
  std::string t = fmt::format("{:.2f}", v);
  while (t.back() == '0') t.pop_back();
  if (t.back() == '.') t.pop_back();
  return t;
}

mu::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mu::data d{mu::data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mu::data d{mu::data::type::list};
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    case nlohmann::json::value_t::string: return mu::data(j.get<std::string>());
    case nlohmann::json::value_t::boolean: return mu::data(j.get<bool>());
    case nlohmann::json::value_t::number_float: return mu::data(decimal(j.get<double>()));
    case nlohmann::json::value_t::number_integer: return mu::data(std::to_string(j.get<long long>()));
    case nlohmann::json::value_t::number_unsigned: return mu::data(std::to_string(j.get<unsigned long long>()));
    default: return mu::data(mu::data::type::bool_false);
  }
}

std::string render(std::string_view name, const nlohmann::json& report, bool html) {
  const auto text = report_template(name);
  if (!text) return fmt::format("refdrv: the report template {} is missing from this build\n", name);
  mu::mustache tmpl{std::string(*text)};
  if (!tmpl.is_valid()) return fmt::format("refdrv: the report template {} is broken: {}\n", name, tmpl.error_message());
  // Markdown: a value is one table cell or one run of text, so a `|` in it
  // (a failure reason, a path) must not end a cell and a line break in it
  // (a build log's tail) must not end a table row (a review, 2026-12-07).
  if (!html)
    tmpl.set_custom_escape([](const std::string& s) {
      std::string out;
      out.reserve(s.size());
      for (const char ch : s) {
        if (ch == '|')
          out += "\\|";
        else if (ch == '\n')
          out += ' ';
        else
          out += ch;
      }
      return out;
    });
  return tmpl.render(to_data(report));
}

}  // namespace

std::string render_html(const nlohmann::json& report) { return render("report.html.mustache", report, true); }
std::string render_markdown(const nlohmann::json& report) { return render("report.md.mustache", report, false); }

}  // namespace refdrv::report
