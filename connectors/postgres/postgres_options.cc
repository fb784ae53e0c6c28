#include "connectors/postgres/postgres_options.h"

#include <algorithm>
#include <cctype>

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

bool starts_with_icase(const std::string& text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  }
  return true;
}

// Where the value of a `password=` keyword starts in a key=value conninfo, and where it ends
// (a quoted value may hold spaces and escaped quotes); npos when there is none.
std::pair<std::size_t, std::size_t> keyword_password(const std::string& conninfo) {
  for (std::size_t at = 0; at < conninfo.size(); ++at) {
    if ((at > 0 && !std::isspace(static_cast<unsigned char>(conninfo[at - 1]))) ||
        !starts_with_icase(conninfo, at, "password")) {
      continue;
    }
    std::size_t eq = at + 8;
    while (eq < conninfo.size() && std::isspace(static_cast<unsigned char>(conninfo[eq]))) ++eq;
    if (eq >= conninfo.size() || conninfo[eq] != '=') continue;
    std::size_t begin = eq + 1;
    while (begin < conninfo.size() && std::isspace(static_cast<unsigned char>(conninfo[begin])))
      ++begin;
    std::size_t end = begin;
    if (end < conninfo.size() && conninfo[end] == '\'') {
      for (++end; end < conninfo.size() && conninfo[end] != '\''; ++end) {
        if (conninfo[end] == '\\') ++end;
      }
      if (end < conninfo.size()) ++end;
    } else {
      while (end < conninfo.size() && !std::isspace(static_cast<unsigned char>(conninfo[end])))
        ++end;
    }
    return {begin, end};
  }
  return {std::string::npos, std::string::npos};
}

// In a URI "postgresql://user:password@host/db": where the password starts and ends.
std::pair<std::size_t, std::size_t> uri_password(const std::string& conninfo) {
  std::size_t scheme = conninfo.find("://");
  if (scheme == std::string::npos || !(starts_with_icase(conninfo, 0, "postgresql://") ||
                                       starts_with_icase(conninfo, 0, "postgres://"))) {
    return {std::string::npos, std::string::npos};
  }
  const std::size_t userinfo = scheme + 3;
  const std::size_t at = conninfo.find('@', userinfo);
  const std::size_t slash = conninfo.find('/', userinfo);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) {
    return {std::string::npos, std::string::npos};
  }
  const std::size_t colon = conninfo.find(':', userinfo);
  if (colon == std::string::npos || colon > at) return {std::string::npos, std::string::npos};
  return {colon + 1, at};
}

bool mentions_password(const std::string& conninfo) {
  return keyword_password(conninfo).first != std::string::npos ||
         uri_password(conninfo).first != std::string::npos;
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
  std::string out = conninfo;
  for (auto find : {keyword_password, uri_password}) {
    auto [begin, end] = find(out);
    if (begin != std::string::npos) out.replace(begin, end - begin, "***");
  }
  return out;
}

}  // namespace valtuus
