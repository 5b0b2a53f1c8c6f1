#!/usr/bin/env bash
# Installs the Debian packages (if missing), then configures and builds into ./build (or $MAS_BUILD_DIR).
# Extra arguments go to CMake's configure step, e.g. -DMAS_SANITIZE=ON.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MAS_BUILD_DIR:-$root/build}"
bash "$root/packaging/install-deps.sh"
# ccache hits across clones of the tree (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${MAS_BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build "$build" -j "$(nproc)"
