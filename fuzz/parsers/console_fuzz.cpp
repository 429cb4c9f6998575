// libFuzzer target: the console parser and the module-log classifier, on arbitrary console
// bytes (a crashing guest writes anything). Properties: no crash; reports are in order, inside
// the input, bounded in number and size, titled, and their titles are clean single lines.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/parsers/fuzz_check.h"
#include "harness/common/text.h"
#include "harness/kernel_log/console_parser.h"
#include "harness/kernel_log/module_log_class.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mh;
    using namespace mh::kernel_log;
    const std::string_view console(reinterpret_cast<const char*>(data), size);
    auto reports = kernel_log::parse_console(console);
    FUZZ_CHECK(reports.size() <= kernel_log::kMaxReports);
    std::size_t last_end = 0;
    for (const auto& r : reports) {
        FUZZ_CHECK(r.begin < r.end);
        FUZZ_CHECK(r.end <= console.size());
        FUZZ_CHECK(r.begin >= last_end);
        last_end = r.end;
        FUZZ_CHECK(r.excerpt.size() <= kernel_log::kMaxExcerptBytes);
        FUZZ_CHECK(!r.title.empty());
        for (char c : r.title) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
        FUZZ_CHECK(!kernel_log::crash_kind_name(r.kind).empty());
    }
    // Line at a time, as the live crash watch and the log classifier see it.
    for (auto [line, number] : lines(console)) {
        (void)kernel_log::crash_start_kind(line);
        (void)kernel_log::classify_module_log_line(line);
    }
    return 0;
}
