#include "harness/lava/lava_log.h"

#include <gtest/gtest.h>

namespace mh::lava {
namespace {

// Lines in the shape lava-run writes them (PyYAML flow style, every scalar double-quoted).
const char* kLog = R"(- {"dt": "2026-12-05T14:01:02.000001", "lvl": "info", "msg": "start: 1 tmpfs-deploy (timeout 00:05:00) [common]"}
{"dt": "2026-12-05T14:01:09.5", "lvl": "target", "msg": "[    0.000000] Linux version 6.1.0-57-cloud-amd64\r"}
{"dt": "2026-12-05T14:01:10.1", "lvl": "target", "msg": "MH1 31 0a1b2c3d type=hello version=1 release=x"}
{"dt": "2026-12-05T14:01:10.2", "lvl": "target", "msg": "a \"quoted\" \\ word\ttab \x1b[0m \u00e9"}
{"dt": "2026-12-05T14:01:11.0", "lvl": "results", "msg": {"case": "ok_init", "definition": "modharness", "extra": {"test_case_id": "ok-init"}, "level": "3.1", "measurement": "0", "result": "pass"}}
{"dt": "2026-12-05T14:01:11.5", "lvl": "feedback", "msg": "[    2.596659] reboot: Restarting system", "ns": "common"}
{"dt": "2026-12-05T14:01:12.0", "lvl": "error", "msg": "Connection closed"}
this line is not a record
{"dt": "2026-12-05T14:01:13.0", "lvl": "results", "msg": {"case": "job", "definition": "lava", "result": "fail", "extra": [{"a": "b"}]}}
)";

TEST(LavaLog, KeepsTheConsoleResultsAndErrorsAndCountsBadLines) {
    const JobLog log = parse_job_log(kLog);
    EXPECT_EQ(log.records, 8u);
    EXPECT_EQ(log.bad_lines, 1u);
    EXPECT_EQ(log.console,
              "[    0.000000] Linux version 6.1.0-57-cloud-amd64\n"
              "MH1 31 0a1b2c3d type=hello version=1 release=x\n"
              "a \"quoted\" \\ word\ttab \x1b[0m \xc3\xa9\n"
              "[    2.596659] reboot: Restarting system\n");
    ASSERT_EQ(log.results.size(), 2u);
    EXPECT_EQ(log.results[0].definition, "modharness");
    EXPECT_EQ(log.results[0].name, "ok-init") << "the id as the executor wrote it, not LAVA's ok_init";
    EXPECT_EQ(log.results[0].result, "pass");
    EXPECT_EQ(log.results[0].measurement, "0");
    EXPECT_EQ(log.results[1].definition, "lava");
    EXPECT_EQ(log.results[1].result, "fail");
    ASSERT_EQ(log.errors.size(), 1u);
    EXPECT_EQ(log.errors[0], "Connection closed");
}

TEST(LavaLog, RejectsWhatIsNotAFlowMappingOfQuotedScalars) {
    EXPECT_FALSE(parse_record(R"({"dt": "x", "lvl": "target", "msg": "unterminated})"));
    EXPECT_FALSE(parse_record(R"({"dt" "x"})"));
    EXPECT_FALSE(parse_record(R"({"msg": "\u12"})"));
    EXPECT_FALSE(parse_record(R"({"msg": "a"} trailing)"));
    EXPECT_FALSE(parse_record("plain text"));
    auto ok = parse_record(R"(- {"lvl": "debug", "msg": {"a": {"b": "c"}}})");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->at("msg.a.b"), "c");
}

}  // namespace
}  // namespace mh::lava
