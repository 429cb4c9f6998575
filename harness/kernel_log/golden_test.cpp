// Golden console logs: every testdata/*.log must parse to exactly the reports in its *.expected.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/kernel_log/console_parser.h"
#include "harness/common/files.h"
#include "harness/common/text.h"

namespace mh::kernel_log {
namespace {

namespace fs = std::filesystem;

fs::path testdata_dir() {
    const char* root = std::getenv("MH_SOURCE_DIR");
    return fs::path(root != nullptr ? root : ".") / "harness" / "kernel_log" / "testdata";
}

// *.expected: one "kind title" per report, '#' comments and blank lines ignored.
std::vector<std::string> read_expected(const fs::path& p) {
    std::vector<std::string> out;
    const std::string text = read_text_file(p).value_or("");
    for (auto [line, number] : lines(text)) {
        if (line.empty() || line[0] == '#') continue;
        out.emplace_back(line);
    }
    return out;
}

std::vector<std::string> describe(const std::vector<kernel_log::CrashReport>& reports) {
    std::vector<std::string> out;
    for (const kernel_log::CrashReport& r : reports) out.push_back(std::string(kernel_log::crash_kind_name(r.kind)) + " " + r.title);
    return out;
}

std::vector<fs::path> golden_logs() {
    std::vector<fs::path> logs;
    for (const auto& e : fs::directory_iterator(testdata_dir()))
        if (e.path().extension() == ".log") logs.push_back(e.path());
    std::sort(logs.begin(), logs.end());
    return logs;
}

std::string to_crlf(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

// NULs where a UART reset would put them: at the start of the log and of every 7th line.
std::string with_nuls(const std::string& s) {
    std::string out(3, '\0');
    std::size_t line = 0;
    for (char c : s) {
        out += c;
        if (c == '\n' && ++line % 7 == 0) out += '\0';
    }
    return out;
}

TEST(Golden, TestdataIsPresent) {
    std::vector<fs::path> logs = golden_logs();
    EXPECT_GE(logs.size(), 25u) << testdata_dir();
    for (const fs::path& log : logs) {
        fs::path expected = log;
        expected.replace_extension(".expected");
        EXPECT_TRUE(fs::exists(expected)) << "missing " << expected;
    }
}

TEST(Golden, EveryLogParsesToItsExpectedReports) {
    for (const fs::path& log : golden_logs()) {
        fs::path expected_path = log;
        expected_path.replace_extension(".expected");
        std::string text = read_text_file(log).value_or("");
        std::vector<std::string> expected = read_expected(expected_path);
        std::vector<kernel_log::CrashReport> reports = kernel_log::parse_console(text);
        EXPECT_EQ(describe(reports), expected) << log.filename();
        for (const kernel_log::CrashReport& r : reports) {
            EXPECT_LT(r.begin, r.end) << log.filename();
            EXPECT_LE(r.end, text.size()) << log.filename();
            EXPECT_FALSE(r.excerpt.empty()) << log.filename();
            EXPECT_LE(r.excerpt.size(), kernel_log::kMaxExcerptBytes) << log.filename();
            // The excerpt starts with the line that opened the report.
            std::size_t first_nl = text.find('\n', r.begin);
            std::string first_line = text.substr(r.begin, first_nl - r.begin);
            EXPECT_EQ(r.excerpt.substr(0, first_line.size()), first_line) << log.filename();
        }
    }
}

TEST(Golden, CrlfAndNulBytesDoNotChangeTitles) {
    for (const fs::path& log : golden_logs()) {
        std::string text = read_text_file(log).value_or("");
        std::vector<std::string> plain = describe(kernel_log::parse_console(text));
        EXPECT_EQ(describe(kernel_log::parse_console(to_crlf(text))), plain) << "CRLF " << log.filename();
        EXPECT_EQ(describe(kernel_log::parse_console(with_nuls(text))), plain) << "NUL " << log.filename();
        for (const kernel_log::CrashReport& r : kernel_log::parse_console(to_crlf(text)))
            EXPECT_EQ(r.excerpt.find('\r'), std::string::npos) << log.filename();
    }
}

TEST(Golden, ConcatenatedLogsGiveConcatenatedReports) {
    // One console holding several VM runs back to back: every report is still found, in order.
    std::string all;
    std::vector<std::string> expected;
    for (const fs::path& log : golden_logs()) {
        std::string text = read_text_file(log).value_or("");
        if (!text.empty() && text.back() != '\n') text += '\n';
        // A quiet stretch longer than the panic-absorb window separates the runs.
        for (int i = 0; i < 50; ++i) all += "[    0.000000] mh-init: separator\n";
        all += text;
        fs::path e = log;
        e.replace_extension(".expected");
        for (std::string& line : read_expected(e)) expected.push_back(std::move(line));
    }
    EXPECT_EQ(describe(kernel_log::parse_console(all)), expected);
}

}  // namespace
}  // namespace mh::kernel_log
