// The loader's KCOV site map as data: attribution of a site to a source line, totals.
#include "harness/coverage/coverage_sites.h"

#include <algorithm>

namespace mh::coverage {
namespace {

bool is_loader_source(const std::string& file) { return file.rfind("kernel/module/", 0) == 0; }

}  // namespace

SourceFrame LoaderSite::attributed() const {
    for (const auto& f : frames)
        if (is_loader_source(f.file)) return f;
    if (!frames.empty() && frames.back().file != "??") return frames.back();
    return SourceFrame{symbol, object_source_file(object), 0};
}

int LoaderSites::mapped_total() const { return static_cast<int>(sites.size()); }

namespace {
int sum(const std::map<std::string, int>& m) {
    int n = 0;
    for (const auto& [key, count] : m) n += count;
    return n;
}
}  // namespace

int LoaderSites::tail_calls_total() const { return sum(tail_calls_per_object); }

int LoaderSites::constructor_calls_total() const { return sum(constructor_calls_per_object); }

int LoaderSites::boot_only_total() const {
    return static_cast<int>(std::count_if(sites.begin(), sites.end(), [](const LoaderSite& s) { return s.boot_only; }));
}

std::string object_source_file(const std::string& object) {
    std::string stem = object.size() > 2 && object.ends_with(".o") ? object.substr(0, object.size() - 2) : object;
    return "kernel/module/" + stem + ".c";
}

}  // namespace mh::coverage
