// Mapping of the supervisor/target shared state file (see shared_state.h).
#include "harness/protocol/shared_state.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace mh::protocol {

SharedState* map_shared_state(bool create) {
    const int fd = ::open(kSharedStatePath, create ? (O_RDWR | O_CREAT | O_TRUNC) : O_RDWR, 0600);
    if (fd < 0) return nullptr;
    if (create && ::ftruncate(fd, sizeof(SharedState)) != 0) {
        ::close(fd);
        return nullptr;
    }
    void* p = ::mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) return nullptr;
    auto* s = static_cast<SharedState*>(p);
    if (create) s->magic = kSharedStateMagic;  // the file starts zeroed: every counter is 0
    return s->magic == kSharedStateMagic ? s : nullptr;
}

}  // namespace mh::protocol
