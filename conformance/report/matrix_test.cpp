// Tests for the kernel matrix: rows joined across runs, change points, and the text and HTML renderers.
#include "conformance/report/matrix.h"

#include <gtest/gtest.h>

#include "conformance/report/matrix_html.h"
#include "conformance/report/matrix_text.h"
#include "conformance/report/test_support.h"

namespace {

using namespace mh::conformance;
using nlohmann::json;

json c(const std::string& id, const std::string& err, const std::string& verdict, const std::string& log_class = "",
       const std::string& group = "default") {
    return {{"group", group}, {"id", id},           {"class", "E1"},          {"input", {{"call", "finit"}}},
            {"errno", err},   {"verdict", verdict}, {"log_class", log_class}, {"taint_added", ""}};
}

json run(std::vector<json> cases) {
    return {{"schema", "modharness.conformance/1"}, {"cases", cases}, {"groups", json::array({{{"name", "default"}, {"vms", 2}}})}};
}

json kernel(const std::string& label) { return {{"label", label}, {"release", label + "-cloud-amd64"}, {"dir", label + "-cloud-amd64"}}; }

// Three kernels: a changes errno at the second and back at the third; b changes its log class at
// the third; c is the same everywhere; d is missing from the second kernel (not a change).
std::vector<MatrixColumn> three() {
    return {
        {kernel("6.1.0-50"),
         run({c("a", "EBADF", "PASS"), c("b", "ENOEXEC", "PASS", "elf-bad-shdr"), c("c", "0", "PASS"), c("d", "EINVAL", "FAIL")})},
        {kernel("6.1.0-53"), run({c("a", "EINVAL", "FAIL"), c("b", "ENOEXEC", "PASS", "elf-bad-shdr"), c("c", "0", "PASS")})},
        {kernel("6.1.0-57"), run({c("a", "EBADF", "PASS"), c("b", "ENOEXEC", "PASS", "elf-bad-size"), c("c", "0", "PASS"),
                                  c("d", "EINVAL", "FAIL"), c("e", "0", "PASS", "", "sig_enforce")})},
    };
}

TEST(Matrix, RowsCellsAndChangePoints) {
    json m = build_matrix(three());
    EXPECT_EQ(m["schema"], "modharness.matrix/1");
    ASSERT_EQ(m["rows"].size(), 5u);
    ASSERT_EQ(m["kernels"].size(), 3u);
    EXPECT_EQ(m["kernels"][0]["cases"], 4);
    EXPECT_EQ(m["kernels"][1]["summary"]["FAIL"], 1);
    EXPECT_EQ(m["kernels"][0]["vms"], 2);
    // Row order: the first run's order, then new rows as they appear.
    EXPECT_EQ(m["rows"][0]["id"], "a");
    EXPECT_EQ(m["rows"][4]["id"], "e");
    EXPECT_EQ(m["rows"][4]["group"], "sig_enforce");
    const json& a = m["rows"][0];
    EXPECT_EQ(a["cells"][1]["errno"], "EINVAL");
    ASSERT_EQ(a["changes"].size(), 2u);
    EXPECT_EQ(a["changes"][0]["at"], 1);
    EXPECT_EQ(a["changes"][0]["from"], 0);
    EXPECT_EQ(a["changes"][0]["fields"], json::array({"errno", "verdict"}));
    EXPECT_EQ(a["changes"][1]["at"], 2);
    const json& b = m["rows"][1];
    ASSERT_EQ(b["changes"].size(), 1u);
    EXPECT_EQ(b["changes"][0]["fields"], json::array({"log_class"}));
    EXPECT_TRUE(m["rows"][2]["changes"].empty());
    // d: absent on the middle kernel, the same before and after: no change, a null cell.
    EXPECT_TRUE(m["rows"][3]["cells"][1].is_null());
    EXPECT_TRUE(m["rows"][3]["changes"].empty());
    EXPECT_TRUE(m["rows"][4]["cells"][0].is_null());
    EXPECT_TRUE(m["rows"][4]["changes"].empty());

    ASSERT_EQ(m["change_points"].size(), 2u);
    EXPECT_EQ(m["change_points"][0]["from_label"], "6.1.0-50");
    EXPECT_EQ(m["change_points"][0]["to_label"], "6.1.0-53");
    EXPECT_EQ(m["change_points"][0]["cases"], json::array({"default/a"}));
    EXPECT_EQ(m["change_points"][1]["cases"], json::array({"default/a", "default/b"}));
    EXPECT_EQ(m["summary"]["rows_changed"], 2);
    EXPECT_EQ(m["summary"]["steps"], 2);
    EXPECT_EQ(m["summary"]["steps_with_changes"], 2);
    EXPECT_TRUE(matrix_has_changes(m));
}

TEST(Matrix, SameEverywhereAndFailedKernels) {
    auto cols = three();
    cols[1].run = cols[0].run;
    cols[2].run = cols[0].run;
    json m = build_matrix(cols);
    EXPECT_FALSE(matrix_has_changes(m));
    EXPECT_EQ(m["summary"]["rows_changed"], 0);
    // A kernel without a run (failed to fetch): an empty column, and the others compare across it.
    cols = three();
    cols[1].run = nullptr;
    cols[1].kernel["status"] = "failed";
    m = build_matrix(cols);
    EXPECT_EQ(m["summary"]["kernels_with_runs"], 2);
    EXPECT_TRUE(m["rows"][0]["cells"][1].is_null());
    EXPECT_TRUE(m["rows"][0]["changes"].empty());  // a: EBADF on both kernels that ran
    ASSERT_EQ(m["rows"][1]["changes"].size(), 1u);
    EXPECT_EQ(m["rows"][1]["changes"][0]["from"], 0);
    EXPECT_EQ(m["rows"][1]["changes"][0]["at"], 2);
    // Nothing at all, and hostile input, never throw.
    EXPECT_EQ(build_matrix({})["summary"]["rows"], 0);
    EXPECT_NO_THROW(build_matrix({{json("x"), json::array({1, 2})}, {json::object(), json{{"cases", "nope"}}}}));
}

TEST(Matrix, CellText) {
    EXPECT_EQ(matrix_cell_text(json{{"errno", "EINVAL"}, {"verdict", "FAIL"}}), "EINVAL F");
    EXPECT_EQ(matrix_cell_text(json{{"errno", ""}, {"verdict", "KERNEL"}}), "- K");
    EXPECT_EQ(matrix_cell_text(nullptr), "-");
}

TEST(MatrixText, ChangedRowsMarkedAndDetailsListed) {
    json m = build_matrix(three());
    m["timing"] = {{"wall_seconds", 130.0}, {"fetch_seconds", 13.0}, {"fetch_share", 0.1}, {"vm_boots", 6}, {"jobs", 1}};
    std::string t = matrix_text(m);
    EXPECT_NE(t.find("5 cases x 3 kernels"), std::string::npos) << t;
    EXPECT_NE(t.find("rows that change between consecutive kernels: 2 of 5"), std::string::npos) << t;
    EXPECT_NE(t.find("*EINVAL F"), std::string::npos) << t;
    EXPECT_NE(t.find("*EBADF P"), std::string::npos) << t;
    EXPECT_EQ(t.find("default/c "), std::string::npos) << "an unchanged row is only listed with all_rows\n" << t;
    EXPECT_NE(t.find("6.1.0-53 -> 6.1.0-57: 2 case(s)"), std::string::npos) << t;
    EXPECT_NE(t.find("log_class elf-bad-shdr -> elf-bad-size"), std::string::npos) << t;
    EXPECT_NE(t.find("errno EBADF -> EINVAL; verdict PASS -> FAIL"), std::string::npos) << t;
    EXPECT_NE(t.find("fetching kernels 13 s (10%)"), std::string::npos) << t;
    EXPECT_NE(t.find("6 VM boots"), std::string::npos) << t;
    std::string all = matrix_text(m, true);
    EXPECT_NE(all.find("default/c "), std::string::npos) << all;
    EXPECT_NE(all.find("sig_enforce/e"), std::string::npos) << all;
}

TEST(MatrixHtml, WellFormedWithChangedCellsOutlined) {
    auto cols = three();
    cols[0].run["cases"][0]["log_class"] = "<script>&\x01";
    json m = build_matrix(cols);
    m["set"] = {"debian-6.1-cloud@6.1.0-50.."};
    std::string h = matrix_html(m);
    EXPECT_EQ(mh::conformance::testing::xml_problem(h), "") << h;
    EXPECT_EQ(h.find("<script>"), std::string::npos);
    EXPECT_NE(h.find("c v-fail chg"), std::string::npos) << h;  // a on 6.1.0-53
    EXPECT_NE(h.find("href=\"#row-default-a\""), std::string::npos) << h;
    EXPECT_NE(h.find("6.1.0-50-cloud-amd64/report.html"), std::string::npos) << h;
    EXPECT_NE(h.find("debian-6.1-cloud@6.1.0-50.."), std::string::npos);
}

}  // namespace
