// Host case parsing: splits host keys (image, expect, malform...) from the guest keys.
#include "harness/session/host_case.h"

#include <set>
#include <sstream>

#include "harness/common/files.h"
#include "harness/common/kv.h"
#include "harness/common/text.h"
#include "harness/session/input_hash.h"
#include "harness/sys/errno_names.h"

namespace mh::session {

const std::vector<std::string>& host_only_keys() {
    static const std::vector<std::string> keys = {"image", "malform", "malform_seed", "expect", "class", "note"};
    return keys;
}

Expected<std::vector<int>> parse_expect(const std::string& text) {
    std::vector<int> out;
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ',')) {
        if (item.empty()) continue;
        if (item == "*") {
            out.push_back(kAnyResult);
            continue;
        }
        if (item == "sentinel") {
            out.push_back(131);  // ENOTRECOVERABLE: what corpus/modules/sentinel's init returns
            continue;
        }
        auto e = sys::errno_from_name(item);
        if (!e) return make_error("unknown errno '" + item + "' in expect=");
        out.push_back(*e);
    }
    if (out.empty()) return make_error("expect= lists no errno");
    return out;
}

Expected<HostCase> parse_host_case(const std::string& line, const std::string& source, int idx) {
    auto rec = kv_parse(line);
    if (!rec) return make_error(source + ": " + rec.error().message);
    HostCase hc;
    hc.source = source;
    hc.canonical = canonical_case_line(*rec);
    KvRecord guest;
    guest.set("idx", std::to_string(idx));
    for (const auto& [k, v] : rec->items()) {
        if (k == "image") {
            if (v != "none" && v.rfind("seed:", 0) != 0 && v.rfind("file:", 0) != 0 && v.rfind("synth:", 0) != 0)
                return make_error(source + ": image='" + v + "' must be seed:NAME, file:PATH, synth:RET[:NAME] or none");
            hc.image = v;
        } else if (k == "malform") {
            std::istringstream in(v);
            std::string id;
            while (std::getline(in, id, ','))
                if (!id.empty()) hc.malformations.push_back(id);
        } else if (k == "malform_seed") {
            auto s = protocol::parse_u64(v);
            if (!s) return make_error(source + ": malform_seed: " + s.error().message);
            hc.malform_seed = *s;
        } else if (k == "expect") {
            auto e = parse_expect(v);
            if (!e) return make_error(source + ": " + e.error().message);
            hc.expect = *e;
        } else if (k == "class") {
            hc.input_class = v;
        } else if (k == "note") {
            hc.note = v;
        } else if (k == "idx" || k == "img" || k == "modname") {
            return make_error(source + ": key '" + k + "' is set by modharness, not by case files");
        } else {
            guest.set(k, v);
        }
    }
    if (hc.image == "none") {
        // Placeholder so guest validation knows there is no image.
    } else {
        guest.set("img", "/mh/img/pending");
    }
    auto gc = protocol::parse_guest_case(guest);
    if (!gc) return make_error(source + ": " + gc.error().message);
    hc.guest = *gc;
    if (hc.image == "none") hc.guest.image.clear();
    if (hc.guest.id.empty()) return make_error(source + ": case has no id=");
    return hc;
}

Expected<std::vector<HostCase>> parse_case_text(const std::string& text, const std::string& source_name) {
    std::vector<HostCase> out;
    std::set<std::string> ids;
    for (auto [line, lineno] : lines(text)) {
        size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line[first] == '#') continue;
        auto hc = parse_host_case(std::string(line), source_name + ":" + std::to_string(lineno), static_cast<int>(out.size()));
        if (!hc) return hc.error();
        if (!ids.insert(hc->guest.id).second)
            return make_error(source_name + ":" + std::to_string(lineno) + ": duplicate case id '" + hc->guest.id + "'");
        out.push_back(std::move(hc).value());
    }
    if (out.empty()) return make_error(source_name + ": no cases");
    return out;
}

Expected<std::vector<HostCase>> load_case_file(const std::filesystem::path& path) {
    auto text = read_text_file(path);
    if (!text) return make_error("cannot read case file " + path.string());
    return parse_case_text(*text, path.string());
}

}  // namespace mh::session
