// The site map's cache file beside vmlinux: TSV keyed by vmlinux's size and mtime, so a later load takes milliseconds.
#include "harness/coverage/coverage_cache.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <vector>

#include "harness/common/kv.h"
#include "harness/common/text.h"
#include "harness/coverage/coverage_tool_output.h"

namespace mh::coverage {
namespace {

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

Expected<long long> parse_int(std::string_view s) {
    if (s.empty() || s.size() > 19) return make_error("bad number '" + std::string(s) + "'");
    long long v = 0;
    bool negative = s.front() == '-';
    if (negative) s.remove_prefix(1);
    if (s.empty()) return make_error("bad number");
    for (char c : s) {
        if (c < '0' || c > '9') return make_error("bad number '" + std::string(s) + "'");
        v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
}

Expected<SourceFrame> parse_frame(std::string_view field) {
    auto parts = split(field, ' ');
    if (parts.size() != 3) return make_error("bad frame '" + std::string(field) + "'");
    MH_TRY_ASSIGN(function, kv_unescape(parts[0]));
    MH_TRY_ASSIGN(file, kv_unescape(parts[1]));
    MH_TRY_ASSIGN(line, parse_int(parts[2]));
    return SourceFrame{function, file, static_cast<int>(line)};
}

}  // namespace

Expected<SiteCacheKey> site_cache_key(const std::filesystem::path& vmlinux) {
    struct stat st {};
    if (::stat(vmlinux.c_str(), &st) != 0) return make_error("cannot stat '" + vmlinux.string() + "': " + std::strerror(errno));
    return SiteCacheKey{static_cast<std::uintmax_t>(st.st_size),
                        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::string sites_to_tsv(const LoaderSites& sites, const SiteCacheKey& key) {
    std::string out;
    out.reserve(sites.sites.size() * 160);
    out += "format\t" + std::string(kSiteCacheFormat) + "\n";
    out += "key\t" + std::to_string(key.vmlinux_size) + "\t" + std::to_string(key.vmlinux_mtime_ns) + "\n";
    std::set<std::string> objects;
    for (const auto* m : {&sites.mapped_per_object, &sites.tail_calls_per_object, &sites.constructor_calls_per_object})
        for (const auto& [obj, n] : *m) objects.insert(obj);
    auto get = [](const std::map<std::string, int>& m, const std::string& k) { return std::to_string(m.count(k) ? m.at(k) : 0); };
    for (const auto& obj : objects)
        out += "object\t" + kv_escape(obj) + "\t" + get(sites.mapped_per_object, obj) + "\t" + get(sites.tail_calls_per_object, obj) +
               "\t" + get(sites.constructor_calls_per_object, obj) + "\n";
    for (const auto& s : sites.sites) {
        out += "site\t" + hex(s.pc) + "\t" + hex(s.call) + "\t" + kv_escape(s.object) + "\t" + kv_escape(s.symbol) + "\t" +
               (s.boot_only ? "1" : "0");
        for (const auto& f : s.frames) out += "\t" + kv_escape(f.function) + " " + kv_escape(f.file) + " " + std::to_string(f.line);
        out += "\n";
    }
    return out;
}

Expected<LoaderSites> sites_from_tsv(std::string_view text, const SiteCacheKey& expected) {
    LoaderSites out;
    bool have_format = false, have_key = false;
    std::map<std::string, int> rows_per_object;
    for (const Line& l : lines(text)) {
        const std::string_view line = l.text;
        const std::size_t number = l.number;
        if (line.empty()) continue;
        auto at = [&](const std::string& why) { return make_error("site cache line " + std::to_string(number) + ": " + why); };
        auto f = split(line, '\t');
        if (f[0] == "format") {
            if (f.size() != 2 || f[1] != kSiteCacheFormat) return at("format is not " + std::string(kSiteCacheFormat));
            have_format = true;
        } else if (f[0] == "key") {
            if (f.size() != 3) return at("bad key");
            auto size = parse_int(f[1]);
            auto mtime = parse_int(f[2]);
            if (!size || !mtime) return at("bad key");
            SiteCacheKey key{static_cast<std::uintmax_t>(*size), *mtime};
            if (!(key == expected)) return make_error("site cache is stale: vmlinux changed since it was written");
            have_key = true;
        } else if (f[0] == "object") {
            if (f.size() != 5) return at("bad object row");
            auto name = kv_unescape(f[1]);
            auto mapped = parse_int(f[2]);
            auto tail = parse_int(f[3]);
            auto ctor = parse_int(f[4]);
            if (!name || !mapped || !tail || !ctor) return at("bad object counts");
            if (*mapped > 0) out.mapped_per_object[*name] = static_cast<int>(*mapped);
            if (*tail > 0) out.tail_calls_per_object[*name] = static_cast<int>(*tail);
            if (*ctor > 0) out.constructor_calls_per_object[*name] = static_cast<int>(*ctor);
        } else if (f[0] == "site") {
            if (f.size() < 6) return at("bad site row");
            LoaderSite s;
            auto pc = parse_hex_address(f[1]);
            auto call = parse_hex_address(f[2]);
            auto object = kv_unescape(f[3]);
            auto symbol = kv_unescape(f[4]);
            if (!pc || !call || !object || !symbol || (f[5] != "0" && f[5] != "1")) return at("bad site fields");
            s.pc = *pc;
            s.call = *call;
            s.object = *object;
            s.symbol = *symbol;
            s.boot_only = f[5] == "1";
            for (std::size_t i = 6; i < f.size(); ++i) {
                auto frame = parse_frame(f[i]);
                if (!frame) return at(frame.error().message);
                s.frames.push_back(std::move(*frame));
            }
            if (!out.sites.empty() && out.sites.back().pc >= s.pc) return at("sites not sorted by pc");
            ++rows_per_object[s.object];
            out.sites.push_back(std::move(s));
        } else {
            return at("unknown row '" + std::string(f[0].substr(0, 20)) + "'");
        }
    }
    if (!have_format || !have_key) return make_error("site cache has no format/key header");
    if (rows_per_object != out.mapped_per_object) return make_error("site cache is inconsistent: object counts differ from its site rows");
    out.from_cache = true;
    return out;
}

}  // namespace mh::coverage
