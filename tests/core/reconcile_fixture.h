// A small policy and helpers shared by the reconcile tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/reconcile.h"

namespace valtuus {

using std::chrono::days;
using std::chrono::sys_days;

inline const TimePoint kNow = std::chrono::sys_seconds{sys_days{std::chrono::year{2026} / 11 / 24}};

inline Employee person(std::string key, std::string department, std::string title) {
  Employee e;
  e.key = key;
  e.account = "acct-" + key;
  e.department = std::move(department);
  e.title = std::move(title);
  return e;
}

class ReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy.catalog.push_back(mandate("kela-etuustiedot", true));
    policy.catalog.push_back(mandate("te-tyonhakija", true));
    policy.catalog.push_back(mandate("okm-avustukset", false));
    AuthorisationMap dept;
    dept.id = "elinkeinoasiat";
    dept.match.department = {"Elinkeinoasiat"};
    dept.grants.push_back({"kela-etuustiedot", "Handles Kela benefit data", {"maps/e.yaml", 7, 9}});
    AuthorisationMap coach;
    coach.id = "omavalmentaja";
    coach.match.department = {"Elinkeinoasiat"};
    coach.match.title = {"Omavalmentaja"};
    coach.grants.push_back({"te-tyonhakija", "Advises job seekers", {"maps/e.yaml", 14, 9}});
    coach.grants.push_back({"okm-avustukset", "Applies for grants", {"maps/e.yaml", 15, 9}});
    policy.maps = {dept, coach};
    snapshot.complete = true;
    snapshot.read_at = kNow;
  }

  static MandateIssue mandate(std::string id, bool holds) {
    MandateIssue m;
    m.id = std::move(id);
    m.name_fi = m.id;
    m.service = "Kela";
    m.organisation_holds = holds;
    return m;
  }

  Plan run() { return reconcile({snapshot, policy, state, rules, kNow}); }

  // Stores a plan as the database would: new items open, superseded ones closed.
  void store(const Plan& plan) {
    for (long long id : plan.supersede) {
      std::erase_if(open_items, [&](const OpenItem& i) { return i.id == id; });
    }
    for (const ProposedItem& p : plan.add) {
      open_items.push_back(
          {next_id++, p.kind, ItemState::kProposed, p.employee_key, p.mandate, p.fingerprint});
    }
  }

  const ProposedItem* find(const Plan& plan, ChangeKind kind, const std::string& key,
                           const std::string& mandate_id) {
    for (const ProposedItem& p : plan.add)
      if (p.kind == kind && p.employee_key == key && p.mandate == mandate_id) return &p;
    return nullptr;
  }

  Policy policy;
  Snapshot snapshot;
  ReconcileState state;
  LeaverRules rules;
  std::vector<LedgerGrant>& ledger = state.ledger;
  std::vector<OpenItem>& open_items = state.open_items;
  long long next_id = 1;
};

}  // namespace valtuus
