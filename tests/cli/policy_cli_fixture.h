// A small policy and people for the unit tests of valtuusctl's policy helpers: parsed by the
// real loader so that SourceLocations are real.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/employee.h"
#include "policies/policy_loader.h"

namespace valtuus::testing {

inline constexpr TimePoint kNow{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}};

inline const char* kCatalog = R"(mandates:
  - {id: kela, name: {fi: Kela-nimi, sv: Kela-namn, en: Kela name}, service: Kela}
  - {id: tyonhakija, name: {fi: Työnhakija}, service: TE-palvelut}
  - {id: avustus, name: {fi: Avustus}, service: ELY, organisation_holds: false}
)";

// Line numbers matter: the tests assert them.
inline const char* kMaps = R"(maps:
  - id: elinkeinoasiat
    match: {department: [Elinkeinoasiat]}
    except: {title: [Harjoittelija]}
    grants:
      - {mandate: kela, why: Department needs Kela}
  - id: omavalmentaja
    match: {department: [Elinkeinoasiat], title: [Omavalmentaja]}
    grants:
      - {mandate: kela, why: Coach views benefits}
      - {mandate: tyonhakija, why: Coach supports job seekers}
  - id: koordinaattori
    match: {department: [Elinkeinoasiat], title: [Koordinaattori]}
    grants:
      - {mandate: avustus, why: Coordinator applies}
)";

inline Policy parse_or_fail(const std::string& catalog, const std::string& maps) {
  PolicyLoadResult result = parse_policy({{"catalog.yaml", catalog}, {"maps.yaml", maps}});
  EXPECT_TRUE(result.errors.empty()) << format(result.errors.front());
  return result.policy ? *result.policy : Policy{};
}

inline Employee person(const std::string& key, const std::string& department,
                       const std::string& title) {
  Employee e;
  e.key = key;
  e.account = key;
  e.display_name = "Person " + key;
  e.department = department;
  e.title = title;
  e.ou = "People";
  e.identity_code = "010101-123N";  // must never be printed
  return e;
}

}  // namespace valtuus::testing
