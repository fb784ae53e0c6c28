#include "connectors/postgres/web_decisions.h"

#include "connectors/postgres/pg_arrays.h"

namespace valtuus {

namespace {

// The database's message without libpq's "ERROR:  " prefix and trailing context lines.
std::string reason_of(const std::exception& e) {
  std::string text = e.what();
  if (text.rfind("ERROR:", 0) == 0) text.erase(0, text.find_first_not_of(' ', 6));
  if (const auto end = text.find('\n'); end != std::string::npos) text.erase(end);
  return text;
}

// Runs one decision in its own transaction; maps the refusals the functions raise to
// WebRefusal (throw_web_refusal).
template <typename... Args>
int decide(pqxx::connection& connection, const std::string& sql, Args&&... args) {
  try {
    pqxx::work txn(connection);
    const int version = txn.exec_params1(sql, std::forward<Args>(args)...)[0].template as<int>();
    txn.commit();
    return version;
  } catch (const pqxx::failure&) {  // sql_error, and transaction_rollback in libpqxx 6.4
    throw_web_refusal();
  }
}

}  // namespace

// libpqxx 6.4 throws a class per SQLSTATE family but does not always fill in sqlstate(), so
// the class decides first. Anything else (a lost connection) passes as it is.
void throw_web_refusal() {
  try {
    throw;
  } catch (const pqxx::serialization_failure& e) {
    throw WebRefusal(WebRefusal::Kind::kStale, reason_of(e));
  } catch (const pqxx::insufficient_privilege& e) {
    throw WebRefusal(WebRefusal::Kind::kNotAllowed, reason_of(e));
  } catch (const pqxx::plpgsql_no_data_found& e) {
    throw WebRefusal(WebRefusal::Kind::kNotFound, reason_of(e));
  } catch (const pqxx::integrity_constraint_violation& e) {
    throw WebRefusal(WebRefusal::Kind::kInvalid, reason_of(e));
  } catch (const pqxx::data_exception& e) {
    throw WebRefusal(WebRefusal::Kind::kInvalid, reason_of(e));
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    if (state == "42501") throw WebRefusal(WebRefusal::Kind::kNotAllowed, reason_of(e));
    if (state == "P0002") throw WebRefusal(WebRefusal::Kind::kNotFound, reason_of(e));
    // object_not_in_prerequisite_state: a held item.
    if (state == "55000") throw WebRefusal(WebRefusal::Kind::kInvalid, reason_of(e));
    throw;
  }
}

std::string WebDecisions::record_login(const WebLogin& login) {
  pqxx::work txn(connection_);
  const std::string account =
      txn.exec_params1("SELECT web_record_login($1, $2, $3::text[], $4::interval)", login.account,
                       login.display_name, text_array_literal(login.roles),
                       std::to_string(login.session_lifetime.count()) + " seconds")[0]
          .as<std::string>();
  txn.commit();
  return account;
}

int WebDecisions::approve(const std::string& person, long long item, int version) {
  return decide(connection_, "SELECT web_approve_item($1, $2, $3)", person, item, version);
}

int WebDecisions::reject(const std::string& person, long long item, int version,
                         const std::string& reason,
                         const std::optional<std::string>& exception_until) {
  return decide(connection_, "SELECT web_reject_item($1, $2, $3, $4, $5::timestamptz)", person,
                item, version, reason, exception_until);
}

int WebDecisions::applied(const std::string& person, long long item, int version,
                          const std::string& note) {
  return decide(connection_, "SELECT web_mark_item_applied($1, $2, $3, $4)", person, item, version,
                note);
}

int WebDecisions::done(const std::string& person, long long item, int version,
                       const std::optional<std::string>& executed_at,
                       const std::optional<std::string>& valid_until, const std::string& note) {
  return decide(connection_, "SELECT web_mark_item_done($1, $2, $3, $4::timestamptz, $5::date, $6)",
                person, item, version, executed_at, valid_until, note);
}

int WebDecisions::failed(const std::string& person, long long item, int version,
                         const std::string& reason) {
  return decide(connection_, "SELECT web_mark_item_failed($1, $2, $3, $4)", person, item, version,
                reason);
}

int WebDecisions::approve_all(const std::string& person,
                              const std::vector<std::pair<long long, int>>& items,
                              const std::string& comment) {
  std::vector<long long> ids, versions;
  for (const auto& [id, version] : items) {
    ids.push_back(id);
    versions.push_back(version);
  }
  return decide(connection_, "SELECT web_approve_items($1, $2::bigint[], $3::integer[], $4)",
                person, number_array_literal(ids), number_array_literal(versions), comment);
}

int WebDecisions::release_run(const std::string& person, long long run, const std::string& note) {
  return decide(connection_, "SELECT web_release_run($1, $2, $3)", person, run, note);
}

int WebDecisions::discard_run(const std::string& person, long long run, const std::string& reason) {
  return decide(connection_, "SELECT web_discard_run($1, $2, $3)", person, run, reason);
}

}  // namespace valtuus
