// Tolerant reading of modharness.conformance/1 runs: typed accessors that never throw on hostile JSON.
#include "conformance/report/run_view.h"

#include <cctype>

namespace mh::conformance {
namespace {

const nlohmann::json& empty_object() {
    static const nlohmann::json e = nlohmann::json::object();
    return e;
}

std::string scalar_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    // Replace invalid UTF-8 instead of throwing: a hand-built json may hold arbitrary bytes.
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string str(const nlohmann::json& j, std::string_view key) {
    if (!j.is_object()) return "";
    auto it = j.find(key);
    return it == j.end() ? "" : scalar_text(*it);
}

std::vector<std::string> str_list(const nlohmann::json& j, std::string_view key) {
    std::vector<std::string> out;
    if (!j.is_object()) return out;
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return out;
    if (!it->is_array()) {
        out.push_back(scalar_text(*it));
        return out;
    }
    for (const auto& e : *it) out.push_back(scalar_text(e));
    return out;
}

double num(const nlohmann::json& j, std::string_view key, double fallback) {
    if (!j.is_object()) return fallback;
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

const nlohmann::json& obj(const nlohmann::json& j, std::string_view key) {
    if (!j.is_object()) return empty_object();
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty_object();
}

std::vector<const nlohmann::json*> run_cases(const nlohmann::json& run) {
    std::vector<const nlohmann::json*> out;
    if (!run.is_object()) return out;
    auto it = run.find("cases");
    if (it == run.end() || !it->is_array()) return out;
    for (const auto& c : *it)
        if (c.is_object()) out.push_back(&c);
    return out;
}

std::vector<const nlohmann::json*> run_events(const nlohmann::json& run) {
    std::vector<const nlohmann::json*> out;
    if (!run.is_object()) return out;
    auto it = run.find("events");
    if (it == run.end() || !it->is_array()) return out;
    for (const auto& e : *it)
        if (e.is_object()) out.push_back(&e);
    return out;
}

std::string event_label(const nlohmann::json& e) {
    std::string title = str(e, "title");
    return "late kernel report after " + or_dash(str(e, "group")) + "/" + or_dash(str(e, "after_id")) + " (VM " +
           std::to_string(static_cast<long>(num(e, "vm"))) + "): " + or_dash(title);
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    if (items.empty()) return "-";
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += sep;
        out += items[i];
    }
    return out;
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::size_t verdict_index(std::string_view v) {
    for (std::size_t i = 0; i < kVerdicts.size(); ++i)
        if (kVerdicts[i] == v) return i;
    return 3;  // BROK
}

int verdict_severity(std::string_view v) {
    if (v == "PASS" || v == "RAN") return 0;
    if (v == "CONF") return 1;
    if (v == "FAIL") return 2;
    if (v == "KERNEL") return 4;
    return 3;  // BROK and anything unknown
}

std::string case_class(const nlohmann::json& c) {
    std::string k = str(c, "class");
    return k.empty() ? "(none)" : k;
}

std::string case_call(const nlohmann::json& c) {
    std::string call = str(obj(c, "input"), "call");
    return call.empty() ? "none" : call;
}

std::string case_key(const nlohmann::json& c) { return str(c, "group") + "/" + str(c, "id"); }

bool class_less(const std::string& a, const std::string& b) {
    // Compare runs of digits by value so F2 < F10; everything else bytewise.
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        auto ca = static_cast<unsigned char>(a[i]), cb = static_cast<unsigned char>(b[j]);
        if (std::isdigit(ca) && std::isdigit(cb)) {
            std::size_t i2 = i, j2 = j;
            while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2]))) ++i2;
            while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2]))) ++j2;
            // Strip leading zeros, then a longer number is larger; equal lengths compare as text.
            std::string_view na(a.data() + i, i2 - i), nb(b.data() + j, j2 - j);
            while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
            while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
            if (na.size() != nb.size()) return na.size() < nb.size();
            if (na != nb) return na < nb;
            i = i2;
            j = j2;
            continue;
        }
        if (ca != cb) return ca < cb;
        ++i;
        ++j;
    }
    if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
    return a < b;  // total order for equal-by-value ids like F01 / F1
}

Tallies tally_by_class(const nlohmann::json& run) {
    Tallies t(&class_less);
    // Classes declared by the run appear even when no case of theirs ran.
    for (const auto& [k, v] : obj(run, "classes").items()) {
        (void)v;
        t[k];
    }
    for (const auto* c : run_cases(run)) {
        auto& ct = t[case_class(*c)];
        std::size_t vi = verdict_index(str(*c, "verdict"));
        ct.cases++;
        ct.verdicts[vi]++;
        ct.by_call[case_call(*c)][vi]++;
        std::string f = str(*c, "followed");
        ct.followed[f.empty() ? "-" : f]++;
    }
    return t;
}

std::string man_page_name(const nlohmann::json& run) { return str(obj(run, "man_page"), "name"); }

std::vector<const nlohmann::json*> run_uncovered(const nlohmann::json& run) {
    std::vector<const nlohmann::json*> out;
    if (!run.is_object()) return out;
    auto it = run.find("uncovered");
    if (it == run.end() || !it->is_array()) return out;
    for (const auto& u : *it)
        if (u.is_object()) out.push_back(&u);
    return out;
}

std::string kernel_label(const nlohmann::json& run) {
    const auto& k = obj(run, "kernel");
    std::string name = str(k, "name"), release = str(k, "release");
    if (name.empty()) name = "unknown kernel";
    return release.empty() || release == name ? name : name + " (" + release + ")";
}

}  // namespace mh::conformance
