// The error hierarchy shared by every layer. The pure core returns values and never throws
// these; connectors throw them so that the daemon can decide from the type alone whether a
// retry can help (TransientError), a person must fix the configuration (ConfigError), or the
// data itself is bad (DataError), the database's rules refused it (Refused), or the work was
// stopped on request (Cancelled).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace valtuus {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A retry later may succeed: a server down, a timeout, a dropped connection.
class TransientError : public Error {
 public:
  using Error::Error;
};

// A connection to the database broke while in use: the session is gone, so the caller opens a
// new one before it tries again. what() is the driver's message.
class ConnectionLost : public TransientError {
 public:
  using TransientError::TransientError;
};

// A person must change the configuration: a wrong password, a missing option, a bad
// certificate, an unknown schema version. Retrying will not help.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// Input data is malformed: a directory value, a policy file, a CSV row.
class DataError : public Error {
 public:
  using Error::Error;
};

// The database's rules refused the operation: a decision against the state machine or on a
// stale version, four eyes, a missing grant. Retrying the same will not help. what() is its
// words for a person (one line; for a missing grant, which role the login needs); detail() is
// the database's message as it came.
class Refused : public Error {
 public:
  Refused(const std::string& message, std::string detail)
      : Error(message), detail_(std::move(detail)) {}
  explicit Refused(const std::string& message) : Error(message), detail_(message) {}
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string detail_;
};

// The caller asked the operation to stop (the daemon got SIGTERM) and it did, before it
// finished: nothing was written. Not a failure, so neither retried nor reported as an error.
class Cancelled : public Error {
 public:
  using Error::Error;
};

}  // namespace valtuus
