// The evidence of one case as plain text lines: inputs, got vs expected, man page, kmsg, console.
#include "conformance/report/case_evidence.h"

#include "conformance/report/run_view.h"

namespace mh::conformance {

std::string errno_set_text(const std::vector<std::string>& set, const std::string& empty_text) {
    if (set.empty()) return empty_text;
    if (set.size() == 1 && set[0] == "*") return "any";
    return join(set, "|");
}

std::string man_text(const nlohmann::json& c) { return errno_set_text(str_list(c, "man_expect"), "silent"); }

std::string got_vs_expected(const nlohmann::json& c) {
    std::string got = str(c, "errno");
    return (got.empty() ? std::string("no result") : "got " + got) + ", expected " + errno_set_text(str_list(c, "expect"));
}

std::string input_words(const nlohmann::json& c) {
    std::string out;
    for (const auto& [k, v] : obj(c, "input").items()) {
        if (!out.empty()) out += ' ';
        out += k + "=" + str(obj(c, "input"), k);
    }
    return out.empty() ? "-" : out;
}

std::string notes_text(const nlohmann::json& c) {
    auto notes = str_list(c, "log_notes");
    return notes.empty() ? std::string() : join(notes, ", ");  // join() gives "-" for none
}

std::string evidence_text(const nlohmann::json& c) {
    std::string out;
    auto line = [&](const std::string& label, const std::string& value) {
        if (!value.empty()) out += label + ": " + value + "\n";
    };
    line("case", case_key(c) + " (class " + case_class(c) + ")");
    line("input", input_words(c));
    out += got_vs_expected(c) + "\n";
    line("reason", str(c, "reason"));
    line("title", str(c, "title"));
    line("contract", str(c, "contract_source"));
    line("man page", man_text(c) + (str(c, "man_source").empty() ? "" : " (" + str(c, "man_source") + ")"));
    line("followed", str(c, "followed"));
    line("log class", str(c, "log_class"));
    line("log notices", notes_text(c));
    line("taint added", str(c, "taint_added"));
    line("setup error", str(c, "setup_error"));
    auto kmsg = str_list(c, "kmsg");
    if (!kmsg.empty()) {
        out += "kmsg:\n";
        for (const auto& k : kmsg) out += "  " + k + "\n";
    }
    std::string console = str(c, "console_excerpt");
    if (!console.empty()) out += "console excerpt:\n" + console + (console.back() == '\n' ? "" : "\n");
    return out;
}

}  // namespace mh::conformance
