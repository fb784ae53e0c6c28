// The stderr path of the logger, the journal-stream check and the field-name rules.
#include "common/log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace valtuus {
namespace {

// Captures what the logger writes to file descriptor 2 while it lives.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    file_ = std::tmpfile();
    saved_ = dup(STDERR_FILENO);
    dup2(fileno(file_), STDERR_FILENO);
  }
  ~StderrCapture() {
    restore();
    std::fclose(file_);
  }
  // Device and inode of the file stderr now points at, as $JOURNAL_STREAM would name them.
  std::string device_inode() const {
    struct stat st {};
    fstat(fileno(file_), &st);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  std::string text() {
    std::fflush(stderr);
    std::string out;
    std::rewind(file_);
    char buffer[512];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) out.append(buffer, n);
    return out;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  std::FILE* file_ = nullptr;
  int saved_ = -1;
};

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("JOURNAL_STREAM");
    set_log_program("valtuus-test");
    set_log_threshold(LogLevel::kInfo);
  }
  void TearDown() override {
    unsetenv("JOURNAL_STREAM");
    set_log_threshold(LogLevel::kInfo);
  }
};

TEST_F(LogTest, WritesOneLinePerEventWithProgramAndLevel) {
  StderrCapture capture;
  log_info("sync run 7 finished");
  log_warning("directory read incomplete");
  log_error("database connection lost");
  EXPECT_EQ(capture.text(),
            "valtuus-test: info: sync run 7 finished\n"
            "valtuus-test: warning: directory read incomplete\n"
            "valtuus-test: error: database connection lost\n");
}

TEST_F(LogTest, AMultiLinePostgresqlErrorIsOneLine) {
  StderrCapture capture;
  log_warning(
      "sync failed: ERROR:  duplicate key value violates unique constraint \"x\"\n"
      "DETAIL:  Key (id)=(1) already exists.\r\n"
      "HINT:  none\n\n");
  EXPECT_EQ(capture.text(),
            "valtuus-test: warning: sync failed: ERROR:  duplicate key value violates unique "
            "constraint \"x\"; DETAIL:  Key (id)=(1) already exists.; HINT:  none\n");
}

TEST(OneLineTest, ControlCharactersCannotForgeALine) {
  EXPECT_EQ(one_line("a\x1b[31mb\x7f\tc"), "a\\x1b[31mb\\x7f\tc");
  EXPECT_EQ(one_line("entry \nvaltuusd: info: forged"), "entry; valtuusd: info: forged");
  EXPECT_EQ(one_line("  \n\n "), "");
  EXPECT_EQ(one_line("plain"), "plain");
  // UTF-8 is kept as it is.
  EXPECT_EQ(one_line("Åström, Öhman"), "Åström, Öhman");
}

TEST_F(LogTest, FieldsAreNotPrintedOnStderr) {
  StderrCapture capture;
  log(LogLevel::kInfo, "run held", {{"VALTUUS_RUN_ID", "42"}, {"VALTUUS_HELD_REASON", "share"}});
  EXPECT_EQ(capture.text(), "valtuus-test: info: run held\n");
}

TEST_F(LogTest, ThresholdDropsLowerLevels) {
  StderrCapture capture;
  log(LogLevel::kDebug, "not shown");
  set_log_threshold(LogLevel::kWarning);
  log_info("not shown either");
  log_warning("shown");
  set_log_threshold(LogLevel::kDebug);
  log(LogLevel::kDebug, "now shown");
  EXPECT_EQ(capture.text(), "valtuus-test: warning: shown\nvaltuus-test: debug: now shown\n");
}

TEST_F(LogTest, JournalStreamOfAnotherFileKeepsLinesOnStderr) {
  StderrCapture capture;
  // A service whose stderr was redirected after start: the variable names another stream.
  setenv("JOURNAL_STREAM", "1:999999999", 1);
  log_info("still a line");
  EXPECT_EQ(capture.text(), "valtuus-test: info: still a line\n");
}

TEST_F(LogTest, UnderTheJournalEntriesAreSentStructuredNotAsLines) {
  StderrCapture capture;
  // stderr is the stream $JOURNAL_STREAM names: the entry goes through the journal's native
  // protocol (with its fields), so no unstructured copy may appear on stderr. (Without a
  // journald, libsystemd drops it silently, as it documents.)
  setenv("JOURNAL_STREAM", capture.device_inode().c_str(), 1);
  log(LogLevel::kError, "run 7 failed", {{"VALTUUS_RUN_ID", "7"}});
  EXPECT_EQ(capture.text(), "");
  unsetenv("JOURNAL_STREAM");
  log(LogLevel::kError, "run 8 failed");
  EXPECT_EQ(capture.text(), "valtuus-test: error: run 8 failed\n");
}

TEST(JournalStreamTest, MatchesOnlyTheSameDeviceAndInode) {
  EXPECT_TRUE(journal_stream_matches("64769:1234567", 64769, 1234567));
  EXPECT_FALSE(journal_stream_matches("64769:1234567", 64769, 1234568));
  EXPECT_FALSE(journal_stream_matches("64769:1234567", 64770, 1234567));
  EXPECT_FALSE(journal_stream_matches(nullptr, 0, 0));
  EXPECT_FALSE(journal_stream_matches("", 0, 0));
  EXPECT_FALSE(journal_stream_matches("64769", 64769, 0));
  EXPECT_FALSE(journal_stream_matches("64769:", 64769, 0));
  EXPECT_FALSE(journal_stream_matches(":1234567", 0, 1234567));
  EXPECT_FALSE(journal_stream_matches("64769:1234567x", 64769, 1234567));
  EXPECT_FALSE(journal_stream_matches("-1:5", static_cast<unsigned long long>(-1), 5));
  EXPECT_FALSE(journal_stream_matches("0x10:5", 16, 5));
}

TEST(LogFieldNameTest, AcceptsJournalStyleNames) {
  EXPECT_TRUE(is_valid_log_field_name("VALTUUS_RUN_ID"));
  EXPECT_TRUE(is_valid_log_field_name("A"));
  EXPECT_TRUE(is_valid_log_field_name("ITEMS_2"));
  EXPECT_TRUE(is_valid_log_field_name(std::string(64, 'X')));
}

TEST(LogFieldNameTest, RefusesWhatTheJournalWouldRefuseOrWeSetOurselves) {
  EXPECT_FALSE(is_valid_log_field_name(""));
  EXPECT_FALSE(is_valid_log_field_name(std::string(65, 'X')));
  EXPECT_FALSE(is_valid_log_field_name("valtuus_run_id"));  // lower case
  EXPECT_FALSE(is_valid_log_field_name("RUN-ID"));
  EXPECT_FALSE(is_valid_log_field_name("RUN ID"));
  EXPECT_FALSE(is_valid_log_field_name("RUN=ID"));
  EXPECT_FALSE(is_valid_log_field_name("_PID"));      // trusted fields are the journal's
  EXPECT_FALSE(is_valid_log_field_name("2FA_USED"));  // starts with a digit
  EXPECT_FALSE(is_valid_log_field_name("ÄÄNI"));      // ASCII only
  EXPECT_FALSE(is_valid_log_field_name("MESSAGE"));   // log() sets these itself
  EXPECT_FALSE(is_valid_log_field_name("PRIORITY"));
  EXPECT_FALSE(is_valid_log_field_name("SYSLOG_IDENTIFIER"));
}

}  // namespace
}  // namespace valtuus
