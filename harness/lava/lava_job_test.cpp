#include "harness/lava/lava_job.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "harness/common/files.h"

namespace mh::lava {
namespace {

JobSpec spec() {
    JobSpec s;
    s.job_name = "modharness 6.1.0-57-cloud-amd64 20 cases";
    s.kernel_url = "file:///tmp/job/vmlinuz";
    s.ramdisk_url = "file:///tmp/job/initrd.cpio";
    s.kernel_cmdline = "console=ttyS0 reboot=t panic=-1 modharness.guest=abc modharness.results=console";
    s.no_kvm = true;
    return s;
}

TEST(LavaJob, TheMonitorPatternMatchesTheExecutorsLines) {
    // std::regex has no (?P<name>...): drop the names, keep the groups.
    const std::string p = std::regex_replace(monitor_pattern(), std::regex(R"(\?P<[a-z_]+>)"), "");
    std::smatch m;
    const std::string line = "mh-lava: case=fd-minus1 result=fail errno=9";
    ASSERT_TRUE(std::regex_search(line, m, std::regex(p)));
    EXPECT_EQ(m[1], "fd-minus1");
    EXPECT_EQ(m[2], "fail");
    EXPECT_EQ(m[3], "9");
    const std::string maybe = "mh-lava: case=x result=maybe errno=1";
    EXPECT_FALSE(std::regex_search(maybe, m, std::regex(p)));
}

TEST(LavaJob, QuotesEveryScalarForYaml) { EXPECT_EQ(yaml_quote("a \"b\" \\c\n"), "\"a \\\"b\\\" \\\\c\\x0a\""); }

// The job and the device as YAML a LAVA dispatcher reads: parsed by PyYAML, with the job's
// actions and the device's qemu method in place.
TEST(LavaJob, JobAndDeviceAreYamlWithTheActionsLavaRuns) {
    if (std::system("python3 -c 'import yaml' 2>/dev/null") != 0) GTEST_SKIP() << "python3-yaml is not installed";
    const auto dir = std::filesystem::temp_directory_path() / ("mh-lava-job-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    ASSERT_TRUE(write_file_atomic(dir / "job.yaml", job_yaml(spec())));
    ASSERT_TRUE(write_file_atomic(dir / "device.yaml", local_qemu_device_yaml(spec(), "qemu-system-x86_64")));
    const std::string check = "python3 - " + (dir / "job.yaml").string() + " " + (dir / "device.yaml").string() + R"( <<'PY'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1])); dev = yaml.safe_load(open(sys.argv[2]))
deploy, boot, test = (a[k] for a, k in zip(job["actions"], ["deploy", "boot", "test"]))
assert job["device_type"] == "qemu" and job["context"]["no_kvm"] is True
assert deploy["to"] == "tmpfs" and deploy["images"]["kernel"]["image_arg"].startswith("-kernel {kernel} -append \"console=ttyS0")
assert deploy["images"]["ramdisk"]["url"] == "file:///tmp/job/initrd.cpio"
assert boot["method"] == "qemu" and boot["media"] == "tmpfs"
mon = test["monitors"][0]
assert mon["start"] == "mh-lava: begin" and mon["end"] == "mh-lava: end" and "(?P<test_case_id>" in mon["pattern"]
q = dev["actions"]["boot"]["methods"]["qemu"]["parameters"]
assert q["command"] == "qemu-system-x86_64" and "-m 1024" in q["options"] and "-enable-kvm" not in q["options"]
assert q["extra"] == ["-no-reboot"] and "image" in dev["actions"]["deploy"]["methods"]
PY)";
    EXPECT_EQ(std::system(check.c_str()), 0);
    std::filesystem::remove_all(dir);
}

// LAVA's own schema check (lava_common, from Debian's lava-dispatcher; scripts/lava-local.sh
// installs it): skipped where it is not installed.
TEST(LavaJob, JobPassesLavasStrictSchemaCheck) {
    if (std::system("/usr/bin/python3 -c 'import lava_common.schemas, yaml' 2>/dev/null") != 0)
        GTEST_SKIP() << "lava-dispatcher (lava_common) is not installed";
    const auto dir = std::filesystem::temp_directory_path() / ("mh-lava-schema-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    ASSERT_TRUE(write_file_atomic(dir / "job.yaml", job_yaml(spec())));
    const std::string lava =
        "/usr/bin/python3 -c 'import sys, yaml; from lava_common.schemas import validate; "
        "validate(yaml.safe_load(open(sys.argv[1])), strict=True)' " +
        (dir / "job.yaml").string();
    EXPECT_EQ(std::system(lava.c_str()), 0) << "lava_common.schemas.validate rejected the job";
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mh::lava
