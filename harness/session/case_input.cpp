// The recorded input of a case: resolved lengths, image size and hash, malformations, echo check.
#include "harness/session/case_input.h"

#include <charconv>
#include <string_view>

namespace mh::session {

std::optional<uint64_t> resolved_len(const HostCase& hc) {
    if (!protocol::calls_init(hc.guest)) return std::nullopt;
    if (hc.image != "none" && hc.image_hash.empty()) return std::nullopt;  // its image was never built
    return protocol::init_len(hc.guest, hc.image_bytes);
}

std::optional<uint64_t> echoed_len(const KvRecord& guest_frame) {
    auto text = guest_frame.get("len");
    if (!text) return std::nullopt;
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v, 10);
    if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
    return v;
}

std::string input_echo_mismatch(const HostCase& hc, const KvRecord& guest_frame) {
    auto host = resolved_len(hc);
    if (!guest_frame.has("len")) return "";
    auto guest = echoed_len(guest_frame);
    std::string expr = protocol::len_expression(hc.guest);
    std::string stated = expr.empty() ? "the image length" : "len=" + expr;
    if (!host) return "the guest reports a length for a call that takes none";
    if (!guest) return "the guest's result frame has a malformed len '" + guest_frame.get_or("len", "") + "'";
    if (*guest == *host) return "";
    return "the guest passed len " + std::to_string(*guest) + " but the host resolved " + stated + " of a " +
           std::to_string(hc.image_bytes) + "-byte image to " + std::to_string(*host);
}

nlohmann::json input_to_json(const HostCase& hc, const std::optional<KvRecord>& guest_frame) {
    using nlohmann::json;
    const auto& g = hc.guest;
    json input = {{"call", g.call == protocol::Call::Init    ? "init"
                           : g.call == protocol::Call::Finit ? "finit"
                                                             : "none"},
                  {"image", hc.image}};
    if (hc.image.rfind("seed:", 0) == 0) input["seed"] = hc.image.substr(5);
    // Sizes and hashes of the bytes the guest loads (after malformations); unknown for a case
    // that was never built (its malformation did not apply).
    if (!hc.image_hash.empty()) input["image_bytes"] = hc.image_bytes, input["image_hash"] = hc.image_hash;
    // Each malformation is applied, in order, with this one seed (session::build_batch).
    if (!hc.malformations.empty()) input["malform"] = hc.malformations, input["malform_seed"] = hc.malform_seed;
    if (protocol::calls_init(g)) {  // race=init: the last caller of a finit case uses init_module
        input["buf"] = g.buffer;
        // What ran, not the case file's words: "image-1" of a 5000-byte image is 4999. The host's
        // resolution stands in when no frame came back, and is kept beside a disagreeing echo.
        auto host = resolved_len(hc);
        if (auto passed = guest_frame ? echoed_len(*guest_frame) : std::nullopt) {
            input["len"] = *passed;
            if (host && *host != *passed) input["len_resolved"] = *host;
        } else if (host) {
            input["len"] = *host;
        }
        if (g.has_len) input["len_expr"] = protocol::len_expression(g);
    }
    if (g.call == protocol::Call::Finit) input["fd"] = g.fd, input["flags"] = g.flags;
    if (!g.params.empty() || g.params_kind != "string" || g.params_fill) input["params"] = g.params, input["params_ptr"] = g.params_kind;
    // params_fill 'x' bytes follow the text: the string passed is params + that many 'x'.
    if (g.params_fill) input["params_fill"] = g.params_fill;
    if (g.privilege != protocol::Privilege::Root) input["priv"] = g.privilege == protocol::Privilege::NoCap ? "nocap" : "userns";
    if (!g.sysctl.empty()) input["sysctl"] = g.sysctl;
    if (g.concurrent != 1) input["concurrent"] = g.concurrent;
    if (g.race_init) input["race"] = "init";
    if (!g.module_name.empty()) input["module"] = g.module_name;
    return input;
}

}  // namespace mh::session
