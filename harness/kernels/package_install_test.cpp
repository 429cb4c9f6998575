// Installing build packages: the apt command line, and the refusal that names it without root.
#include "harness/kernels/package_install.h"

#include <gtest/gtest.h>

namespace mh::kernels {
namespace {

TEST(PackageInstall, AptInstallArgvIsNonInteractive) {
    const auto argv = apt_install_argv({"linux-source-6.12", "flex"});
    const std::vector<std::string> want{"apt-get", "install", "-y", "-q", "--no-install-recommends", "linux-source-6.12", "flex"};
    EXPECT_EQ(argv, want);
}

TEST(PackageInstall, NothingToInstallIsSuccess) { EXPECT_TRUE(install_debian_packages({}, false, false).ok()); }

TEST(PackageInstall, WithoutRootTheErrorNamesTheCommandToRun) {
    // as_root = false never starts apt: the caller is told what to run.
    auto s = install_debian_packages({"linux-source-6.12"}, false, false);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::kEnvironment);
    EXPECT_NE(s.error().message.find("linux-source-6.12"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("apt-get install -y -q --no-install-recommends linux-source-6.12"), std::string::npos)
        << s.error().message;
}

}  // namespace
}  // namespace mh::kernels
