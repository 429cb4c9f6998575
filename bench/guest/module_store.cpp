// The brd-backed ext4 module store: what "cold" means in a VM without a disk (see docs/benchmarks.md).
#include "bench/guest/module_store.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "harness/sys/syscalls.h"

namespace mh::bench {
namespace {

Expected<std::vector<char>> read_whole(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error("open " + path + ": " + std::strerror(errno));
    struct stat st {};
    ::fstat(fd, &st);
    std::vector<char> buf(static_cast<size_t>(st.st_size));
    size_t off = 0;
    while (off < buf.size()) {
        ssize_t n = ::read(fd, buf.data() + off, buf.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    ::close(fd);
    if (off != buf.size()) return make_error("short read of " + path);
    return buf;
}

}  // namespace

Expected<std::string> open_module_store(const StoreSpec& spec) {
    struct stat st {};
    if (::stat(spec.image.c_str(), &st) != 0) return make_error("no store image " + spec.image);
    const auto image_bytes = static_cast<uint64_t>(st.st_size);
    const uint64_t kib = (image_bytes + 1023) / 1024 + 1024;
    auto brd = read_whole(spec.brd_module);
    if (!brd) return brd.error();
    std::string params = "rd_nr=1 max_part=0 rd_size=" + std::to_string(kib);
    auto r = sys::init_module(brd->data(), brd->size(), params.c_str());
    if (r.ret != 0 && r.err != EEXIST) return make_error(std::string("loading brd: ") + std::strerror(r.err));
    brd->clear();
    brd->shrink_to_fit();

    // devtmpfs creates the node asynchronously: wait for it briefly.
    int dev = -1;
    for (int i = 0; i < 200 && dev < 0; ++i) {
        dev = ::open("/dev/ram0", O_WRONLY | O_CLOEXEC);
        if (dev < 0) ::usleep(10000);
    }
    if (dev < 0) return make_error(std::string("open /dev/ram0: ") + std::strerror(errno));
    int img = ::open(spec.image.c_str(), O_RDONLY | O_CLOEXEC);
    if (img < 0) {
        ::close(dev);
        return make_error("open " + spec.image + ": " + std::strerror(errno));
    }
    std::vector<char> buf(1 << 20);
    uint64_t copied = 0;
    for (;;) {
        ssize_t n = ::read(img, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        ssize_t w = ::write(dev, buf.data(), static_cast<size_t>(n));
        if (w != n) {
            ::close(img);
            ::close(dev);
            return make_error(std::string("writing /dev/ram0: ") + std::strerror(errno));
        }
        copied += static_cast<uint64_t>(n);
    }
    ::close(img);
    ::fsync(dev);
    ::close(dev);
    if (copied != image_bytes) return make_error("short copy of the store image");
    // The initramfs copy is the only other copy in RAM: free it.
    ::unlink(spec.image.c_str());
    ::mkdir(spec.mount_point.c_str(), 0755);
    if (::mount("/dev/ram0", spec.mount_point.c_str(), "ext4", MS_RDONLY, nullptr) != 0)
        return make_error(std::string("mount ext4 /dev/ram0: ") + std::strerror(errno));
    return "ext4 (read-only, no journal) on brd /dev/ram0, " + std::to_string(image_bytes >> 20) + " MiB image";
}

Status drop_caches() {
    ::sync();
    int fd = ::open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return make_error(std::string("open drop_caches: ") + std::strerror(errno));
    ssize_t n = ::write(fd, "3", 1);
    ::close(fd);
    if (n != 1) return make_error(std::string("write drop_caches: ") + std::strerror(errno));
    return ok_status();
}

}  // namespace mh::bench
