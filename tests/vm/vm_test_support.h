// Helpers for VM tests: run cases from text on a kernel, index outcomes by case id.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "harness/session/run_session.h"

namespace mh::vmtest {

// Kernels every VM test runs on (the README test command fetches both).
inline const char* const kTestKernels[] = {"debian-6.1-cloud", "debian-6.12-cloud"};

struct Run {
    session::SessionResult session;
    std::map<std::string, session::CaseRecord> by_id;
};

// Runs `case_text` (case-file syntax) on `kernel` under TCG-or-KVM (auto); output under a temp dir.
// `tweak` may change the session options (limits, timeouts) before the run.
Expected<Run> run_cases(const std::string& kernel, const std::string& case_text, const std::string& name,
                        const std::function<void(session::SessionOptions&)>& tweak = {});

// gtest parameter name for a kernel alias: "debian-6.1-cloud" -> "debian_6_1_cloud".
std::string kernel_test_name(const std::string& kernel);

// Repository root (MH_SOURCE_DIR from CTest, else the configure-time path).
std::string source_dir();

}  // namespace mh::vmtest
