// `--kcidb FILE` (see kcidb_option.h).
#include "harness/cli/kcidb_option.h"

#include <cstdio>
#include <filesystem>

#include "harness/common/files.h"

namespace mh::cli {

OptionSpec kcidb_option_spec(const std::string& what) { return {"kcidb", "FILE", what}; }

Status check_kcidb_target(const std::string& file) {
    std::error_code ec;
    const std::filesystem::path f(file);
    if (file.empty() || std::filesystem::is_directory(f, ec)) return usage_error("--kcidb '" + file + "': not a file name");
    const auto dir = f.has_parent_path() ? f.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(dir, ec)) return usage_error("--kcidb '" + file + "': no directory " + dir.string());
    return ok_status();
}

Status write_kcidb(const std::string& file, const nlohmann::json& data) {
    MH_TRY(write_file_atomic(file, data.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)));
    std::printf("kcidb: %s (%zu tests)\n", file.c_str(), data.value("tests", nlohmann::json::array()).size());
    return ok_status();
}

}  // namespace mh::cli
