#include "harness/lava/lava_log.h"

#include <cstdlib>

#include "harness/common/text.h"

namespace mh::lava {

namespace {

// A recursive reader of the subset LAVA writes: flow mappings whose keys and values are
// double-quoted scalars (PyYAML's default_style='"') or nested flow mappings.
class FlowReader {
public:
    explicit FlowReader(const std::string& s) : s_(s) {}

    Expected<std::map<std::string, std::string>> record() {
        std::map<std::string, std::string> out;
        skip_space();
        if (auto st = mapping("", out); !st) return st.error();
        skip_space();
        if (pos_ != s_.size()) return make_error("text after the record at column " + std::to_string(pos_ + 1));
        return out;
    }

private:
    Status mapping(const std::string& prefix, std::map<std::string, std::string>& out) {
        if (!eat('{')) return make_error("expected '{' at column " + std::to_string(pos_ + 1));
        skip_space();
        if (eat('}')) return ok_status();
        for (;;) {
            skip_space();
            auto key = scalar();
            if (!key) return key.error();
            skip_space();
            if (!eat(':')) return make_error("expected ':' at column " + std::to_string(pos_ + 1));
            skip_space();
            const std::string name = prefix.empty() ? *key : prefix + "." + *key;
            if (pos_ < s_.size() && s_[pos_] == '{') {
                if (auto st = mapping(name, out); !st) return st.error();
            } else if (pos_ < s_.size() && s_[pos_] == '[') {
                // Lists (e.g. a results record's "extra") are kept as their raw text.
                size_t depth = 0, start = pos_;
                for (; pos_ < s_.size(); ++pos_) {
                    if (s_[pos_] == '[') ++depth;
                    if (s_[pos_] == ']' && --depth == 0) break;
                }
                if (pos_ >= s_.size()) return make_error("unterminated list");
                out[name] = s_.substr(start, ++pos_ - start);
            } else {
                auto value = scalar();
                if (!value) return value.error();
                out[name] = *value;
            }
            skip_space();
            if (eat('}')) return ok_status();
            if (!eat(',')) return make_error("expected ',' or '}' at column " + std::to_string(pos_ + 1));
        }
    }

    // A double-quoted scalar with YAML's escapes, or a plain word (numbers, null).
    Expected<std::string> scalar() {
        std::string out;
        if (!eat('"')) {
            size_t start = pos_;
            while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && s_[pos_] != ':') ++pos_;
            if (start == pos_) return make_error("expected a scalar at column " + std::to_string(pos_ + 1));
            return std::string(trim(std::string_view(s_).substr(start, pos_ - start)));
        }
        while (pos_ < s_.size() && s_[pos_] != '"') {
            char c = s_[pos_++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size()) break;
            char e = s_[pos_++];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case '0': out += '\0'; break;
                case 'a': out += '\a'; break;
                case 'b': out += '\b'; break;
                case 'e': out += '\x1b'; break;
                case 'f': out += '\f'; break;
                case 'v': out += '\v'; break;
                case ' ': out += ' '; break;
                case '_': out += "\xc2\xa0"; break;
                case 'N': out += "\xc2\x85"; break;
                case 'L': out += "\xe2\x80\xa8"; break;
                case 'P': out += "\xe2\x80\xa9"; break;
                case 'x':
                case 'u':
                case 'U': {
                    const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (pos_ + n > s_.size()) return make_error("short \\" + std::string(1, e) + " escape");
                    const std::string hex = s_.substr(pos_, n);
                    char* end = nullptr;
                    unsigned long cp = std::strtoul(hex.c_str(), &end, 16);
                    if (end != hex.c_str() + n) return make_error("bad \\" + std::string(1, e) + " escape");
                    pos_ += n;
                    append_utf8(out, cp);
                    break;
                }
                default: out += e;  // \" \\ \/
            }
        }
        if (!eat('"')) return make_error("unterminated string");
        return out;
    }

    static void append_utf8(std::string& out, unsigned long cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    bool eat(char c) {
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    }

    const std::string& s_;
    size_t pos_ = 0;
};

}  // namespace

Expected<std::map<std::string, std::string>> parse_record(const std::string& line) {
    std::string text = trim(line);
    if (text.rfind("- ", 0) == 0) text.erase(0, 2);
    return FlowReader(text).record();
}

JobLog parse_job_log(const std::string& text) {
    JobLog log;
    for (auto [line, number] : lines(text)) {
        if (trim(line).empty()) continue;
        auto rec = parse_record(std::string(line));
        if (!rec || !rec->count("lvl")) {
            ++log.bad_lines;
            continue;
        }
        ++log.records;
        const std::string& lvl = rec->at("lvl");
        if (lvl == "target" || lvl == "feedback") {
            if (auto m = rec->find("msg"); m != rec->end()) {
                std::string l = m->second;
                while (!l.empty() && (l.back() == '\r' || l.back() == '\n')) l.pop_back();
                (log.console += l) += '\n';
            }
        } else if (lvl == "results") {
            LavaTestCase tc;
            tc.definition = (*rec)["msg.definition"];
            // LAVA turns '-' in a monitor's test_case_id into '_' and keeps the original in extra.
            tc.name = rec->count("msg.extra.test_case_id") ? (*rec)["msg.extra.test_case_id"] : (*rec)["msg.case"];
            tc.result = (*rec)["msg.result"];
            tc.measurement = (*rec)["msg.measurement"];
            log.results.push_back(tc);
        } else if (lvl == "error" || lvl == "exception") {
            log.errors.push_back((*rec)["msg"]);
        }
    }
    return log;
}

}  // namespace mh::lava
