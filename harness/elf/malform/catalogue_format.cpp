// Markdown and JSON renderings of the catalogue for docs and tools.
#include <cstdio>
#include <string>

#include "harness/elf/malform/malformation.h"

namespace mh::elf {

namespace {

std::string json_string(std::string_view s) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            o += '\\';
            o += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            o += buf;
        } else {
            o += c;
        }
    }
    return o + "\"";
}

std::string md_cell(std::string_view s) {
    std::string o;
    for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
    return o;
}

}  // namespace

std::string catalogue_markdown() {
    std::string o = "| id | contract | tags | wrapper | intent |\n|---|---|---|---|---|\n";
    for (const auto& m : malformation_catalogue()) {
        std::string tags;
        for (auto t : m.tags) tags += (tags.empty() ? "" : ", ") + std::string(t);
        o += "| `" + std::string(m.id) + "` | " + std::string(m.contract_id) + " | " + tags + " | " +
             (m.compressed() ? std::string(compression_name(m.wrapper)) : std::string("")) + " | " + md_cell(m.intent) + " |\n";
    }
    return o;
}

std::string catalogue_json() {
    std::string o = "{\"version\":1,\"malformations\":[";
    bool first = true;
    for (const auto& m : malformation_catalogue()) {
        o += first ? "\n" : ",\n";
        first = false;
        o += "{\"id\":" + json_string(m.id) + ",\"intent\":" + json_string(m.intent) + ",\"contract_id\":" + json_string(m.contract_id) +
             ",\"tags\":[";
        for (size_t i = 0; i < m.tags.size(); ++i) o += (i ? "," : "") + json_string(m.tags[i]);
        o += "],\"wrapper\":" + json_string(compression_name(m.wrapper)) + ",\"compressed\":" + (m.compressed() ? "true" : "false") +
             ",\"needs_signed_input\":" + (m.needs_signed_input ? "true" : "false") + "}";
    }
    return o + "\n]}\n";
}

}  // namespace mh::elf
