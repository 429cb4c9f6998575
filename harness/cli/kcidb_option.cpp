// `--kcidb FILE` (see kcidb_option.h).
#include "harness/cli/kcidb_option.h"

#include <cstdio>

#include "conformance/report/kcidb.h"
#include "harness/common/files.h"

namespace mh::cli {

OptionSpec kcidb_option_spec() {
    return {"kcidb", "FILE",
            "also write the run(s) as KernelCI KCIDB JSON (schema v5: checkout, build, one test per case, "
            "issues and incidents for kernel reports), for kcidb-submit"};
}

Status write_kcidb(const std::string& file, const std::vector<nlohmann::json>& runs) {
    const auto data = conformance::kcidb_from_runs(runs);
    MH_TRY(write_file_atomic(file, data.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)));
    std::printf("kcidb: %s (%zu tests)\n", file.c_str(), data.value("tests", nlohmann::json::array()).size());
    return ok_status();
}

}  // namespace mh::cli
