// JUnit XML of a conformance run for CI systems: one testsuite per group, one testcase per case.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::conformance {

// testcase name = case id; classname = "modharness.<kernel>.<class>" with the dots of the kernel
// name made '_' (CI tools split classname on dots into package/class). FAIL -> <failure>,
// BROK/KERNEL (and unknown verdicts) -> <error> with title and console excerpt, CONF -> <skipped>
// with the reason, PASS/RAN -> plain testcase. Every string is escaped for XML 1.0.
std::string junit_xml(const nlohmann::json& run);

}  // namespace mh::conformance
