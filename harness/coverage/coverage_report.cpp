// Coverage of the loader's KCOV sites by a set of reached PCs: totals, per-file and per-function tables, text and JSON.
#include "harness/coverage/coverage_report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace mh::coverage {
namespace {

void count_into(CoverageRow& row, const SourceFrame& at, bool boot_only, bool hit) {
    ++row.sites;
    if (hit) ++row.reached;
    if (boot_only) ++row.boot_only;
    if (at.line > 0 && (row.first_line == 0 || at.line < row.first_line)) row.first_line = at.line;
}

std::string percent_text(int reached, int sites) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f", sites ? 100.0 * reached / sites : 0.0);
    return buf;
}

std::string pad(std::string s, std::size_t width, bool right) {
    if (s.size() >= width) return s;
    return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

CoverageReport coverage_report(const LoaderSites& sites, const PcSet& reached) {
    CoverageReport r;
    r.build_tree = sites.build_tree.string();
    r.tail_calls = sites.tail_calls_total();
    r.constructor_calls = sites.constructor_calls_total();
    r.pcs = reached.size();
    std::map<std::string, CoverageRow> files;
    std::map<std::pair<std::string, std::string>, CoverageRow> functions;
    for (const auto& s : sites.sites) {
        const SourceFrame at = s.attributed();
        const bool hit = reached.count(s.pc) != 0;
        ++r.sites;
        if (hit) ++r.reached;
        if (s.boot_only) ++r.boot_only;
        CoverageRow& f = files[at.file];
        f.file = at.file;
        count_into(f, at, s.boot_only, hit);
        CoverageRow& fn = functions[{at.file, at.function}];
        fn.file = at.file;
        fn.function = at.function;
        count_into(fn, at, s.boot_only, hit);
    }
    r.pcs_elsewhere = r.pcs - static_cast<std::size_t>(r.reached);
    for (auto& [k, row] : files) r.files.push_back(std::move(row));
    for (auto& [k, row] : functions) r.functions.push_back(std::move(row));
    std::stable_sort(r.functions.begin(), r.functions.end(),
                     [](const CoverageRow& a, const CoverageRow& b) { return a.missed() > b.missed(); });
    return r;
}

std::map<std::string, std::map<int, LineCoverage>> line_coverage(const LoaderSites& sites, const PcSet& reached) {
    std::map<std::string, std::map<int, LineCoverage>> out;
    for (const auto& s : sites.sites) {
        const SourceFrame at = s.attributed();
        if (at.line <= 0) continue;
        LineCoverage& c = out[at.file][at.line];
        ++c.sites;
        if (reached.count(s.pc)) ++c.reached;
    }
    return out;
}

std::string coverage_text(const CoverageReport& r, std::size_t max_functions) {
    std::string out;
    out += "KCOV coverage of the module loader (kernel/module/*.o) in " + r.build_tree + "\n";
    out += "reached " + std::to_string(r.reached) + " of " + std::to_string(r.sites) + " loader sites (" +
           percent_text(r.reached, r.sites) + "%)\n";
    if (r.boot_only > 0)
        out += "  " + std::to_string(r.boot_only) + " of the sites are __init code that runs once at boot: at most " +
               std::to_string(r.sites - r.boot_only) + " are reachable by a fuzzer\n";
    if (r.tail_calls + r.constructor_calls > 0)
        out += "  not sites (count_kcov_sites counts " + std::to_string(r.sites + r.tail_calls + r.constructor_calls) +
               "): " + std::to_string(r.tail_calls) + " tail calls, whose PC KCOV takes from the caller; " +
               std::to_string(r.constructor_calls) + " calls in KASAN's generated constructors\n";
    out += "  PCs given: " + std::to_string(r.pcs) + " distinct, " + std::to_string(r.pcs_elsewhere) + " of them outside the loader\n";

    std::size_t fw = 4;
    for (const auto& f : r.files) fw = std::max(fw, f.file.size());
    out += "\n" + pad("file", fw, false) + "  sites  reached      %\n";
    for (const auto& f : r.files)
        out += pad(f.file, fw, false) + "  " + pad(std::to_string(f.sites), 5, true) + "  " + pad(std::to_string(f.reached), 7, true) +
               "  " + pad(percent_text(f.reached, f.sites), 5, true) + "\n";
    out += pad("total", fw, false) + "  " + pad(std::to_string(r.sites), 5, true) + "  " + pad(std::to_string(r.reached), 7, true) + "  " +
           pad(percent_text(r.reached, r.sites), 5, true) + "\n";

    std::size_t shown = max_functions > 0 ? std::min(max_functions, r.functions.size()) : r.functions.size();
    std::size_t nw = 8, lw = 4;
    std::vector<std::string> places;
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& f = r.functions[i];
        std::string file = f.file.rfind("kernel/module/", 0) == 0 ? f.file.substr(14) : f.file;
        places.push_back(file + (f.first_line > 0 ? ":" + std::to_string(f.first_line) : ""));
        nw = std::max(nw, std::min<std::size_t>(f.function.size(), 40));
        lw = std::max(lw, places.back().size());
    }
    out += "\n" + pad("function", nw, false) + "  " + pad("from", lw, false) + "  sites  reached      %  missed\n";
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& f = r.functions[i];
        out += pad(f.function, nw, false) + "  " + pad(places[i], lw, false) + "  " + pad(std::to_string(f.sites), 5, true) + "  " +
               pad(std::to_string(f.reached), 7, true) + "  " + pad(percent_text(f.reached, f.sites), 5, true) + "  " +
               pad(std::to_string(f.missed()), 6, true) + (f.boot_only ? "  (" + std::to_string(f.boot_only) + " __init)" : "") + "\n";
    }
    if (shown < r.functions.size())
        out += "(" + std::to_string(r.functions.size() - shown) + " more functions with fewer missed sites not shown)\n";
    return out;
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CoverageRow, file, function, sites, reached, boot_only, first_line)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CoverageReport, build_tree, sites, reached, boot_only, tail_calls, constructor_calls, pcs, pcs_elsewhere,
                                   files, functions)

std::string coverage_json(const CoverageReport& r, const LoaderSites& sites, const PcSet& reached) {
    using nlohmann::json;
    json j = r;
    j["schema"] = kCoverageJsonSchema;
    j["percent"] = r.percent();
    for (auto& row : j["files"]) row.erase("function");  // the per-file table has no function column
    j["site_list"] = json::array();
    for (const auto& s : sites.sites) {
        const SourceFrame at = s.attributed();
        j["site_list"].push_back({{"pc", hex(s.pc)},
                                  {"reached", reached.count(s.pc) != 0},
                                  {"function", at.function},
                                  {"file", at.file},
                                  {"line", at.line},
                                  {"symbol", s.symbol},
                                  {"object", s.object},
                                  {"boot_only", s.boot_only}});
    }
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace mh::coverage
