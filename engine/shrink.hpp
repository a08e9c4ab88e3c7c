// SPDX-License-Identifier: GPL-2.0
// Delta debugging (Zeller's ddmin) on a scenario's steps and initial fault
// rules: the smallest scenario that still shows a finding.
#pragma once

#include <functional>

#include "engine/scenario.hpp"

namespace refdrv {

struct ShrinkStats {
  std::size_t tests = 0;  // candidate scenarios tried
  std::size_t steps_before = 0, steps_after = 0;
  std::size_t faults_before = 0, faults_after = 0;
};

// `still_fails(candidate)` tells whether a candidate shows the same finding.
// At most `max_tests` candidates are tried; the result is 1-minimal in its
// steps (removing any single step loses the finding) when the budget allows.
Scenario shrink_scenario(const Scenario& s, const std::function<bool(const Scenario&)>& still_fails,
                         ShrinkStats* stats = nullptr, std::size_t max_tests = 4000);

}  // namespace refdrv
