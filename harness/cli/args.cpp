// Implementation of the shared option parser.
#include "harness/cli/args.h"

namespace mh::cli {

std::optional<std::string> ParsedArgs::get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::string ParsedArgs::get_or(const std::string& name, const std::string& fallback) const {
    auto v = get(name);
    return v ? *v : fallback;
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? std::vector<std::string>{} : it->second;
}

Expected<ParsedArgs> parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
    ParsedArgs out;
    bool only_positionals = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (only_positionals || a.size() < 2 || a[0] != '-') {
            out.positionals.push_back(a);
            continue;
        }
        if (a == "--") {
            only_positionals = true;
            continue;
        }
        std::string body = a.substr(a[1] == '-' ? 2 : 1);
        std::optional<std::string> inline_value;
        if (auto eq = body.find('='); eq != std::string::npos) {
            inline_value = body.substr(eq + 1);
            body = body.substr(0, eq);
        }
        const OptionSpec* spec = nullptr;
        for (const auto& s : specs)
            if (s.name == body) spec = &s;
        if (!spec) return make_error("unknown option '" + a + "' (see --help)");
        std::string value;
        if (spec->takes_value) {
            if (inline_value) {
                value = *inline_value;
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                return make_error("option --" + body + " needs a value");
            }
        } else if (inline_value) {
            return make_error("option --" + body + " takes no value");
        }
        auto& slot = out.options[body];
        if (!slot.empty() && !spec->repeatable && spec->takes_value)
            return make_error("option --" + body + " given twice");
        slot.push_back(value);
    }
    return out;
}

}  // namespace mh::cli
