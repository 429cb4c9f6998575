// Host description from /proc/cpuinfo and /proc/loadavg.
#include "bench/runner/host_notes.h"

#include <sstream>

#include "harness/common/files.h"

namespace mh::bench {

std::string host_notes() {
    std::string cpu;
    std::istringstream in(read_text_file("/proc/cpuinfo").value_or(""));
    std::string line;
    int cpus = 0;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0 && cpu.empty()) cpu = line.substr(line.find(':') + 2);
        if (line.rfind("processor", 0) == 0) ++cpus;
    }
    std::string load = read_text_file("/proc/loadavg").value_or("");
    while (!load.empty() && load.back() == '\n') load.pop_back();
    return cpu + ", " + std::to_string(cpus) + " CPUs; loadavg " + load;
}

}  // namespace mh::bench
