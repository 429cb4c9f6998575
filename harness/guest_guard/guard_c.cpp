// The guard's C text (see guard_c.h), built from the constants of guard.h.
#include "harness/guest_guard/guard_c.h"

#include <cstdio>

#include "harness/guest_guard/guard.h"

namespace mh::guest_guard {
namespace {

std::string hex(uint64_t v) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%llxUL", static_cast<unsigned long long>(v));
    return b;
}

}  // namespace

std::string guard_c_source() {
    const std::string key(kGuestTokenKey);
    const std::string init(kInitPath);
    std::string c;
    c += "#include <fcntl.h>\n#include <stdio.h>\n#include <string.h>\n#include <sys/mount.h>\n#include <sys/stat.h>\n"
         "#include <sys/statfs.h>\n#include <unistd.h>\n\n";
    c += "/* The modharness guard: the same facts the harness's own guest programs check. */\n";
    c += "static long mh_read_file(const char *path, char *buf, size_t size)\n{\n"
         "\tint fd = open(path, O_RDONLY | O_CLOEXEC);\n\tsize_t got = 0;\n\tif (fd < 0)\n\t\treturn -1;\n"
         "\twhile (got + 1 < size) {\n\t\tssize_t n = read(fd, buf + got, size - 1 - got);\n"
         "\t\tif (n <= 0)\n\t\t\tbreak;\n\t\tgot += (size_t)n;\n\t}\n\tclose(fd);\n\tbuf[got] = 0;\n\treturn (long)got;\n}\n\n";
    c += "static const char *mh_guard_refusal(void)\n{\n"
         "\tstatic char init[256], token[256], cmdline[4096];\n\tstruct statfs sfs;\n"
         "\tunsigned long magic = 0;\n\tlong n;\n\tconst char *word, *value;\n\tsize_t len;\n\n";
    c += "\t/* PID 1 of the VM, or started (indirectly) by its /init. */\n"
         "\tif (getpid() != 1 && (mh_read_file(\"/proc/1/cmdline\", init, sizeof init) < 0 || strcmp(init, \"" +
         init +
         "\") != 0))\n"
         "\t\treturn \"not PID 1 of a harness VM, and PID 1 is not " +
         init + "\";\n";
    c += "\tif (statfs(\"/\", &sfs) == 0)\n\t\tmagic = (unsigned long)sfs.f_type;\n"
         "\tif (magic != " +
         hex(kRamfsMagic) + " && magic != " + hex(kTmpfsMagic) +
         ")\n"
         "\t\treturn \"root filesystem is not an initramfs\";\n";
    c += "\tn = mh_read_file(\"" + std::string(kTokenPath) +
         "\", token, sizeof token);\n"
         "\twhile (n > 0 && (token[n - 1] == '\\n' || token[n - 1] == ' ' || token[n - 1] == '\\r'))\n\t\ttoken[--n] = 0;\n"
         "\tif (n < " +
         std::to_string(kMinTokenLength) + ")\n\t\treturn \"no harness token at " + kTokenPath + "\";\n";
    c += "\t/* As the VM's /init, in its own initramfs, mount /proc to read the command line. */\n"
         "\tif (getpid() == 1 && access(\"/proc/cmdline\", R_OK) != 0) {\n\t\tmkdir(\"/proc\", 0755);\n"
         "\t\tmount(\"proc\", \"/proc\", \"proc\", 0, NULL);\n\t}\n"
         "\tif (mh_read_file(\"/proc/cmdline\", cmdline, sizeof cmdline) < 0)\n\t\treturn \"cannot read /proc/cmdline\";\n";
    c += "\tfor (word = cmdline; *word; word += len + (word[len] != 0)) {\n"
         "\t\tlen = strcspn(word, \" \\n\\t\");\n"
         "\t\tif (len < sizeof \"" +
         key + "\" - 1 || strncmp(word, \"" + key + "\", sizeof \"" + key +
         "\" - 1) != 0)\n"
         "\t\t\tcontinue;\n"
         "\t\tvalue = word + sizeof \"" +
         key +
         "\" - 1;\n"
         "\t\tlen -= (size_t)(value - word);\n"
         "\t\treturn len == strlen(token) && strncmp(value, token, len) == 0 ? NULL\n"
         "\t\t\t: \"kernel command line token does not match the initramfs token\";\n"
         "\t}\n"
         "\treturn \"kernel command line has no " +
         key + " word\";\n}\n";
    return c;
}

}  // namespace mh::guest_guard
