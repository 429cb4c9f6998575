// Test helpers for the report tests: fixture runs, a parser-free XML well-formedness check, xmllint.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "conformance/report/run_file.h"
#include "harness/common/text.h"

namespace mh::conformance::testing {

inline std::filesystem::path testdata() {
    const char* src = std::getenv("MH_SOURCE_DIR");
    return std::filesystem::path(src ? src : ".") / "conformance/report/testdata";
}

// Run A: debian-6.1-cloud, 14 cases (10 PASS, 1 FAIL, 1 CONF, 1 BROK, 1 KERNEL), as a directory.
// Run B: debian-6.12-cloud, the same cases with 5 changed, f9-empty-finit gone, f13-memfd-finit new.
inline nlohmann::json run_a() {
    auto r = load_run(testdata() / "run_a");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : nlohmann::json::object();
}
inline nlohmann::json run_b() {
    auto r = load_run(testdata() / "run_b.json");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : nlohmann::json::object();
}

// Run A with e1-bad-magic-init as mal-this-module-duplicate-init ran on 6.1: PASS, with a sysfs
// complaint and a stack dump in its kernel log (log_notes), and one case with an empty list.
inline nlohmann::json run_a_with_notes() {
    nlohmann::json run = run_a();
    for (auto& c : run["cases"]) {
        if (c.value("id", "") == "e1-bad-magic-init") {
            c["log_class"] = "sysfs-duplicate";
            c["log_notes"] = {"sysfs-duplicate", "stack-dump"};
            c["kmsg"] = {"sysfs: cannot create duplicate filename '/module/mh_sentinel/sections/.gnu.linkonce.this_module'",
                         "Call Trace:", " dump_stack_lvl+0x44/0x5c"};
        }
        if (c.value("id", "") == "f1-closed-finit") c["log_notes"] = nlohmann::json::array();
    }
    return run;
}

// Lines of s.
inline std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    for (auto [line, number] : mh::lines(s)) out.emplace_back(line);
    return out;
}

using mh::words;  // whitespace-separated words of a line

// A small XML well-formedness check without a parser library: tags nest and match, attribute
// values are quoted, '&' only starts a known entity or a character reference, no '<' or '>'
// in text or attributes, and no byte XML 1.0 forbids. "" when fine, else what is wrong and where.
inline std::string xml_problem(const std::string& x) {
    std::vector<std::string> stack;
    auto is_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.'; };
    auto check_text = [&](std::size_t from, std::size_t to, bool in_attr) -> std::string {
        for (std::size_t i = from; i < to; ++i) {
            auto b = static_cast<unsigned char>(x[i]);
            if (b < 0x20 && b != '\n' && b != '\t' && b != '\r') return "control byte at " + std::to_string(i);
            if (b == 0x7F) return "DEL at " + std::to_string(i);
            if (x[i] == '<' || (x[i] == '>' && in_attr)) return "raw markup character at " + std::to_string(i);
            if (in_attr && (x[i] == '\n' || x[i] == '\t')) return "raw whitespace in attribute at " + std::to_string(i);
            if (x[i] == '&') {
                auto semi = x.find(';', i);
                if (semi == std::string::npos || semi > to) return "unterminated entity at " + std::to_string(i);
                std::string ent = x.substr(i + 1, semi - i - 1);
                bool ok = ent == "amp" || ent == "lt" || ent == "gt" || ent == "quot" || ent == "apos" ||
                          (ent.size() > 1 && ent[0] == '#' && ent.find_first_not_of("0123456789", 1) == std::string::npos);
                if (!ok) return "unknown entity &" + ent + "; at " + std::to_string(i);
            }
        }
        return "";
    };
    std::size_t i = 0;
    while (i < x.size()) {
        auto lt = x.find('<', i);
        if (lt == std::string::npos) lt = x.size();
        // Text between tags ('>' is legal in text).
        if (auto p = check_text(i, lt, false); !p.empty()) return p;
        if (lt == x.size()) break;
        if (x.compare(lt, 2, "<?") == 0 || x.compare(lt, 2, "<!") == 0) {
            auto gt = x.find('>', lt);
            if (gt == std::string::npos) return "unterminated declaration";
            i = gt + 1;
            continue;
        }
        bool closing = x.compare(lt, 2, "</") == 0;
        std::size_t p = lt + (closing ? 2 : 1), name_start = p;
        while (p < x.size() && is_name(x[p])) ++p;
        std::string name = x.substr(name_start, p - name_start);
        if (name.empty()) return "empty tag name at " + std::to_string(lt);
        bool self_closing = false;
        while (true) {
            while (p < x.size() && (x[p] == ' ' || x[p] == '\n')) ++p;
            if (p >= x.size()) return "unterminated tag " + name;
            if (x[p] == '>') break;
            if (x.compare(p, 2, "/>") == 0) {
                self_closing = true;
                ++p;
                break;
            }
            if (closing) return "attribute in closing tag " + name;
            std::size_t a = p;
            while (p < x.size() && is_name(x[p])) ++p;
            if (p == a || p >= x.size() || x[p] != '=' || p + 1 >= x.size() || x[p + 1] != '"')
                return "bad attribute in <" + name + "> at " + std::to_string(a);
            auto q = x.find('"', p + 2);
            if (q == std::string::npos) return "unterminated attribute in <" + name + ">";
            if (auto e = check_text(p + 2, q, true); !e.empty()) return e;
            p = q + 1;
        }
        if (closing) {
            if (stack.empty() || stack.back() != name)
                return "</" + name + "> does not close <" + (stack.empty() ? "" : stack.back()) + ">";
            stack.pop_back();
        } else if (!self_closing) {
            stack.push_back(name);
        }
        i = p + 1;
    }
    if (!stack.empty()) return "unclosed <" + stack.back() + ">";
    return "";
}

// xmllint --noout over the bytes; skips the calling test when xmllint is not installed.
#define MH_EXPECT_XMLLINT_OK(bytes, name) \
    do { \
        if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint not installed"; \
        auto path_ = std::filesystem::temp_directory_path() / (std::string("mh_report_") + (name)); \
        { \
            std::ofstream o_(path_, std::ios::binary); \
            o_ << (bytes); \
        } \
        int rc_ = std::system(("xmllint --noout '" + path_.string() + "'").c_str()); \
        EXPECT_EQ(rc_, 0) << "xmllint rejected " << path_; \
        if (rc_ == 0) std::filesystem::remove(path_); \
    } while (0)

}  // namespace mh::conformance::testing
