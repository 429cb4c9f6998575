// The host side of QEMU's client sockets: a connection is accepted, bytes go both ways, an
// end of stream is seen; and the shell quoting of exec: migration URIs.
#include "harness/vm/host_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <gtest/gtest.h>
#include <thread>

#include "harness/vm/snapshot.h"

namespace mh::vm {
namespace {

int connect_to(const std::string& name) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, name.data(), name.size());
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

TEST(HostSocket, AcceptsOneClientAndCarriesBytesBothWays) {
    auto s = HostSocket::listen("test");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_FALSE(s->accept_pending());
    EXPECT_FALSE(s->write_all("x"));  // nobody connected yet
    const int client = connect_to(s->name());
    ASSERT_GE(client, 0);
    ASSERT_TRUE(s->accept_within(std::chrono::seconds(2)));
    ASSERT_TRUE(s->write_all("type=go start=3\n"));
    char buf[64] = {};
    ASSERT_EQ(::read(client, buf, sizeof buf), 16);
    EXPECT_STREQ(buf, "type=go start=3\n");
    ASSERT_EQ(::write(client, "hello", 5), 5);
    std::string got;
    for (int i = 0; i < 100 && got.size() < 5; ++i) {
        got += s->read_available();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(got, "hello");
    ::close(client);
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i) {
        s->read_available(&closed);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(closed);
}

TEST(HostSocket, NamesAreUnique) {
    auto a = HostSocket::listen("qmp");
    auto b = HostSocket::listen("qmp");
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->name(), b->name());
}

TEST(ShellQuote, OneWordWhateverThePath) {
    EXPECT_EQ(shell_quote("/tmp/a b/s.state"), "'/tmp/a b/s.state'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

}  // namespace
}  // namespace mh::vm
