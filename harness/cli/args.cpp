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
            if (s.name == body || (!s.alias.empty() && s.alias == body)) spec = &s;
        if (!spec) return usage_error("unknown option '" + a + "' (see --help)");
        std::string value;
        if (spec->takes_value()) {
            if (inline_value) {
                value = *inline_value;
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                return usage_error("option --" + body + " needs a value");
            }
        } else if (inline_value) {
            return usage_error("option --" + body + " takes no value");
        }
        auto& slot = out.options[spec->name];
        if (!slot.empty() && !spec->repeatable && spec->takes_value()) return usage_error("option --" + body + " given twice");
        slot.push_back(value);
    }
    return out;
}

void print_option_help(std::FILE* out, const std::vector<OptionSpec>& specs, std::size_t column) {
    for (const auto& s : specs) {
        if (s.help.empty()) continue;
        std::string line = "  ";
        if (!s.alias.empty()) line += "-" + s.alias + ", ";
        line += "--" + s.name;
        if (s.takes_value()) line += " " + s.value_name;
        line += line.size() < column ? std::string(column - line.size(), ' ') : " ";
        size_t at = 0;
        for (;;) {
            size_t nl = s.help.find('\n', at);
            line += s.help.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
            line += '\n';
            if (nl == std::string::npos) break;
            at = nl + 1;
            line += std::string(column, ' ');
        }
        std::fputs(line.c_str(), out);
    }
}

int report_error(const char* command, const Error& error) {
    std::fprintf(stderr, "modharness %s: %s\n", command, error.message.c_str());
    return exit_code_for(error.kind);
}

}  // namespace mh::cli
