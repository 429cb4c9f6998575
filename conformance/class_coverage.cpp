// Class coverage of contract.md §3 by the suite's cases, and the §3 class list of contract.md.
#include "conformance/class_coverage.h"

#include <map>
#include <set>

#include "conformance/groups.h"
#include "conformance/suite.h"
#include "harness/common/files.h"
#include "harness/common/text.h"

namespace mh::conformance {

Expected<CoverageReport> class_coverage(const Contract& contract, const std::filesystem::path& dir) {
    auto text = read_text_file(dir / "groups.txt");
    if (!text) return environment_error("cannot read " + (dir / "groups.txt").string());
    auto groups = parse_groups(*text, (dir / "groups.txt").string());
    if (!groups) return groups.error();
    std::map<std::string, int> cases;
    for (const auto& g : *groups) {
        auto gc = build_group_cases(g, dir);
        if (!gc) return gc.error();
        for (const auto& m : gc->meta) cases[m.class_id]++;
    }
    CoverageReport out;
    std::set<std::string> spec;
    for (const auto& s : contract.spec)
        for (const auto& id : s.ids) {
            spec.insert(id);
            ClassCoverage cc{id, s.section, cases.count(id) ? cases[id] : 0, nullptr};
            for (const auto& u : contract.uncovered)
                if (u.id == id) cc.uncovered = &u;
            if (cc.cases == 0 && !cc.uncovered)
                out.problems.push_back("class " + id + " of contract.md §" + s.section +
                                       " has no case and no 'uncovered' line saying why (contract.txt)");
            if (cc.cases > 0 && cc.uncovered)
                out.problems.push_back("class " + id + " has " + std::to_string(cc.cases) +
                                       " case(s) but is listed as uncovered: drop its uncovered line");
            out.classes.push_back(cc);
        }
    for (const auto& u : contract.uncovered)
        if (!spec.count(u.id)) out.problems.push_back("uncovered " + u.id + " is not a class of any spec line");
    return out;
}

std::vector<SpecSection> section3_classes(const std::string& md) {
    std::vector<SpecSection> out;
    bool in3 = false;
    for (auto [line, number] : lines(md)) {
        std::string_view l = line;
        if (l.rfind("## ", 0) == 0) in3 = l.rfind("## 3.", 0) == 0;
        if (!in3) continue;
        if (l.rfind("### 3.", 0) == 0) {
            auto end = l.find(' ', 4);
            out.push_back({std::string(l.substr(4, end == std::string_view::npos ? std::string_view::npos : end - 4)), {}});
            continue;
        }
        if (out.empty() || l.rfind("| ", 0) != 0) continue;
        auto end = l.find(" |", 2);
        if (end == std::string_view::npos) continue;
        std::string id(l.substr(2, end - 2));
        // An id is a capital letter and a number (P1, F16); header and separator rows are not.
        if (id.size() < 2 || id.size() > 4 || id[0] < 'A' || id[0] > 'Z' || id.find_first_not_of("0123456789", 1) != std::string::npos)
            continue;
        out.back().ids.push_back(id);
    }
    return out;
}

}  // namespace mh::conformance
