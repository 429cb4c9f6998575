// libFuzzer target: conformance runs (conformance.json) as `modharness diff` and the report
// writers read them; they may come from another machine or another version. Properties: no
// crash or exception; a run diffed with itself has no differences.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "conformance/report/report.h"
#include "fuzz/parsers/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mh::conformance;
    auto run = parse_run(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    if (!run) return 0;
    (void)summary_text(*run);
    (void)junit_xml(*run);
    auto diff = diff_runs(*run, *run);
    FUZZ_CHECK(diff_is_empty(diff));
    (void)diff_text(diff);
    (void)html_report(*run, &diff);
    (void)diff_html(diff);
    return 0;
}
