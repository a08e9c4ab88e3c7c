// SPDX-License-Identifier: GPL-2.0
#include "engine/shrink.hpp"

#include <algorithm>

namespace refdrv {

namespace {

// ddmin over a list of items: `test(subset)` is true when the subset still fails.
template <class T>
std::vector<T> ddmin(std::vector<T> items, const std::function<bool(const std::vector<T>&)>& test, std::size_t& budget) {
  std::size_t n = 2;
  while (items.size() >= 2 && budget > 0) {
    const std::size_t chunk = (items.size() + n - 1) / n;
    bool reduced = false;
    // Try each complement (the list without one chunk); with n == 2 that is
    // each half alone.
    for (std::size_t start = 0; start < items.size() && budget > 0; start += chunk) {
      std::vector<T> complement;
      complement.reserve(items.size());
      for (std::size_t i = 0; i < items.size(); ++i)
        if (i < start || i >= start + chunk) complement.push_back(items[i]);
      --budget;
      if (test(complement)) {
        items = std::move(complement);
        n = std::max<std::size_t>(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (n >= items.size()) break;
    n = std::min(n * 2, items.size());
  }
  // Single-item removals until none helps (1-minimality), down to no item
  // at all: a finding of the bus registration or the probe needs no step.
  for (bool again = true; again && budget > 0;) {
    again = false;
    for (std::size_t i = 0; i < items.size() && budget > 0; ++i) {
      std::vector<T> without = items;
      without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
      --budget;
      if (test(without)) {
        items = std::move(without);
        again = true;
        break;
      }
    }
  }
  return items;
}

}  // namespace

Scenario shrink_scenario(const Scenario& s, const std::function<bool(const Scenario&)>& still_fails, ShrinkStats* stats,
                         std::size_t max_tests) {
  std::size_t budget = max_tests;
  ShrinkStats st;
  st.steps_before = s.steps.size();
  st.faults_before = s.faults.size();
  Scenario best = s;
  auto counted = [&](const Scenario& c) {
    ++st.tests;
    return still_fails(c);
  };

  // Steps first (they dominate), then the initial fault rules.
  const std::function<bool(const std::vector<Step>&)> steps_test = [&](const std::vector<Step>& steps) {
    Scenario c = best;
    c.steps = steps;
    return counted(c);
  };
  best.steps = ddmin(best.steps, steps_test, budget);
  if (!best.faults.empty()) {
    // The empty set counts too: a fault rule may not matter at all.
    Scenario none = best;
    none.faults.clear();
    if (budget > 0 && (--budget, counted(none))) {
      best = none;
    } else {
      const std::function<bool(const std::vector<hw::FaultRule>&)> faults_test =
          [&](const std::vector<hw::FaultRule>& faults) {
            Scenario c = best;
            c.faults = faults;
            return counted(c);
          };
      best.faults = ddmin(best.faults, faults_test, budget);
    }
  }
  // Shorter waits: halve each while the finding stays.
  for (auto& step : best.steps) {
    if (step.kind != Step::Kind::kWait && step.kind != Step::Kind::kFlap) continue;
    while (step.ns >= 2000000 && budget > 0) {
      Scenario c = best;
      const std::size_t i = static_cast<std::size_t>(&step - best.steps.data());
      c.steps[i].ns = step.ns / 2;
      c.steps[i].source = YAML::Node();
      --budget;
      if (!counted(c)) break;
      step.ns /= 2;
      step.source = YAML::Node();
    }
  }
  st.steps_after = best.steps.size();
  st.faults_after = best.faults.size();
  if (stats) *stats = st;
  return best;
}

}  // namespace refdrv
