// Builds image and param pointers of every kind; never calls a module syscall.
#include "harness/inputs/buffers.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "harness/common/files.h"

namespace mh::inputs {
namespace {

size_t page_size() { return static_cast<size_t>(::sysconf(_SC_PAGESIZE)); }

Error sys_error(std::string_view what) { return make_error(std::string(what) + ": " + std::strerror(errno)); }

// Places `bytes` so that the byte after the last one is the first byte of a PROT_NONE page.
Expected<PreparedBuffer> place_before_guard(const void* bytes, size_t n) {
    size_t ps = page_size();
    size_t data_pages = (n + ps - 1) / ps;
    if (data_pages == 0) data_pages = 1;
    size_t total = (data_pages + 1) * ps;
    void* m = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return sys_error("mmap");
    auto* base = static_cast<uint8_t*>(m);
    uint8_t* guard = base + data_pages * ps;
    if (::mprotect(guard, ps, PROT_NONE) != 0) {
        ::munmap(m, total);
        return sys_error("mprotect");
    }
    uint8_t* start = guard - n;
    if (n) std::memcpy(start, bytes, n);
    return PreparedBuffer{start, static_cast<unsigned long>(n), m, total};
}

Expected<void*> unmapped_address() {
    size_t ps = page_size();
    void* m = ::mmap(nullptr, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return sys_error("mmap");
    ::munmap(m, ps);
    return m;
}

}  // namespace

const std::vector<std::string_view>& buffer_kind_names() {
    static const std::vector<std::string_view> names = {"image", "mmap", "null", "unmapped", "prot_none", "guard_tail", "kernel"};
    return names;
}

bool is_buffer_kind(std::string_view kind) {
    for (auto k : buffer_kind_names())
        if (k == kind) return true;
    return false;
}

bool buffer_holds_image(std::string_view kind) { return kind == "image" || kind == "guard_tail" || kind == "mmap"; }

Expected<PreparedBuffer> prepare_buffer(std::string_view kind, const std::string& image_path) {
    std::vector<uint8_t> bytes;
    if (buffer_holds_image(kind)) {
        auto r = read_file_bytes(image_path);
        if (!r) return r.error();
        bytes = std::move(r).value();
    }
    if (kind == "image" || kind == "guard_tail") return place_before_guard(bytes.data(), bytes.size());
    if (kind == "mmap") {
        int fd = ::open(image_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return sys_error("open " + image_path);
        size_t n = bytes.size() ? bytes.size() : 1;
        void* m = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);
        if (m == MAP_FAILED) return sys_error("mmap " + image_path);
        return PreparedBuffer{m, static_cast<unsigned long>(bytes.size()), m, n};
    }
    if (kind == "null") return PreparedBuffer{};
    if (kind == "unmapped") {
        auto a = unmapped_address();
        if (!a) return a.error();
        return PreparedBuffer{*a, 0, nullptr, 0};
    }
    if (kind == "prot_none") {
        size_t ps = page_size();
        void* m = ::mmap(nullptr, ps * 16, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return sys_error("mmap");
        return PreparedBuffer{m, 0, m, ps * 16};
    }
    if (kind == "kernel") return PreparedBuffer{reinterpret_cast<const void*>(0xffffffff81000000ull), 0, nullptr, 0};
    return make_error("unknown buffer kind '" + std::string(kind) + "'");
}

const std::vector<std::string_view>& params_kind_names() {
    static const std::vector<std::string_view> names = {"string", "null", "unmapped", "unterminated"};
    return names;
}

Expected<PreparedBuffer> prepare_params(std::string_view kind, const std::string& text) {
    if (kind == "string") {
        std::string with_nul = text;
        with_nul.push_back('\0');
        return place_before_guard(with_nul.data(), with_nul.size());
    }
    if (kind == "unterminated") {
        std::string body = text.empty() ? std::string("x") : text;
        return place_before_guard(body.data(), body.size());
    }
    if (kind == "null") return PreparedBuffer{};
    if (kind == "unmapped") {
        auto a = unmapped_address();
        if (!a) return a.error();
        return PreparedBuffer{*a, 0, nullptr, 0};
    }
    return make_error("unknown params kind '" + std::string(kind) + "'");
}

void release_buffer(PreparedBuffer& b) {
    if (b.map) ::munmap(b.map, b.map_len);
    b = PreparedBuffer{};
}

}  // namespace mh::inputs
