#include "connectors/postgres/postgres_options.h"

#include <regex>

#include "common/secret_file.h"
#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

// libpq's quoting for a conninfo value: single quotes, backslash-escaped.
std::string quote_conninfo_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

bool mentions_password(const std::string& conninfo) {
  static const std::regex keyword(R"((^|\s)password\s*=)", std::regex::icase);
  static const std::regex uri_password(R"(^postgres(ql)?://[^/@]*:[^/@]*@)", std::regex::icase);
  return std::regex_search(conninfo, keyword) || std::regex_search(conninfo, uri_password);
}

}  // namespace

po::options_description database_options_description() {
  po::options_description options("Database (PostgreSQL)");
  options.add_options()(
      "database.conninfo", po::value<std::string>(),
      "libpq connection string, e.g. \"host=/run/postgresql dbname=valtuus\" (no password here)")(
      "database.password_file", po::value<std::string>(),
      "file holding the database password, if the server asks for one");
  return options;
}

DatabaseOptions database_options_from(const po::variables_map& vm) {
  DatabaseOptions options;
  if (!vm.count("database.conninfo") || vm["database.conninfo"].as<std::string>().empty()) {
    throw ConfigError("database.conninfo: missing; say which PostgreSQL database to use");
  }
  options.conninfo = vm["database.conninfo"].as<std::string>();
  if (mentions_password(options.conninfo)) {
    throw ConfigError("database.conninfo: must not contain a password; use database.password_file");
  }
  if (vm.count("database.password_file")) {
    options.password_file = vm["database.password_file"].as<std::string>();
  }
  return options;
}

std::unique_ptr<pqxx::connection> connect_database(const DatabaseOptions& options) {
  std::string conninfo = options.conninfo;
  if (!options.password_file.empty()) {
    const std::string password = read_secret_file(options.password_file, "database.password_file");
    conninfo += " password=" + quote_conninfo_value(password);
  }
  try {
    return std::make_unique<pqxx::connection>(conninfo);
  } catch (const pqxx::broken_connection& e) {
    std::string message = e.what();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    for (auto& c : message)
      if (c == '\n') c = ' ';
    const std::string where = "database " + redact_conninfo(options.conninfo) + ": ";
    // Authentication and naming failures need a person; anything else may pass.
    for (const char* needle : {"authentication failed", "does not exist", "no password supplied",
                               "no pg_hba.conf entry", "permission denied", "invalid "}) {
      if (message.find(needle) != std::string::npos) throw ConfigError(where + message);
    }
    throw TransientError(where + message);
  }
}

std::string redact_conninfo(const std::string& conninfo) {
  static const std::regex keyword(R"((password\s*=\s*)('([^'\\]|\\.)*'|\S+))", std::regex::icase);
  static const std::regex uri(R"(^(postgres(ql)?://[^/:@]*:)[^/@]*@)", std::regex::icase);
  std::string out = std::regex_replace(conninfo, keyword, "$1***");
  return std::regex_replace(out, uri, "$1***@");
}

}  // namespace valtuus
