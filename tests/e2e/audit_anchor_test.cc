// The audit trail's head anchored outside the database: a removed tail, or a trail a superuser
// rewrote and chained again, passes the hash chain but not `audit verify --anchor`.
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

class AuditAnchorTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    migrate_and_sync();
    second_ = valtuusd({"--config", config_, "--once"});
    ASSERT_EQ(second_.exit_code, 0) << second_.err;
    ASSERT_GE(count("SELECT count(*) FROM audit_event"), 2);
    // Security keeps the anchors (docs/audit-anchors.md); it reads, it writes nothing.
    security_ = config_as(logins_.make("sami", "valtuus_security"));
    ProcessResult anchor = ctl({"audit", "anchor"});
    ASSERT_EQ(anchor.exit_code, 0) << anchor.err;
    anchors_ = dir_ + "/anchors.txt";
    write_file(anchors_, "# audit anchors of the e2e test\n" + anchor.out);
  }

  ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", security_});
    return valtuusctl(args);
  }

  void as_superuser(const std::string& sql) {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(sql);
    txn.commit();
  }

  std::string security_, anchors_;
  ProcessResult second_;
};

// Every run logs the head as an anchor line, so a journal shipped off the machine keeps anchors
// without anyone remembering to take them.
TEST_F(AuditAnchorTest, EveryRunLogsTheHeadAsAnAnchorLine) {
  const std::string marker = "audit anchor: ";
  const auto at = second_.err.find(marker);
  ASSERT_NE(at, std::string::npos) << second_.err;
  const std::string line =
      second_.err.substr(at + marker.size(), second_.err.find('\n', at) - at - marker.size());
  // The same event and hash as `audit anchor` printed after the run (nothing happened since).
  const std::string anchor = ctl({"audit", "anchor"}).out;
  EXPECT_EQ(line.substr(0, line.rfind(' ')), anchor.substr(0, anchor.rfind(' '))) << line;
  const std::string file = dir_ + "/from-journal.txt";
  write_file(file, line + "\n");
  EXPECT_EQ(ctl({"audit", "verify", "--anchor", file}).exit_code, 0);
}

TEST_F(AuditAnchorTest, AnIntactTrailMatchesItsAnchor) {
  ProcessResult verified = ctl({"audit", "verify", "--anchor", anchors_});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("1 anchor(s) match"), std::string::npos) << verified.out;
  // Later events do not disturb an earlier anchor.
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  EXPECT_EQ(ctl({"audit", "verify", "--anchor", anchors_}).exit_code, 0);
}

TEST_F(AuditAnchorTest, DeletingTheNewestEventIsFoundByTheTally) {
  as_superuser(
      "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only;"
      "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event);"
      "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only;");
  ProcessResult verified = ctl({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 1) << "the tally counts the events the chain trigger saw";
  EXPECT_NE(verified.out.find("audit_tally"), std::string::npos) << verified.out;
}

// A superuser who also mends the tally leaves a trail whose chain and tally agree: only an
// anchor kept outside the database finds the lost tail.
TEST_F(AuditAnchorTest, DeletingTheNewestEventAndMendingTheTallyIsFoundOnlyByTheAnchor) {
  as_superuser(
      "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only;"
      "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event);"
      "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only;"
      "ALTER TABLE audit_tally DISABLE TRIGGER audit_tally_kept_by_chain;"
      "UPDATE audit_tally SET events = (SELECT count(*) FROM audit_event),"
      "  newest = (SELECT max(id) FROM audit_event);"
      "ALTER TABLE audit_tally ENABLE TRIGGER audit_tally_kept_by_chain;");
  EXPECT_EQ(ctl({"audit", "verify"}).exit_code, 0) << "chain and tally agree with each other";
  ProcessResult verified = ctl({"audit", "verify", "--anchor", anchors_});
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_NE(verified.out.find("beyond the end of the trail"), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find("AUDIT TRAIL BROKEN"), std::string::npos);
}

TEST_F(AuditAnchorTest, ARewrittenAndRechainedTrailIsFoundOnlyByTheAnchor) {
  as_superuser(R"sql(
    ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only;
    UPDATE audit_event SET details = '{"forged": true}' WHERE id = (SELECT min(id) FROM audit_event);
    DO $$
    DECLARE
      previous bytea := '\x'::bytea;
      event audit_event;
    BEGIN
      FOR event IN SELECT * FROM audit_event ORDER BY id LOOP
        UPDATE audit_event SET prev_hash = previous,
          hash = sha256(previous || audit_event_content(event)) WHERE id = event.id;
        SELECT hash INTO previous FROM audit_event WHERE id = event.id;
      END LOOP;
    END
    $$;
    ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only;)sql");
  EXPECT_EQ(ctl({"audit", "verify"}).exit_code, 0) << "a rechained trail passes the chain";
  ProcessResult verified = ctl({"audit", "verify", "--anchor", anchors_});
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_NE(verified.out.find("differs from the anchor"), std::string::npos) << verified.out;
}

TEST_F(AuditAnchorTest, ABadAnchorFileIsRefusedNamingTheLine) {
  const std::string bad = dir_ + "/bad.txt";
  write_file(bad, "12 not-a-hash\n");
  ProcessResult refused = ctl({"audit", "verify", "--anchor", bad});
  EXPECT_EQ(refused.exit_code, 65);
  EXPECT_NE(refused.err.find(bad + ":1: event 12: the hash must be 64 hexadecimal digits"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(ctl({"audit", "verify", "--anchor", dir_ + "/missing.txt"}).exit_code, 64);
}

}  // namespace
}  // namespace valtuus::testing
