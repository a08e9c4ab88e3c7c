// SPDX-License-Identifier: GPL-2.0
// MDIO-level fault injection: what a flaky bus, an absent device or a broken
// chip looks like to the software, scheduled deterministically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace refdrv::hw {

// The errno values a real MDIO bus driver returns (positive, as in errno.h).
inline constexpr int kEIO = 5;
inline constexpr int kETIMEDOUT = 110;

enum class FaultKind : std::uint8_t {
  kError,       // the access, read or write, returns -EIO and does not reach the device (see delivered)
  kReadError,   // the read returns -EIO
  kWriteError,  // the write returns -EIO and does not reach the device (see delivered)
  kTimeout,     // the access returns -ETIMEDOUT and does not reach the device (see delivered)
  kBusAbsent,   // reads return 0xffff (pull-ups), writes vanish
  kStuckBits,   // read value: (v & ~mask) | (value & mask)
  kFlipBits,    // read value: v ^ mask
};

// The kinds that fail the access with a negative errno (-EIO, -ETIMEDOUT):
// the ones FaultRule::delivered goes with.
[[nodiscard]] constexpr bool fails_with_errno(FaultKind k) {
  return k == FaultKind::kError || k == FaultKind::kReadError || k == FaultKind::kWriteError ||
         k == FaultKind::kTimeout;
}

enum class FaultTrigger : std::uint8_t {
  kAccessIndex,  // the index-th MDIO access of the instance (0-based), or for a kind
                 // of one direction (or a rule with an address) the first from there
                 // that it applies to; once
  kRegister,     // accesses to `reg`: the nth one only, or all when nth < 0
  kProbability,  // each access with probability `probability` (seeded)
};

struct FaultRule {
  FaultKind kind = FaultKind::kReadError;
  FaultTrigger trigger = FaultTrigger::kAccessIndex;
  std::uint64_t index = 0;
  unsigned reg = 0;
  long nth = -1;
  double probability = 0.0;
  std::uint16_t mask = 0;
  std::uint16_t value = 0;
  int addr = -1;  // -1: any address
  // For the kinds that fail with an errno (fails_with_errno()): the access reaches the
  // device first (a read's latching bits are consumed, a write takes
  // effect) and the bus returns the error after it, as the Asix USB
  // adapters' MDIO does when the MII transfer went through and a later USB
  // control transfer fails (asix_mdio_read()/asix_mdio_write()). Without
  // it the frame never reaches the device.
  bool delivered = false;
  // Added by refdrv itself (the fault sweep's one failed access), not by the
  // scenario: a `clear-faults` step leaves it in place, and the accesses it
  // failed are recorded (FaultInjector::harness_hits).
  bool harness = false;
  bool operator==(const FaultRule&) const = default;
};

[[nodiscard]] std::string fault_kind_name(FaultKind k);
[[nodiscard]] std::optional<FaultKind> fault_kind_from(const std::string& name);

// What to do with one access.
struct FaultDecision {
  bool fault = false;
  int error = 0;               // negative errno to return, 0 = none
  bool suppress = false;       // the access does not reach the device (an error without it: it did, then failed)
  std::optional<std::uint16_t> read_override;  // value to return instead
  std::uint16_t or_mask = 0, and_mask = 0xffff, xor_mask = 0;  // applied to the device's value
  const FaultRule* rule = nullptr;
};

class FaultInjector {
 public:
  FaultInjector() = default;
  FaultInjector(std::vector<FaultRule> rules, std::uint64_t seed);

  // Decide for the next access; `write` tells whether it is a write.
  FaultDecision decide(int addr, unsigned reg, bool write);

  [[nodiscard]] std::uint64_t accesses() const { return accesses_; }
  [[nodiscard]] std::uint64_t injected() const { return injected_; }
  [[nodiscard]] bool empty() const { return rules_.empty(); }
  // `tag`: who added the rule, for never_fired() (-1: nobody asks).
  void add(FaultRule rule, int tag = -1) {
    rules_.push_back(rule);
    reg_counts_.push_back(0);
    tags_.push_back(tag);
    fired_.push_back(false);
  }
  // The tags of the rules, cleared or not, whose trigger never fired (the
  // access it names never came, the register was never read): a run that
  // passed with one did not see the fault it describes.
  [[nodiscard]] std::vector<int> never_fired() const;
  // Removes every rule the scenario added (not the harness's); the access
  // count goes on.
  void clear_rules();
  // Starts the random draws from `seed` instead, as if constructed with it;
  // only before the first draw (false after one: the draws made so far came
  // from the old seed). A snapshot taken before any draw serves every seed.
  bool reseed(std::uint64_t seed);
  [[nodiscard]] std::uint64_t draws() const { return draws_; }
  // The indexes of the accesses a harness rule failed.
  [[nodiscard]] const std::vector<std::uint64_t>& harness_hits() const { return harness_hits_; }

 private:
  std::uint64_t next_random();
  std::vector<FaultRule> rules_;
  std::vector<std::uint64_t> reg_counts_;  // per rule: accesses counted (register), fired or not (access)
  std::vector<int> tags_;                  // per rule: add()'s tag
  std::vector<bool> fired_;                // per rule: its trigger fired on an access it applies to
  std::vector<int> cleared_unfired_;       // the tags of cleared rules that never fired
  static constexpr std::uint64_t kSeedZeroState = 0x853c49e6748fea9bULL;  // what seed 0 starts from
  std::uint64_t state_ = kSeedZeroState;
  std::uint64_t draws_ = 0;
  std::uint64_t accesses_ = 0;
  std::uint64_t injected_ = 0;
  std::vector<std::uint64_t> harness_hits_;
};

}  // namespace refdrv::hw
