#include "connectors/postgres/catalog_writer.h"

#include <string>
#include <vector>

#include "connectors/postgres/pg_arrays.h"

namespace valtuus {

namespace {

std::string location_text(const SourceLocation& location) {
  return location.file.empty() ? "" : location.file + ":" + std::to_string(location.line);
}

}  // namespace

int write_catalog(pqxx::work& txn, long long run_id, const Policy& policy) {
  std::vector<std::string> id, code, name_fi, name_sv, name_en, service, type, location;
  std::vector<bool> holds;
  std::vector<long long> validity, notice;
  for (const MandateIssue& m : policy.catalog) {
    id.push_back(m.id);
    code.push_back(m.suomifi_code);
    name_fi.push_back(m.name_fi);
    name_sv.push_back(m.name_sv);
    name_en.push_back(m.name_en);
    service.push_back(m.service);
    type.push_back(m.type == MandateType::kEdustamisvaltuus ? "edustamisvaltuus"
                                                            : "asiointivaltuus");
    holds.push_back(m.organisation_holds);
    validity.push_back(m.max_validity_days);
    notice.push_back(m.renewal_notice_days);
    location.push_back(location_text(m.location));
  }
  return txn
      .exec_params1(
          "SELECT sync_write_catalog($1, $2::text[], $3::text[], $4::text[], $5::text[], "
          "$6::text[], $7::text[], $8::text[], $9::boolean[], $10::integer[], $11::integer[], "
          "$12::text[])",
          run_id, text_array_literal(id), text_array_literal(code), text_array_literal(name_fi),
          text_array_literal(name_sv), text_array_literal(name_en), text_array_literal(service),
          text_array_literal(type), bool_array_literal(holds), number_array_literal(validity),
          number_array_literal(notice), text_array_literal(location))[0]
      .as<int>();
}

}  // namespace valtuus
