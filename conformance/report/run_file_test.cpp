// Loading runs: file or directory, clear errors naming the file, no crash on truncated/garbled input.
#include "conformance/report/run_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

#include "conformance/report/report.h"
#include "conformance/report/test_support.h"
#include "harness/common/files.h"

namespace mh::conformance {
namespace {

std::filesystem::path temp_file(const std::string& name, const std::string& bytes) {
    auto dir = std::filesystem::temp_directory_path() / ("mh_run_file_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto p = dir / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
}

TEST(LoadRun, DirectoryAndFile) {
    auto a = load_run(testing::testdata() / "run_a");
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ((*a)["cases"].size(), 14u);
    EXPECT_EQ((*a)["kernel"]["name"], "debian-6.1-cloud");
    auto b = load_run(testing::testdata() / "run_b.json");
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ((*b)["cases"].size(), 14u);
}

TEST(LoadRun, ErrorsNameTheFile) {
    auto missing = load_run("/nonexistent/run");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message, "/nonexistent/run: no such file or directory");

    auto empty_dir = std::filesystem::temp_directory_path() / ("mh_run_file_empty_" + std::to_string(::getpid()));
    std::filesystem::create_directories(empty_dir);
    auto no_json = load_run(empty_dir);
    ASSERT_FALSE(no_json.ok());
    EXPECT_NE(no_json.error().message.find("holds no conformance.json"), std::string::npos);
    std::filesystem::remove(empty_dir);

    auto bad = temp_file("bad.json", "{\"schema\": ");
    auto r = load_run(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind(bad.string() + ": ", 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find("parse error"), std::string::npos) << r.error().message;

    auto empty = load_run(temp_file("empty.json", ""));
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.error().message.find("empty file"), std::string::npos);
    std::filesystem::remove_all(bad.parent_path());
}

TEST(ParseRun, SchemaChecks) {
    EXPECT_EQ(parse_run("[1,2]", "x.json").error().message,
              "x.json: not a conformance run (top level is a JSON array, expected an object with \"schema\": "
              "\"modharness.conformance/1\")");
    EXPECT_NE(parse_run("{\"cases\":[]}", "x.json").error().message.find("no \"schema\" string"), std::string::npos);
    auto result_line = parse_run("{\"schema\":\"modharness.result/1\"}", "r.jsonl");
    ASSERT_FALSE(result_line.ok());
    EXPECT_NE(result_line.error().message.find("pass the run's conformance.json"), std::string::npos);
    EXPECT_EQ(parse_run("{\"schema\":\"modharness.conformance/1\",\"cases\":{}}", "x").error().message,
              "x: \"cases\" is a JSON object, expected an array");
    auto no_cases = parse_run("{\"schema\":\"modharness.conformance/1\"}", "x");
    ASSERT_TRUE(no_cases.ok());
    EXPECT_TRUE((*no_cases)["cases"].is_array());
}

// Everything a report does with a run that passed parse_run must not throw.
void render_everything(const nlohmann::json& run, const nlohmann::json& other) {
    EXPECT_NO_THROW({
        (void)summary_text(run);
        (void)junit_xml(run);
        auto d = diff_runs(run, other);
        (void)diff_text(d);
        (void)html_report(run, &d);
        (void)diff_html(diff_runs(other, run));
    });
}

TEST(ParseRun, TruncatedAndGarbledInputNeverCrash) {
    std::string bytes = read_text_file(testing::testdata() / "run_a/conformance.json").value_or("");
    ASSERT_GT(bytes.size(), 1000u);
    auto good = parse_run(bytes, "a");
    ASSERT_TRUE(good.ok());
    int truncated_ok = 0;
    for (std::size_t n = 0; n < bytes.size(); n += 37) {
        auto r = parse_run(std::string_view(bytes).substr(0, n), "t");
        if (r.ok())
            ++truncated_ok;
        else
            EXPECT_EQ(r.error().message.rfind("t: ", 0), 0u);
    }
    EXPECT_EQ(truncated_ok, 0);  // a JSON object cut short is never valid
    uint32_t x = 7;
    int parsed = 0;
    for (int round = 0; round < 400; ++round) {
        std::string g = bytes;
        for (int k = 0; k < 3; ++k) {
            x = x * 1103515245u + 12345u;
            std::size_t at = (x >> 8) % g.size();
            x = x * 1103515245u + 12345u;
            g[at] = static_cast<char>(x >> 24);
        }
        Expected<nlohmann::json> r = make_error("unset");
        EXPECT_NO_THROW(r = parse_run(g, "g"));
        if (r.ok()) {
            ++parsed;
            render_everything(*r, *good);
        }
    }
    EXPECT_GT(parsed, 0);  // some flips land inside strings: those runs must render too
}

TEST(ParseRun, WrongTypesEverywhereStillRender) {
    const char* hostile = R"({"schema":"modharness.conformance/1","kernel":"str","classes":[1],"groups":{"g":1},
        "wall_seconds":"fast","summary":7,
        "cases":[1,"x",null,{"id":5,"group":["g"],"class":{"c":1},"verdict":["PASS"],"input":"x","kmsg":"one line",
                 "expect":{"a":1},"man_expect":3,"followed":false,"errno":-1,"console_excerpt":12,"ns":"slow"},
                {"id":"dup","verdict":"WEIRD","input":{"call":7}},{"id":"dup","verdict":"PASS"},
                {"groups":[{"completed":"no"}]}]})";
    auto r = parse_run(hostile, "h");
    ASSERT_TRUE(r.ok()) << r.error().message;
    render_everything(*r, *r);
    // An unknown verdict is something wrong with the run: it is reported, as an error in JUnit.
    EXPECT_NE(junit_xml(*r).find("<error type=\"WEIRD\""), std::string::npos);
    EXPECT_EQ(testing::xml_problem(junit_xml(*r)), "");
}

TEST(ParseRun, DeepNestingDoesNotOverflow) {
    std::string deep = "{\"schema\":\"modharness.conformance/1\",\"cases\":[{\"id\":\"d\",\"errno\":" + std::string(20000, '[') +
                       std::string(20000, ']') + "}]}";
    auto r = parse_run(deep, "deep");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "deep: JSON nests deeper than 256 levels; a conformance run needs a handful");
    // Brackets inside strings do not count; 100 levels of real nesting are fine and render.
    std::string fine = "{\"schema\":\"modharness.conformance/1\",\"cases\":[{\"id\":\"[[[[\\\"[[\",\"errno\":" + std::string(100, '[') +
                       std::string(100, ']') + "}]}";
    auto f = parse_run(fine, "fine");
    ASSERT_TRUE(f.ok()) << f.error().message;
    render_everything(*f, *f);
    EXPECT_NE(summary_text(*f).find("got [[[[[[[["), std::string::npos);
}

}  // namespace
}  // namespace mh::conformance
