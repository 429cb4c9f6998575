// Where the guest keeps the module files: an ext4 image on a brd RAM disk, so the page cache of
// those files can really be dropped (initramfs/tmpfs pages cannot: they are the only copy).
#pragma once

#include <string>

#include "harness/common/expected.h"

namespace mh::bench {

struct StoreSpec {
    std::string brd_module;  // /mh/brd.ko (uncompressed; the host decompresses Debian's .ko.xz)
    std::string image;  // /mh/store.ext4 (built by the host with mke2fs -d)
    std::string mount_point;  // /store
};

// Loads brd (rd_nr=1, sized for the image), copies the image onto /dev/ram0, frees the initramfs
// copy, mounts it read-only as ext4. Returns a one-line description for the report.
Expected<std::string> open_module_store(const StoreSpec& spec);

// sync + echo 3 > /proc/sys/vm/drop_caches (page cache, dentries and inodes).
Status drop_caches();

}  // namespace mh::bench
