// The main of every test binary: GoogleTest's, plus the CTest skip code. A binary in which every
// test that ran was skipped (GTEST_SKIP: no kernel cached, no root, no tool) exits 77, which CTest
// reports as "Skipped" (SKIP_RETURN_CODE in mh_add_test) instead of counting it as passed. Tests
// that may skip alone beside others are registered as their own CTest entries (mh_split_test), so
// a partial skip is named here too, but the binary's result stays the result of what ran.
#include <gtest/gtest.h>

#include <cstdio>

namespace {

constexpr int kSkipExitCode = 77;

// Prints "skipped: Suite.Name" for each skipped test, so a partial skip is visible in the log.
int skipped_tests(const ::testing::UnitTest& unit) {
    int skipped = 0;
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
        const ::testing::TestSuite* suite = unit.GetTestSuite(i);
        for (int j = 0; j < suite->total_test_count(); ++j) {
            const ::testing::TestInfo* info = suite->GetTestInfo(j);
            if (!info->should_run() || !info->result()->Skipped()) continue;
            std::printf("[mh] skipped: %s.%s\n", suite->name(), info->name());
            ++skipped;
        }
    }
    return skipped;
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    const int rc = RUN_ALL_TESTS();
    const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
    const int skipped = skipped_tests(unit);
    if (rc == 0 && skipped > 0 && skipped == unit.test_to_run_count()) {
        std::printf("[mh] every test that ran was skipped: exit %d (CTest: Skipped)\n", kSkipExitCode);
        return kSkipExitCode;
    }
    return rc;
}
