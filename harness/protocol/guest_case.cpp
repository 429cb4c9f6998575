// Guest case codec and validation.
#include "harness/protocol/guest_case.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "harness/common/text.h"
#include "harness/inputs/buffers.h"
#include "harness/inputs/fd_kinds.h"

namespace mh::protocol {

Expected<uint64_t> parse_u64(const std::string& text) {
    if (text.empty()) return make_error("empty number");
    const char* s = text.c_str();
    bool negative = *s == '-';
    if (negative) ++s;
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || *s == '-' || *s == '+')
        return make_error("'" + text + "' is not a number (decimal, 0x hex or negative)");
    return negative ? static_cast<uint64_t>(0) - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

Expected<GuestCase> parse_guest_case(const KvRecord& rec) {
    GuestCase c;
    for (const auto& item : rec.items()) {
        // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture those.
        const std::string& key = item.first;
        const std::string& value = item.second;
        auto bad = [&](const std::string& why) { return make_error("case key '" + key + "': " + why); };
        if (key == "idx") {
            auto v = parse_u64(value);
            if (!v || *v > 1000000) return bad("bad index '" + value + "'");
            c.idx = static_cast<int>(*v);
        } else if (key == "id") {
            // Ids key results.jsonl (JSON: UTF-8 only) and --resume, and appear in tables and
            // JUnit: plain ASCII words, or a resumed run would never recognise its own records.
            if (value.empty() || value.size() > kMaxIdLen ||
                value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:+@/-") != std::string::npos)
                return bad("'" + kv_escape(value) + "' must be 1.." + std::to_string(kMaxIdLen) + " letters, digits or ._:+@/-");
            c.id = value;
        } else if (key == "call") {
            if (value == "init")
                c.call = Call::Init;
            else if (value == "finit")
                c.call = Call::Finit;
            else if (value == "none")
                c.call = Call::None;
            else
                return bad("'" + value + "' is not init, finit or none");
        } else if (key == "img") {
            c.image = value;
        } else if (key == "modname") {
            c.module_name = value;
        } else if (key == "buf") {
            if (!inputs::is_buffer_kind(value)) return bad("unknown buffer kind '" + value + "'");
            c.buffer = value;
        } else if (key == "len") {
            std::string number = value;
            if (value.rfind("image", 0) == 0 && value.size() > 6 && (value[5] == '+' || value[5] == '-' || value[5] == '/')) {
                c.len_op = value[5];
                number = value.substr(6);
            }
            auto v = parse_u64(number);
            if (!v) return bad(v.error().message);
            if (c.len_op == '/' && *v == 0) return bad("division by zero");
            c.has_len = true;
            c.len = *v;
        } else if (key == "fd") {
            if (!inputs::is_fd_kind(value)) return bad("unknown fd kind '" + value + "'");
            c.fd = value;
        } else if (key == "flags") {
            auto v = parse_u64(value);
            if (!v) return bad(v.error().message);
            c.flags = *v;
        } else if (key == "params") {
            c.params = value;
        } else if (key == "params_fill") {
            auto v = parse_u64(value);
            if (!v || *v > (64u << 20)) return bad("params_fill must be 0..64 MiB");
            c.params_fill = *v;
        } else if (key == "params_ptr") {
            bool known = false;
            for (auto k : inputs::params_kind_names()) known |= (k == value);
            if (!known) return bad("unknown params pointer kind '" + value + "'");
            c.params_kind = value;
        } else if (key == "priv") {
            if (value == "root")
                c.privilege = Privilege::Root;
            else if (value == "nocap")
                c.privilege = Privilege::NoCap;
            else if (value == "userns")
                c.privilege = Privilege::UserNs;
            else
                return bad("'" + value + "' is not root, nocap or userns");
        } else if (key == "timeout_ms") {
            auto v = parse_u64(value);
            if (!v || *v == 0 || *v > 600000) return bad("timeout must be 1..600000 ms");
            c.timeout_ms = static_cast<uint32_t>(*v);
        } else if (key == "unload") {
            if (value != "yes" && value != "no") return bad("must be yes or no");
            c.unload = value == "yes";
        } else if (key == "poison_after") {
            if (value != "yes" && value != "no") return bad("must be yes or no");
            c.poison_after = value == "yes";
        } else if (key == "settle_ms") {
            auto v = parse_u64(value);
            if (!v || *v > 60000) return bad("settle must be 0..60000 ms");
            c.settle_ms = static_cast<uint32_t>(*v);
        } else if (key == "concurrent") {
            auto v = parse_u64(value);
            if (!v || *v < 1 || *v > static_cast<uint64_t>(kMaxConcurrent)) return bad("must be 1.." + std::to_string(kMaxConcurrent));
            c.concurrent = static_cast<int>(*v);
        } else if (key == "race") {
            if (value != "init") return bad("only race=init is known");
            c.race_init = true;
        } else if (key == "lava_expect") {
            c.console_expect.clear();
            c.console_expect_any = value == "any";
            if (!c.console_expect_any)
                for (const auto& word : split(value, ',')) {
                    auto v = parse_u64(std::string(word));
                    if (!v || *v > 4095) return bad("must be 'any' or errno numbers (0 = success) joined by ','");
                    c.console_expect.push_back(static_cast<int>(*v));
                }
        } else if (key == "sysctl") {
            if (value.find('=') == std::string::npos || value.find("..") != std::string::npos)
                return bad("must be path=value under /proc/sys");
            c.sysctl = value;
        } else {
            return make_error("unknown case key '" + key + "'");
        }
    }
    if (c.race_init && (c.concurrent < 2 || c.call != Call::Finit))
        return make_error("case '" + c.id + "': race=init needs call=finit and concurrent >= 2");
    if (c.call != Call::None && c.image.empty() &&
        !(c.call == Call::Init && c.buffer != "image" && c.buffer != "mmap" && c.buffer != "guard_tail") &&
        !(c.call == Call::Finit && c.fd != "file" && c.fd != "path" && c.fd != "wronly" && c.fd != "rdwr" && c.fd != "accmode3" &&
          c.fd != "memfd" && c.fd != "held_writer"))
        return make_error("case '" + c.id + "' needs an image for its buffer/fd kind");
    return c;
}

unsigned long effective_len(const GuestCase& c, unsigned long image_len) {
    if (!c.has_len) return image_len;
    unsigned long n = static_cast<unsigned long>(c.len);
    switch (c.len_op) {
        case '+': return image_len + n;
        case '-': return n > image_len ? 0 : image_len - n;
        case '/': return image_len / n;
        default: return n;
    }
}

bool calls_init(const GuestCase& c) { return c.call == Call::Init || c.race_init; }

unsigned long init_len(const GuestCase& c, uint64_t image_bytes) {
    return effective_len(c, inputs::buffer_holds_image(c.buffer) ? static_cast<unsigned long>(image_bytes) : 0);
}

std::string len_expression(const GuestCase& c) {
    if (!c.has_len) return "";
    return (c.len_op ? std::string("image") + c.len_op : std::string()) + std::to_string(c.len);
}

KvRecord to_record(const GuestCase& c) {
    KvRecord r;
    r.set("idx", std::to_string(c.idx));
    r.set("id", c.id);
    r.set("call", c.call == Call::Init ? "init" : c.call == Call::Finit ? "finit" : "none");
    if (!c.image.empty()) r.set("img", c.image);
    if (!c.module_name.empty()) r.set("modname", c.module_name);
    if (c.buffer != "image") r.set("buf", c.buffer);
    if (c.has_len) r.set("len", len_expression(c));
    if (c.fd != "file") r.set("fd", c.fd);
    if (c.flags)
        r.set(
            "flags", "0x" + [&] {
                char b[32];
                std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(c.flags));
                return std::string(b);
            }());
    if (!c.params.empty()) r.set("params", c.params);
    if (c.params_fill) r.set("params_fill", std::to_string(c.params_fill));
    if (c.params_kind != "string") r.set("params_ptr", c.params_kind);
    if (c.privilege != Privilege::Root) r.set("priv", c.privilege == Privilege::NoCap ? "nocap" : "userns");
    if (c.timeout_ms != 10000) r.set("timeout_ms", std::to_string(c.timeout_ms));
    if (!c.unload) r.set("unload", "no");
    if (c.poison_after) r.set("poison_after", "yes");
    if (c.settle_ms) r.set("settle_ms", std::to_string(c.settle_ms));
    if (!c.sysctl.empty()) r.set("sysctl", c.sysctl);
    if (c.concurrent != 1) r.set("concurrent", std::to_string(c.concurrent));
    if (c.race_init) r.set("race", "init");
    if (c.console_expect_any) {
        r.set("lava_expect", "any");
    } else if (!c.console_expect.empty()) {
        std::string v;
        for (int e : c.console_expect) v += (v.empty() ? "" : ",") + std::to_string(e);
        r.set("lava_expect", v);
    }
    return r;
}

std::string console_case_line(const GuestCase& c, const KvRecord& result) {
    if (!c.console_expect_any && c.console_expect.empty()) return "";
    // The first caller's result; a setup error, a timeout or a signal is a fail.
    const std::string ret = result.get_or("ret", ""), err = result.get_or("errno", "");
    int got = -1;
    if (!result.has("setup_error") && !result.has("timed_out") && !result.has("signal") && !ret.empty())
        got = ret == "0" ? 0 : std::atoi(err.c_str());
    bool pass =
        got >= 0 && (c.console_expect_any || std::find(c.console_expect.begin(), c.console_expect.end(), got) != c.console_expect.end());
    return "mh-lava: case=" + c.id + " result=" + (pass ? "pass" : "fail") + " errno=" + std::to_string(got) + "\n";
}

}  // namespace mh::protocol
