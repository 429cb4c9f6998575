// Each fd kind and pointer kind really is what its name says (checked with fstat/mincore-free probes).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <gtest/gtest.h>

#include "harness/inputs/buffers.h"
#include "harness/inputs/fd_kinds.h"

using namespace mh::inputs;

namespace {
std::string image() {
    std::string path = ::testing::TempDir() + "/inputs-img.ko";
    std::ofstream(path, std::ios::binary) << std::string(5000, 'm');
    return path;
}
}  // namespace

TEST(FdKinds, EveryKindIsWhatItSays) {
    std::string img = image();
    std::string scratch = ::testing::TempDir();
    for (auto kind : fd_kind_names()) {
        auto p = prepare_fd(kind, img, scratch);
        ASSERT_TRUE(p.ok()) << kind << ": " << p.error().message;
        struct stat st {};
        bool valid = ::fstat(p->fd, &st) == 0;
        int fl = valid ? ::fcntl(p->fd, F_GETFL) : -1;
        std::string k(kind);
        if (k == "minus1" || k == "closed" || k == "high") {
            EXPECT_FALSE(valid) << k;
        } else
            EXPECT_TRUE(valid) << k;
        if (k == "file") {
            EXPECT_TRUE(S_ISREG(st.st_mode) && (fl & O_ACCMODE) == O_RDONLY);
        }
        if (k == "wronly") {
            EXPECT_EQ(fl & O_ACCMODE, O_WRONLY);
        }
        if (k == "rdwr") {
            EXPECT_EQ(fl & O_ACCMODE, O_RDWR);
        }
        if (k == "path") {
            EXPECT_TRUE(fl & O_PATH);
        }
        if (k == "dir") {
            EXPECT_TRUE(S_ISDIR(st.st_mode));
        }
        if (k == "pipe") {
            EXPECT_TRUE(S_ISFIFO(st.st_mode));
        }
        if (k == "fifo") {
            EXPECT_TRUE(S_ISFIFO(st.st_mode));
        }
        if (k == "socket") {
            EXPECT_TRUE(S_ISSOCK(st.st_mode));
        }
        if (k == "devzero" || k == "devnull") {
            EXPECT_TRUE(S_ISCHR(st.st_mode));
        }
        if (k == "memfd") {
            EXPECT_EQ(st.st_size, 5000);
        }
        if (k == "empty") {
            EXPECT_EQ(st.st_size, 0);
        }
        if (k == "sparse2g") {
            EXPECT_EQ(st.st_size, off_t{1} << 31);
        }
        if (k == "held_writer") {
            EXPECT_EQ(p->keep_open.size(), 1u);
        }
        release_fd(*p);
    }
    EXPECT_FALSE(prepare_fd("bogus", img, scratch).ok());
}

TEST(Buffers, GuardTailFaultsRightAfterTheImage) {
    auto b = prepare_buffer("guard_tail", image());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->len, 5000u);
    const char* end = static_cast<const char*>(b->ptr) + b->len;
    EXPECT_EQ(static_cast<const char*>(b->ptr)[4999], 'm');
    // The byte after the image is in a PROT_NONE page: write() from it fails with EFAULT.
    int pfd[2];
    ASSERT_EQ(::pipe(pfd), 0);  // a pipe really copies from the user pointer (unlike /dev/null)
    EXPECT_EQ(::write(pfd[1], end - 1, 1), 1);
    EXPECT_EQ(::write(pfd[1], end, 1), -1);
    EXPECT_EQ(errno, EFAULT);
    ::close(pfd[0]);
    ::close(pfd[1]);
    release_buffer(*b);
}

TEST(Buffers, Kinds) {
    auto null = prepare_buffer("null", "");
    ASSERT_TRUE(null.ok());
    EXPECT_EQ(null->ptr, nullptr);
    auto unm = prepare_buffer("unmapped", "");
    ASSERT_TRUE(unm.ok());
    int pfd[2];
    ASSERT_EQ(::pipe(pfd), 0);
    EXPECT_EQ(::write(pfd[1], unm->ptr, 1), -1);
    auto p = prepare_params("unterminated", "abc");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(::write(pfd[1], static_cast<const char*>(p->ptr) + 2, 1), 1);
    EXPECT_EQ(::write(pfd[1], static_cast<const char*>(p->ptr) + 3, 1), -1);
    ::close(pfd[0]);
    ::close(pfd[1]);
    EXPECT_FALSE(prepare_buffer("bogus", "").ok());
}
