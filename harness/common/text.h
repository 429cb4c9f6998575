// Small text helpers for the line-based data files (contract, groups, case lists) and tool output.
#pragma once

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace mh {

// The whitespace trim() removes: spaces, tabs, CRs, newlines (a file's text or one of its lines).
inline constexpr std::string_view kSpace = " \t\r\n\v\f";
// Without leading/trailing whitespace (kSpace).
std::string trim(std::string_view s);
// "0x1f": an address, offset or field value in messages.
std::string hex(unsigned long long v);
// Splits on `sep`, items as they are (empty items kept; "" gives one empty item). The views
// point into `s`.
std::vector<std::string_view> split(std::string_view s, char sep);
// Splits on `sep`, trimming each item (empty items kept).
std::vector<std::string> split_trimmed(std::string_view s, char sep);
// Whitespace-separated words.
std::vector<std::string> words(std::string_view s);

// One line of a text: without its '\n' (a '\r' before it stays: callers that accept CRLF trim
// it), numbered from 1 for error messages.
struct Line {
    std::string_view text;
    size_t number = 0;
};

// The one line splitter: `for (auto [line, number] : lines(text))`. It splits as std::getline
// does, which most data files were read with: a last line without '\n' is a line, the empty piece
// after a final '\n' is not, an empty text has none. The views point into `text`.
class Lines {
public:
    class iterator {
    public:
        using value_type = Line;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        explicit iterator(std::string_view text) : rest_(text), done_(false) { ++*this; }
        const Line& operator*() const { return line_; }
        const Line* operator->() const { return &line_; }
        iterator& operator++() {
            if (rest_.empty()) {
                done_ = true;
                return *this;
            }
            const size_t nl = rest_.find('\n');
            line_.text = rest_.substr(0, nl);
            rest_.remove_prefix(nl == std::string_view::npos ? rest_.size() : nl + 1);
            ++line_.number;
            return *this;
        }
        void operator++(int) { ++*this; }
        bool operator==(std::default_sentinel_t) const { return done_; }

    private:
        std::string_view rest_;
        Line line_;
        bool done_ = true;
    };

    explicit Lines(std::string_view text) : text_(text) {}
    iterator begin() const { return iterator(text_); }
    std::default_sentinel_t end() const { return {}; }

private:
    std::string_view text_;
};

inline Lines lines(std::string_view text) { return Lines(text); }
inline Lines lines(const std::string& text) { return Lines(text); }
inline Lines lines(const char* text) { return Lines(text); }
// A temporary string would be gone before the loop reads it: keep the text in a variable.
Lines lines(std::string&& text) = delete;

// Whether `line`, a view lines(text) gave, was ended by '\n' in `text` (only a last line can lack
// one): rewriters that copy lines through keep the text's ending as it was.
inline bool has_newline(std::string_view text, std::string_view line) { return line.data() + line.size() < text.data() + text.size(); }

}  // namespace mh
