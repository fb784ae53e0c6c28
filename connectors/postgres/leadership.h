// Leadership among several daemons sharing one database: the leader is the one whose own
// session holds a PostgreSQL advisory lock. The lock lives as long as that session, so a leader
// that dies (or loses its connection) frees it at once and a follower's next poll takes over.
// SyncStore's transaction-level lock (kSyncLock) still serialises the runs themselves, so a
// `valtuusd --once` run by hand never interleaves with the leader's run.
#pragma once

#include <memory>

#include "connectors/postgres/database_options.h"

namespace valtuus {

// The session lock's key: "VALTUUS" followed by 01 (kSyncLock in sync_store.cc is 02). Any
// constant works as long as every daemon of one database uses the same one; it is spelt out
// so that an administrator can find the leader in pg_locks (objid = 0x55555301 & classid).
constexpr long long kLeaderLockKey = 0x56414c5455555301LL;

class Leadership {
 public:
  // Uses its own connection, opened on the first acquire(): the lock must not depend on the
  // sync connection, which is reconnected after errors.
  explicit Leadership(DatabaseOptions options, long long key = kLeaderLockKey);
  ~Leadership();
  Leadership(const Leadership&) = delete;
  Leadership& operator=(const Leadership&) = delete;

  // Makes sure this process leads: when it already holds the lock, checks that the lock's
  // session is still alive; otherwise (or when the session was lost, and the lock with it)
  // opens a session if needed and tries the lock without waiting. Returns whether it leads
  // now. Throws TransientError or ConfigError when the database cannot be reached.
  bool acquire();

  // Whether the last acquire() found this process leading.
  bool leading() const { return leading_; }

  // Gives the lock up (closing the session), e.g. before exiting.
  void release();

 private:
  bool still_held();

  DatabaseOptions options_;
  long long key_;
  struct Session;  // the lock's own connection
  std::unique_ptr<Session> session_;
  bool leading_ = false;
  int lock_pid_ = 0;  // the backend whose session holds the lock
};

}  // namespace valtuus
