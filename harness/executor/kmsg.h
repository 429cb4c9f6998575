// Reader of new /dev/kmsg records (the kernel log lines a case produced).
#pragma once

#include <string>
#include <vector>

namespace mh::executor {

class KmsgReader {
public:
    KmsgReader();  // opens /dev/kmsg non-blocking and skips what is already there
    ~KmsgReader();
    KmsgReader(const KmsgReader&) = delete;
    KmsgReader& operator=(const KmsgReader&) = delete;
    // Text of every record since the last call ("prio,seq,ts,flags;" prefix removed).
    std::vector<std::string> read_new();

private:
    int fd_ = -1;
};

// Strips the /dev/kmsg header from one record; continuation lines (" KEY=value") are dropped.
std::string kmsg_record_text(const std::string& record);

}  // namespace mh::executor
