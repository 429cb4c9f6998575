// Loading a conformance run from disk: a conformance.json file or the run directory holding it.
#include "conformance/report/run_file.h"

#include <algorithm>
#include <system_error>

#include "harness/common/files.h"

namespace mh::conformance {

namespace {

// Deepest array/object nesting in JSON text (strings skipped). Parsing is iterative, but
// printing a value (dump) recurses, so a hostile run must not reach the reports that deep.
std::size_t nesting_depth(std::string_view bytes) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char ch : bytes) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '[' || ch == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

constexpr std::size_t kMaxDepth = 256;

}  // namespace

mh::Expected<nlohmann::json> parse_run(std::string_view bytes, const std::string& origin) {
    if (nesting_depth(bytes) > kMaxDepth)
        return mh::make_error(origin + ": JSON nests deeper than " + std::to_string(kMaxDepth) +
                              " levels; a conformance run needs a handful");
    // Parse without exceptions; only when that fails parse again, throwing, to get the parser's
    // message (it names the byte offset), which the non-throwing form discards.
    nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (j.is_discarded()) {
        std::string why = "not valid JSON";
        try {
            auto discarded = nlohmann::json::parse(bytes.begin(), bytes.end());
            (void)discarded;
        } catch (const nlohmann::json::exception& e) {
            why = e.what();
        }
        return mh::make_error(origin + ": " + why);
    }
    if (!j.is_object())
        return mh::make_error(origin + ": not a conformance run (top level is a JSON " + std::string(j.type_name()) +
                              ", expected an object with \"schema\": \"" + std::string(kRunSchema) + "\")");
    auto s = j.find("schema");
    if (s == j.end() || !s->is_string())
        return mh::make_error(origin + ": not a conformance run (no \"schema\" string; expected \"" + std::string(kRunSchema) + "\")");
    if (s->get<std::string>() != kRunSchema)
        return mh::make_error(
            origin + ": schema is \"" + s->get<std::string>() + "\", this modharness reads \"" + std::string(kRunSchema) + "\"" +
            (s->get<std::string>() == "modharness.result/1" ? " (that is one case of results.jsonl; pass the run's conformance.json)"
                                                            : ""));
    auto c = j.find("cases");
    if (c != j.end() && !c->is_array())
        return mh::make_error(origin + ": \"cases\" is a JSON " + std::string(c->type_name()) + ", expected an array");
    if (c == j.end()) j["cases"] = nlohmann::json::array();  // a run killed before its first case
    return j;
}

mh::Expected<nlohmann::json> load_run(const std::filesystem::path& file_or_dir) {
    std::error_code ec;
    std::filesystem::path file = file_or_dir;
    if (std::filesystem::is_directory(file_or_dir, ec)) {
        file = file_or_dir / "conformance.json";
        if (!std::filesystem::exists(file, ec))
            return mh::make_error(file_or_dir.string() +
                                  ": directory holds no conformance.json (is it a `modharness conform --out` directory?)");
    } else if (!std::filesystem::exists(file_or_dir, ec)) {
        return mh::make_error(file_or_dir.string() + ": no such file or directory");
    }
    auto contents = mh::read_text_file(file);
    if (!contents) return mh::make_error(file.string() + ": cannot open for reading");
    const std::string& bytes = *contents;
    if (bytes.empty()) return mh::make_error(file.string() + ": empty file (a run still being written?)");
    return parse_run(bytes, file.string());
}

}  // namespace mh::conformance
