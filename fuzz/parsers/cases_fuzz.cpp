// libFuzzer target: case files (docs/case-format.md), as `modharness run` reads them from users.
// Properties: no crash, and every case that parses survives the trip to the guest: the record
// the host writes into the initramfs parses back, in the guest's parser, to the same case.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/parsers/fuzz_check.h"
#include "harness/common/kv.h"
#include "harness/protocol/guest_case.h"
#include "harness/session/host_case.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mh;
    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)session::parse_expect(text);
    auto cases = session::parse_case_text(text, "fuzz.cases");
    if (!cases) return 0;
    for (const auto& hc : *cases) {
        FUZZ_CHECK(!hc.guest.id.empty());
        protocol::GuestCase g = hc.guest;
        if (hc.image != "none") g.image = "/mh/img/0";  // what build_batch sets
        const std::string line = kv_format(protocol::to_record(g));
        FUZZ_CHECK(line.find('\n') == std::string::npos);
        auto rec = kv_parse(line);
        FUZZ_CHECK(rec.ok());
        auto back = protocol::parse_guest_case(*rec);
        FUZZ_CHECK(back.ok());
        FUZZ_CHECK(kv_format(protocol::to_record(*back)) == line);
        (void)protocol::effective_len(*back, size);
    }
    return 0;
}
