// Small text helpers for the line-based data files (contract, groups, case lists).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mh {

// Without leading/trailing spaces, tabs and CRs.
std::string trim(std::string_view s);
// Splits on `sep`, trimming each item (empty items kept).
std::vector<std::string> split_trimmed(std::string_view s, char sep);
// Whitespace-separated words.
std::vector<std::string> words(std::string_view s);

}  // namespace mh
