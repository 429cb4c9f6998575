// guest_program: ldd output parsing (the libraries a dynamic guest program needs in the initramfs).
#include "harness/vm/guest_program.h"

#include <gtest/gtest.h>

TEST(GuestProgram, ParsesLddOutput) {
    std::string ldd =
        "\tlinux-vdso.so.1 (0x00007ff9ea6ad000)\n"
        "\tlibbenchmark.so.1debian => /lib/x86_64-linux-gnu/libbenchmark.so.1debian (0x00007ff9ea616000)\n"
        "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007ff9ea01e000)\n"
        "\t/lib64/ld-linux-x86-64.so.2 (0x00007ff9ea6af000)\n";
    auto libs = mh::vm::parse_ldd_output(ldd);
    EXPECT_EQ(libs, (std::vector<std::string>{"/lib/x86_64-linux-gnu/libbenchmark.so.1debian", "/lib/x86_64-linux-gnu/libc.so.6",
                                              "/lib64/ld-linux-x86-64.so.2"}));
    EXPECT_TRUE(mh::vm::parse_ldd_output("\tstatically linked\n").empty());
}
