// Contract parser, validator and rule lookup.
#include "conformance/contract.h"

#include <set>

#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/sys/errno_names.h"

namespace mh::conformance {
namespace {

Expected<VersionRange> parse_range(const std::string& text) {
    VersionRange r;
    r.text = text;
    if (text == "*") return r;
    auto dash = text.find('-');
    if (dash == std::string::npos) return make_error("kernel range '" + text + "' must be *, A-, -B or A-B");
    std::string lo = text.substr(0, dash), hi = text.substr(dash + 1);
    if (!lo.empty()) {
        r.low = parse_version(lo);
        if (!r.low) return make_error("bad version '" + lo + "'");
    }
    if (!hi.empty()) {
        r.high = parse_version(hi);
        if (!r.high) return make_error("bad version '" + hi + "'");
    }
    if (r.low && r.high && compare_versions(*r.low, *r.high) > 0) return make_error("empty kernel range '" + text + "'");
    return r;
}

Expected<std::vector<Condition>> parse_conditions(const std::string& text) {
    std::vector<Condition> out;
    if (text == "-") return out;
    for (const auto& atom : split_trimmed(text, ',')) {
        Condition c;
        if (atom == "sig_enforce" || atom == "!sig_enforce") {
            c.key = "sig_enforce";
            c.negated = atom[0] == '!';
        } else if (atom.rfind("CONFIG_", 0) == 0) {
            auto ne = atom.find("!=");
            auto eq = atom.find('=');
            if (ne != std::string::npos) {
                c.key = atom.substr(0, ne);
                c.value = atom.substr(ne + 2);
                c.negated = true;
            } else if (eq != std::string::npos) {
                c.key = atom.substr(0, eq);
                c.value = atom.substr(eq + 1);
            } else {
                return make_error("condition '" + atom + "' needs =value or !=value");
            }
        } else {
            return make_error("unknown condition '" + atom + "' (CONFIG_X=y, CONFIG_X!=y, sig_enforce, !sig_enforce)");
        }
        out.push_back(c);
    }
    return out;
}

bool condition_holds(const Condition& c, const KernelFacts& f) {
    bool v;
    if (c.key == "sig_enforce") {
        v = f.sig_enforce;
    } else {
        auto it = f.config.find(c.key);
        v = (it == f.config.end() ? std::string("n") : it->second) == c.value;
    }
    return c.negated ? !v : v;
}

bool ranges_overlap(const VersionRange& a, const VersionRange& b) {
    // a.low <= b.high and b.low <= a.high, with open ends.
    bool lo_ok = !a.low || !b.high || compare_versions(*a.low, *b.high) <= 0;
    bool hi_ok = !b.low || !a.high || compare_versions(*b.low, *a.high) <= 0;
    return lo_ok && hi_ok;
}

}  // namespace

// Fields are separated by " | " so that a bare '|' can appear inside source text (A|B flags).
std::vector<std::string> split_fields(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t pos = s.find(" | ", start);
        out.push_back(trim(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start)));
        if (pos == std::string::npos) break;
        start = pos + 3;
    }
    if (out.size() == 1 && out[0].empty()) out.clear();
    return out;
}

KernelFacts kernel_facts(const std::string& version, const std::map<std::string, std::string>& config, bool sig_enforce_cmdline) {
    KernelFacts f;
    f.version = parse_version(version).value_or(Version{{0}});
    f.config = config;
    auto force = config.find("CONFIG_MODULE_SIG_FORCE");
    f.sig_enforce = sig_enforce_cmdline || (force != config.end() && force->second == "y");
    return f;
}

std::optional<Version> parse_version(const std::string& text) {
    Version v;
    for (const auto& part : split_trimmed(text, '.')) {
        if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        v.parts.push_back(std::stoi(part));
    }
    if (v.parts.empty()) return std::nullopt;
    return v;
}

int compare_versions(const Version& a, const Version& b) {
    size_t n = std::max(a.parts.size(), b.parts.size());
    for (size_t i = 0; i < n; ++i) {
        int x = i < a.parts.size() ? a.parts[i] : 0, y = i < b.parts.size() ? b.parts[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

bool VersionRange::contains(const Version& v) const {
    if (low && compare_versions(v, *low) < 0) return false;
    if (high && compare_versions(v, *high) > 0) return false;
    return true;
}

Expected<ErrnoSet> parse_errno_set(const std::string& text) {
    if (text == "*") return ErrnoSet{};
    std::vector<int> out;
    if (text == "-") return ErrnoSet{out};
    for (const auto& item : split_trimmed(text, ',')) {
        if (item == "sentinel") {
            out.push_back(131);  // ENOTRECOVERABLE, the sentinel seed's init value
            continue;
        }
        auto e = sys::errno_from_name(item);
        if (!e) return make_error("unknown errno '" + item + "'");
        out.push_back(*e);
    }
    if (out.empty()) return make_error("empty errno set");
    return ErrnoSet{out};
}

std::string errno_set_text(const ErrnoSet& s) {
    if (!s) return "*";
    if (s->empty()) return "-";
    std::string out;
    for (int e : *s) out += (out.empty() ? "" : ",") + (e == 131 ? std::string("sentinel") : sys::errno_name(e));
    return out;
}

Expected<Contract> parse_contract(const std::string& text, const std::string& source_name) {
    Contract c;
    for (auto [line, lineno] : lines(text)) {
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        auto where = source_name + ":" + std::to_string(lineno) + ": ";
        auto sp = t.find(' ');
        std::string kind = t.substr(0, sp);
        auto fields = split_fields(sp == std::string::npos ? "" : t.substr(sp + 1));
        if (kind == "class") {
            if (fields.size() != 3) return make_error(where + "class needs 3 fields: ID | section | title");
            if (c.classes.count(fields[0])) return make_error(where + "class " + fields[0] + " defined twice");
            c.classes[fields[0]] = {fields[0], fields[1], fields[2]};
        } else if (kind == "rule") {
            if (fields.size() != 7)
                return make_error(
                    where +
                    "rule needs 7 fields: ID[:malformation] | kernels | condition | expect | man page says | source | man note (got " +
                    std::to_string(fields.size()) + ")");
            Rule r;
            r.line = static_cast<int>(lineno);
            auto colon = fields[0].find(':');
            r.class_id = fields[0].substr(0, colon);
            if (colon != std::string::npos) r.malformation = fields[0].substr(colon + 1);
            auto range = parse_range(fields[1]);
            if (!range) return make_error(where + range.error().message);
            r.kernels = *range;
            auto conds = parse_conditions(fields[2]);
            if (!conds) return make_error(where + conds.error().message);
            r.conditions = *conds;
            r.conditions_text = fields[2];
            auto expect = parse_errno_set(fields[3]);
            if (!expect) return make_error(where + "expect: " + expect.error().message);
            if (expect->has_value() && (*expect)->empty()) return make_error(where + "expect cannot be '-'");
            r.expect = *expect;
            if (fields[4] != "-") r.man_says = split_trimmed(fields[4], ',');
            r.source = fields[5];
            r.man_note = fields[6] == "-" ? "" : fields[6];
            c.rules.push_back(std::move(r));
        } else if (kind == "uncovered") {
            if (fields.size() != 4) return make_error(where + "uncovered needs 4 fields: ID | section | title | reason");
            c.uncovered.push_back({fields[0], fields[1], fields[2], fields[3]});
        } else if (kind == "spec") {
            if (fields.size() != 2) return make_error(where + "spec needs 2 fields: section | class ids");
            c.spec.push_back({fields[0], words(fields[1])});
        } else {
            return make_error(where + "line must start with 'class', 'rule', 'uncovered' or 'spec'");
        }
    }
    return c;
}

Expected<Contract> load_contract(const std::filesystem::path& path) {
    auto text = read_text_file(path);
    if (!text) return environment_error("cannot read contract " + path.string());
    auto c = parse_contract(*text, path.string());
    if (!c) return c;
    auto man_path = path.parent_path() / "man_pages.txt";
    auto man_text = read_text_file(man_path);
    if (!man_text) return environment_error("cannot read man page statements " + man_path.string());
    auto man = parse_man_pages(*man_text, man_path.string());
    if (!man) return man.error();
    c->man = std::move(*man);
    auto v = validate_contract(*c);
    if (!v) return v.error();
    return c;
}

Status validate_contract(const Contract& c) {
    for (const auto& r : c.rules) {
        if (!c.classes.count(r.class_id))
            return make_error("line " + std::to_string(r.line) + ": rule for unknown class '" + r.class_id + "'");
        for (const auto& k : r.man_says)
            if (!c.man.says.count(k))
                return make_error("line " + std::to_string(r.line) + ": rule names man-page statement '" + k +
                                  "' that man_pages.txt does not have");
    }
    std::set<std::string> uncovered;
    for (const auto& u : c.uncovered) {
        if (c.classes.count(u.id)) return make_error("class " + u.id + " is declared and also listed as uncovered");
        if (!uncovered.insert(u.id).second) return make_error("class " + u.id + " is listed as uncovered twice");
    }
    std::set<std::string> spec;
    for (const auto& s : c.spec)
        for (const auto& id : s.ids)
            if (!spec.insert(id).second) return make_error("spec lists class " + id + " twice");
    for (size_t i = 0; i < c.rules.size(); ++i)
        for (size_t j = i + 1; j < c.rules.size(); ++j) {
            const auto &a = c.rules[i], &b = c.rules[j];
            if (a.class_id != b.class_id || a.malformation != b.malformation || a.conditions_text != b.conditions_text) continue;
            if (ranges_overlap(a.kernels, b.kernels))
                return make_error("lines " + std::to_string(a.line) + " and " + std::to_string(b.line) + ": rules for " + a.class_id +
                                  (a.malformation.empty() ? "" : ":" + a.malformation) +
                                  " with the same condition have overlapping kernel ranges (" + a.kernels.text + ", " + b.kernels.text +
                                  ")");
        }
    for (const auto& [id, cls] : c.classes) {
        bool used = false;
        for (const auto& r : c.rules) used |= r.class_id == id;
        if (!used) return make_error("class " + id + " has no rule");
    }
    return ok_status();
}

const Rule* find_rule(const Contract& c, const std::string& class_id, const std::string& malformation, const KernelFacts& facts) {
    auto matches = [&](const Rule& r) {
        if (r.class_id != class_id || !r.kernels.contains(facts.version)) return false;
        for (const auto& cond : r.conditions)
            if (!condition_holds(cond, facts)) return false;
        return true;
    };
    if (!malformation.empty())
        for (const auto& r : c.rules)
            if (r.malformation == malformation && matches(r)) return &r;
    for (const auto& r : c.rules)
        if (r.malformation.empty() && matches(r)) return &r;
    return nullptr;
}

}  // namespace mh::conformance
