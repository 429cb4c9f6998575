#!/usr/bin/env bash
# Installs what is missing (Debian packages, as root), configures and builds modharness into ./build.
# Idempotent and quick when nothing is missing. Usage: scripts/setup.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake g++ gcc-12 make pkg-config git
  googletest libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev
  liblzma-dev zlib1g-dev libzstd-dev libelf1 libelf-dev bc xz-utils zstd cpio
  qemu-system-x86 clang libclang-rt-14-dev clang-format
  # kernel fetch (apt-get download, dpkg-deb -x), seed builds and guest packing (make, ldd, strip)
  apt dpkg libc-bin binutils tar
  # tests and scripts: JUnit check (xmllint), bench store image (mke2fs), soak (pgrep),
  # fault table / soak / fuzz comparison / the doc_facts test (python3), the ci-examples test (python3-yaml)
  libxml2-utils e2fsprogs procps python3 python3-yaml
  # the bash completion test
  bash-completion
  # scripts/snapshot-candidates.py (qemu-img: the qcow2 internal-snapshot candidate)
  qemu-utils
  # modharness fuzz --engine aflpp (afl-fuzz and its runtime object)
  afl++
  # modharness fuzz merge (a static /bin/sh in the merge VM: libFuzzer's -merge=1 uses system())
  busybox-static
  # modharness kernel build-fuzz (the source itself, linux-source-6.12, is installed on demand)
  flex bison libssl-dev openssl perl
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 3
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  }
fi

BUILD_DIR=${MH_BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] || [ "$#" -gt 0 ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
# A failed build fails here (a stale binary from an earlier build must not hide it).
if ! cmake --build "$BUILD_DIR" -j"$(nproc)" >"$BUILD_DIR/build.log" 2>&1; then
  grep -E "error|Error" "$BUILD_DIR/build.log" | head -n 40 >&2
  echo "setup: build failed (full log: $BUILD_DIR/build.log)" >&2
  exit 1
fi
echo "setup: ok ($BUILD_DIR/harness/cli/modharness)" >&2
