// The regression diff of two conformance runs (modharness.diff/1), joined on (group, id).
#include "conformance/report/run_diff.h"

#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "conformance/report/run_view.h"
#include "conformance/report/summary_text.h"

namespace mh::conformance {
namespace {

using Key = std::pair<std::string, std::string>;  // (group, id)

struct Indexed {
    std::map<Key, const nlohmann::json*> by_key;
    std::vector<Key> order;  // run order, for stable output
};

Indexed index_run(const nlohmann::json& run, const char* side, nlohmann::json& warnings) {
    Indexed ix;
    for (const auto* c : run_cases(run)) {
        Key k{str(*c, "group"), str(*c, "id")};
        if (!ix.by_key.emplace(k, c).second) {
            warnings.push_back(std::string("run ") + side + " has case " + k.first + "/" + k.second +
                               " more than once; the first is compared");
            continue;
        }
        ix.order.push_back(k);
    }
    return ix;
}

nlohmann::json identity(const nlohmann::json& run) {
    const auto& k = obj(run, "kernel");
    return {{"kernel", str(k, "name")},     {"release", str(k, "release")},
            {"version", str(k, "version")}, {"started_utc", str(run, "started_utc")},
            {"accel", str(run, "accel")},   {"cases", run_cases(run).size()}};
}

nlohmann::json side(const nlohmann::json& c) {
    nlohmann::json s = nlohmann::json::object();
    for (auto f : kDiffFields) s[std::string(f)] = str(c, f);
    s["expect"] = str_list(c, "expect");
    s["reason"] = str(c, "reason");
    if (!str(c, "title").empty()) s["title"] = str(c, "title");
    return s;
}

nlohmann::json lone(const nlohmann::json& c) {
    return {{"group", str(c, "group")},
            {"id", str(c, "id")},
            {"call", case_call(c)},
            {"verdict", str(c, "verdict")},
            {"errno", str(c, "errno")}};
}

// Late kernel reports of one run missing from the other, joined on (group, after_id, title).
nlohmann::json diff_events(const nlohmann::json& a, const nlohmann::json& b) {
    auto keys = [](const nlohmann::json& run) {
        std::multiset<std::tuple<std::string, std::string, std::string>> out;
        for (const auto* e : run_events(run)) out.insert({str(*e, "group"), str(*e, "after_id"), str(*e, "title")});
        return out;
    };
    auto ka = keys(a), kb = keys(b);
    auto only = [](const auto& mine, auto theirs) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& k : mine) {
            auto it = theirs.find(k);
            if (it != theirs.end()) {
                theirs.erase(it);
                continue;
            }
            out.push_back({{"group", std::get<0>(k)}, {"after_id", std::get<1>(k)}, {"title", std::get<2>(k)}});
        }
        return out;
    };
    return {{"only_a", only(ka, kb)}, {"only_b", only(kb, ka)}};
}

}  // namespace

nlohmann::json diff_runs(const nlohmann::json& a, const nlohmann::json& b) {
    nlohmann::json warnings = nlohmann::json::array();
    Indexed ia = index_run(a, "A", warnings), ib = index_run(b, "B", warnings);
    struct Bucket {
        nlohmann::json changed = nlohmann::json::array(), only_a = nlohmann::json::array(), only_b = nlohmann::json::array();
    };
    std::map<std::string, Bucket, decltype(&class_less)> buckets(&class_less);
    int in_both = 0, same = 0, changed = 0, only_a = 0, only_b = 0;

    for (const auto& k : ia.order) {
        const auto& ca = *ia.by_key.at(k);
        auto it = ib.by_key.find(k);
        if (it == ib.by_key.end()) {
            buckets[case_class(ca)].only_a.push_back(lone(ca));
            ++only_a;
            continue;
        }
        const auto& cb = *it->second;
        ++in_both;
        if (case_class(ca) != case_class(cb))
            warnings.push_back("case " + k.first + "/" + k.second + " is class " + case_class(ca) + " in A but " + case_class(cb) +
                               " in B; listed under " + case_class(ca));
        nlohmann::json fields = nlohmann::json::array();
        for (auto f : kDiffFields)
            if (str(ca, f) != str(cb, f)) fields.push_back(std::string(f));
        if (fields.empty()) {
            ++same;
            continue;
        }
        ++changed;
        buckets[case_class(ca)].changed.push_back(
            {{"group", k.first}, {"id", k.second}, {"call", case_call(ca)}, {"fields", fields}, {"a", side(ca)}, {"b", side(cb)}});
    }
    for (const auto& k : ib.order) {
        if (ia.by_key.count(k)) continue;
        const auto& cb = *ib.by_key.at(k);
        buckets[case_class(cb)].only_b.push_back(lone(cb));
        ++only_b;
    }

    nlohmann::json classes = nlohmann::json::array();
    for (auto& [cls, bucket] : buckets) {
        std::string title = str(obj(obj(a, "classes"), cls), "title");
        if (title.empty()) title = str(obj(obj(b, "classes"), cls), "title");
        classes.push_back({{"class", cls},
                           {"title", title},
                           {"changed", std::move(bucket.changed)},
                           {"only_a", std::move(bucket.only_a)},
                           {"only_b", std::move(bucket.only_b)}});
    }
    return {{"schema", std::string(kDiffSchema)},
            {"a", identity(a)},
            {"b", identity(b)},
            {"fields", {"errno", "verdict", "log_class", "taint_added"}},
            {"summary", {{"in_both", in_both}, {"same", same}, {"changed", changed}, {"only_a", only_a}, {"only_b", only_b}}},
            {"classes", std::move(classes)},
            {"events", diff_events(a, b)},
            {"warnings", std::move(warnings)}};
}

bool diff_is_empty(const nlohmann::json& diff) {
    const auto& s = obj(diff, "summary");
    const auto& ev = obj(diff, "events");
    auto none = [&ev](const char* k) { return !ev.contains(k) || !ev[k].is_array() || ev[k].empty(); };
    return num(s, "changed") == 0 && num(s, "only_a") == 0 && num(s, "only_b") == 0 && none("only_a") && none("only_b");
}

std::string diff_text(const nlohmann::json& diff) {
    auto who = [&](const char* k) {
        const auto& r = obj(diff, k);
        std::string name = or_dash(str(r, "kernel"));
        std::string rel = str(r, "release");
        std::string started = str(r, "started_utc");
        return name + (rel.empty() || rel == name ? "" : " (" + rel + ")") + (started.empty() ? "" : ", started " + started);
    };
    const auto& s = obj(diff, "summary");
    auto n = [&](const char* k) { return std::to_string(static_cast<long>(num(s, k))); };
    std::string out;
    out += terminal_clean("A: " + who("a"), 100) + "\n";
    out += terminal_clean("B: " + who("b"), 100) + "\n";
    out += "joined on (group, id): " + n("in_both") + " in both, " + n("same") + " same, " + n("changed") + " changed, " + n("only_a") +
           " only in A, " + n("only_b") + " only in B\n";
    if (diff_is_empty(diff)) {
        out += "no differences\n";
    } else if (diff.is_object() && diff.contains("classes") && diff["classes"].is_array()) {
        for (const auto& cls : diff["classes"]) {
            std::string title = str(cls, "title");
            out += "\n" + terminal_clean(str(cls, "class") + (title.empty() ? "" : "  " + title), 100) + "\n";
            if (cls.is_object() && cls.contains("changed") && cls["changed"].is_array()) {
                // One line per case when every case of the class fits in 100 columns; otherwise the
                // whole class gets one line per field, so init/finit twins read the same way.
                std::vector<std::pair<std::string, std::vector<std::string>>> entries;
                bool fits = true;
                for (const auto& ch : cls["changed"]) {
                    const auto &sa = obj(ch, "a"), &sb = obj(ch, "b");
                    std::string head = "  changed  " + str(ch, "group") + "/" + str(ch, "id") + " [" + str(ch, "call") + "]";
                    std::vector<std::string> parts;
                    for (const auto& f : str_list(ch, "fields"))
                        parts.push_back(f + " " + or_dash(str(sa, f)) + " -> " + or_dash(str(sb, f)));
                    std::string one = head + "  " + join(parts, "; ");
                    fits = fits && terminal_clean(one) == terminal_clean(one, 100);
                    entries.emplace_back(head, parts);
                }
                for (const auto& [head, parts] : entries) {
                    if (fits) {
                        out += terminal_clean(head + "  " + join(parts, "; ")) + "\n";
                        continue;
                    }
                    out += terminal_clean(head, 100) + "\n";
                    for (const auto& part : parts) out += terminal_clean("             " + part, 100) + "\n";
                }
            }
            for (const char* k : {"only_a", "only_b"}) {
                if (!cls.is_object() || !cls.contains(k) || !cls[k].is_array()) continue;
                for (const auto& c : cls[k])
                    out += terminal_clean(std::string(k[5] == 'a' ? "  only A   " : "  only B   ") + str(c, "group") + "/" + str(c, "id") +
                                              " [" + str(c, "call") + "]  " + or_dash(str(c, "verdict")) + " " + or_dash(str(c, "errno")),
                                          100) +
                           "\n";
            }
        }
    }
    const auto& ev = obj(diff, "events");
    for (const char* k : {"only_a", "only_b"}) {
        if (!ev.contains(k) || !ev[k].is_array()) continue;
        for (const auto& e : ev[k])
            out += terminal_clean(std::string(k[5] == 'a' ? "  only A   " : "  only B   ") + "KERNEL late, after " + str(e, "group") + "/" +
                                      str(e, "after_id") + ": " + or_dash(str(e, "title")),
                                  100) +
                   "\n";
    }
    if (diff.is_object() && diff.contains("warnings") && diff["warnings"].is_array() && !diff["warnings"].empty()) {
        out += "\nwarnings:\n";
        for (const auto& w : diff["warnings"])
            out +=
                terminal_clean(
                    "  " + (w.is_string() ? w.get<std::string>() : w.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)), 100) +
                "\n";
    }
    return out;
}

}  // namespace mh::conformance
