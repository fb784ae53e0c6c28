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

namespace {

// Runs `work` and maps the refusals the functions raise to WebRefusal (throw_web_refusal).
template <typename Work>
auto refusals_mapped(Work&& work) {
  try {
    return work();
  } catch (const pqxx::failure&) {  // sql_error, and transaction_rollback in libpqxx 6.4
    throw_web_refusal();
  }
}

// Runs one decision in its own transaction and returns the function's one value.
template <typename Result = int, typename... Args>
Result decide(pqxx::connection& connection, const std::string& sql, Args&&... args) {
  return refusals_mapped([&] {
    pqxx::work txn(connection);
    const Result value =
        txn.exec_params1(sql, std::forward<Args>(args)...)[0].template as<Result>();
    txn.commit();
    return value;
  });
}

}  // namespace

RecordedLogin WebDecisions::record_login(const WebLogin& login) {
  pqxx::work txn(connection_);
  RecordedLogin out;
  out.account = txn.exec_params1("SELECT web_record_login($1, $2, $3::text[], $4::interval)",
                                 login.account, login.display_name, text_array_literal(login.roles),
                                 std::to_string(login.session_lifetime.count()) + " seconds")[0]
                    .as<std::string>();
  const pqxx::row row = txn.exec_params1(
      "SELECT p.roles, coalesce(p.employee_key, ''), coalesce(e.web_ref::text, '') "
      "FROM web_person p LEFT JOIN employee e ON e.key = p.employee_key WHERE p.account = $1",
      out.account);
  out.roles = parse_text_array(row[0].as<std::string>());
  out.employee_key = row[1].as<std::string>();
  out.employee_ref = row[2].as<std::string>();
  txn.commit();
  return out;
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

namespace valtuus {

// Two transactions, as the database demands: the audit event is committed before the code is
// read, and the read writes nothing.
RevealedIdentityCode WebDecisions::reveal_identity_code(const std::string& person, long long item) {
  const auto event =
      decide<long long>(connection_, "SELECT web_reveal_identity_code($1, $2)", person, item);
  return refusals_mapped([&] {
    pqxx::read_transaction txn(connection_);
    const auto row = txn.exec_params1(
        "SELECT employee_key, display_name, account, ciphertext, nonce "
        "FROM web_revealed_identity_code($1, $2)",
        person, event);
    const pqxx::binarystring ciphertext(row[3]), nonce(row[4]);
    return RevealedIdentityCode{
        row[0].as<std::string>(),
        row[1].as<std::string>(),
        row[2].as<std::string>(),
        {Bytes(ciphertext.begin(), ciphertext.end()), Bytes(nonce.begin(), nonce.end())}};
  });
}

}  // namespace valtuus
