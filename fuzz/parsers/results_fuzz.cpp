// libFuzzer target: what the host reads back as results. The guest's framed results channel
// (frames -> kv records -> observation -> the results.jsonl line) and results.jsonl itself, as
// --resume reads it. Properties: no crash or exception; kv records print back to themselves; a
// results line the host writes is one line of valid JSON that --resume reads back with its id.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz/parsers/fuzz_check.h"
#include "harness/protocol/frame.h"
#include "harness/common/kv.h"
#include "harness/verdict/verdict.h"
#include "harness/session/guest_observation.h"
#include "harness/session/host_case.h"
#include "harness/session/result_json.h"

namespace {

void guest_record(const mh::KvRecord& rec) {
    using namespace mh;
    auto again = kv_parse(kv_format(rec));
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->items() == rec.items());
    // The id comes from the case file, through the case parser, never from the guest.
    auto parsed = session::parse_host_case("id=" + kv_escape(rec.get_or("id", "fuzz")) + " call=none image=none", "fuzz", 0);
    session::HostCase hc = parsed ? *parsed : *session::parse_host_case("id=fuzz call=none image=none", "fuzz", 0);
    session::CaseOutcome co;
    co.id = hc.guest.id;
    co.guest = rec;
    co.observation = session::observation_from_record(rec);
    co.observation.crashes.push_back({kernel_log::CrashKind::Other, rec.get_or("title", "t"), 0, 1, rec.get_or("excerpt", "")});
    co.console_excerpt = rec.get_or("console", "");
    co.judgement = verdict::judge(co.observation, std::vector<int>{131});
    const std::string line = session::result_line(hc, co, kernels::Kernel{});
    FUZZ_CHECK(line.find('\n') == std::string::npos);
    auto back = session::parse_recorded_results(line + "\n");
    FUZZ_CHECK(back.dropped == 0);
    FUZZ_CHECK(back.by_id.count(co.id) == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mh;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // The results channel, fed in two chunks split at a byte the input chooses.
    protocol::FrameDecoder decoder;
    std::size_t cut = size ? data[0] % (size + 1) : 0;
    auto payloads = decoder.feed(bytes.substr(0, cut));
    for (auto& p : decoder.feed(bytes.substr(cut))) payloads.push_back(std::move(p));
    for (const auto& p : payloads)
        if (auto rec = kv_parse(p)) guest_record(*rec);
    // The same bytes as one kv line and as results.jsonl.
    if (auto rec = kv_parse(bytes.substr(0, bytes.find('\n')))) guest_record(*rec);
    auto recorded = session::parse_recorded_results(bytes);
    for (const auto& [id, co] : recorded.by_id) FUZZ_CHECK(id == co.id && !id.empty());
    return 0;
}
