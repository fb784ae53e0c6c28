#include "daemon/reconcile_inputs.h"

#include <cstdint>

#include "core/fingerprint.h"

#ifndef VALTUUS_VERSION
#define VALTUUS_VERSION "unknown"
#endif

namespace valtuus {

namespace {

void add_list(Fingerprinter& f, const std::vector<std::string>& values) {
  f.add(static_cast<std::uint64_t>(values.size()));
  for (const std::string& value : values) f.add(value);
}

void add_location(Fingerprinter& f, const SourceLocation& at) {
  f.add(at.file)
      .add(static_cast<std::uint64_t>(at.line))
      .add(static_cast<std::uint64_t>(at.column));
}

void add_selectors(Fingerprinter& f, const Selectors& s) {
  add_list(f, s.department);
  add_list(f, s.title);
  add_list(f, s.group);
  add_list(f, s.ou);
}

}  // namespace

std::string reconcile_inputs_digest(const Policy& policy, const LeaverRules& rules) {
  Fingerprinter f;
  // Another build may reconcile otherwise: its first run reconciles everyone.
  f.add("reconcile-inputs-1").add(VALTUUS_VERSION);
  f.add(static_cast<std::uint64_t>(policy.catalog.size()));
  for (const MandateIssue& m : policy.catalog) {
    f.add(m.id).add(m.suomifi_code).add(m.name_fi).add(m.name_sv).add(m.name_en).add(m.service);
    f.add(static_cast<std::uint64_t>(m.type)).add(m.organisation_holds ? 1 : 0);
    add_list(f, m.grant_right.holders);
    f.add(m.grant_right.until
              ? static_cast<std::uint64_t>(m.grant_right.until->time_since_epoch().count())
              : ~std::uint64_t{0});
    f.add(static_cast<std::uint64_t>(m.max_validity_days))
        .add(static_cast<std::uint64_t>(m.renewal_notice_days));
    add_location(f, m.location);
  }
  f.add(static_cast<std::uint64_t>(policy.maps.size()));
  for (const AuthorisationMap& map : policy.maps) {
    f.add(map.id).add(map.description).add(map.match_all ? 1 : 0);
    add_selectors(f, map.match);
    add_selectors(f, map.except);
    f.add(static_cast<std::uint64_t>(map.grants.size()));
    for (const MapGrant& g : map.grants) {
      f.add(g.mandate).add(g.why);
      add_location(f, g.location);
    }
    add_location(f, map.location);
  }
  add_list(f, rules.long_leave_values);
  add_list(f, rules.long_leave_ous);
  add_list(f, rules.leavers_ous);
  f.add(static_cast<std::uint64_t>(rules.leaver_grace.count()))
      .add(static_cast<std::uint64_t>(rules.mover_grace.count()));
  return f.hex();
}

}  // namespace valtuus
