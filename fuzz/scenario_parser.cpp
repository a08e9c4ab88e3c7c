// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: the scenario parser. Any text is either accepted, and
// then written back and read again to the same scenario, or rejected with a
// message that names file:line:column and the problem. Anything else (a
// crash, an exception escaping, a message without a position, the parser's
// safety net for unchecked YAML shapes) aborts.
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include "engine/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::uint64_t net = refdrv::scenario_parser_safety_net_hits();
  const auto s = refdrv::parse_scenario(text, "fuzz.yaml");
  if (refdrv::scenario_parser_safety_net_hits() != net) {
    std::fprintf(stderr, "the parser's safety net caught an unchecked YAML shape: %s\n", s.error().message.c_str());
    std::abort();
  }
  if (!s) {
    static const std::regex located(R"(^fuzz\.yaml:[0-9]+:[0-9]+: \S.*)");
    if (!std::regex_search(s.error().message, located) || s.error().exit_code != refdrv::kExitBadInput) {
      std::fprintf(stderr, "rejection without file:line:column or exit code 2: '%s'\n", s.error().message.c_str());
      std::abort();
    }
    return 0;
  }
  const std::string yaml = refdrv::scenario_to_yaml(*s, s->steps.size());
  const auto again = refdrv::parse_scenario(yaml, "again.yaml");
  if (!again) {
    std::fprintf(stderr, "an accepted scenario did not read back: %s\n---\n%s\n", again.error().message.c_str(),
                 yaml.c_str());
    std::abort();
  }
  // The same scenario: the canonical forms of both are the same text.
  const std::string canonical = refdrv::scenario_to_yaml(refdrv::without_sources(*s), s->steps.size());
  const std::string canonical_again = refdrv::scenario_to_yaml(refdrv::without_sources(*again), again->steps.size());
  if (canonical != canonical_again) {
    std::fprintf(stderr, "an accepted scenario read back differently:\n---\n%s\n--- read back as\n%s\n",
                 canonical.c_str(), canonical_again.c_str());
    std::abort();
  }
  return 0;
}
