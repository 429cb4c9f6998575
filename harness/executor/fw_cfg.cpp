#include "harness/executor/fw_cfg.h"

#include <sys/io.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace mh::executor {
namespace {

constexpr unsigned short kSelector = 0x510;
constexpr unsigned short kData = 0x511;
constexpr std::uint16_t kSignature = 0x0000;  // reads "QEMU"
constexpr std::uint16_t kFileDirectory = 0x0019;

void select_item(std::uint16_t key) { outw(key, kSelector); }

void read_data(void* out, size_t n) {
    auto* p = static_cast<unsigned char*>(out);
    for (size_t i = 0; i < n; ++i) p[i] = inb(kData);
}

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

Expected<std::string> read_fw_cfg_file(const std::string& name, size_t max_bytes) {
    if (::ioperm(kSelector, 2, 1) != 0) return make_error(std::string("no port access for fw_cfg (ioperm: ") + std::strerror(errno) + ")");
    char signature[4];
    select_item(kSignature);
    read_data(signature, sizeof signature);
    if (std::memcmp(signature, "QEMU", 4) != 0) return make_error("no fw_cfg device (its signature is not QEMU)");
    unsigned char count_be[4];
    select_item(kFileDirectory);
    read_data(count_be, sizeof count_be);
    const std::uint32_t count = be32(count_be);
    for (std::uint32_t i = 0; i < count && i < 4096; ++i) {
        unsigned char entry[64];  // be32 size, be16 select, be16 reserved, char name[56]
        read_data(entry, sizeof entry);
        const char* entry_name = reinterpret_cast<const char*>(entry + 8);
        if (::strnlen(entry_name, 56) != name.size() || std::memcmp(entry_name, name.data(), name.size()) != 0) continue;
        const std::uint32_t size = be32(entry);
        if (size > max_bytes) return make_error("fw_cfg file " + name + " has " + std::to_string(size) + " bytes, over the limit");
        std::string data(size, '\0');
        select_item(static_cast<std::uint16_t>((entry[4] << 8) | entry[5]));
        read_data(data.data(), size);
        return data;
    }
    return make_error("no fw_cfg file " + name);
}

}  // namespace mh::executor
