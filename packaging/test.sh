#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install, build, run every test (headless).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MAS_BUILD_DIR:-$root/build}"
bash "$root/packaging/build.sh" "$@"
export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest --output-on-failure --timeout 1200 -j "$(nproc)"
echo "Test artifacts (screenshots, logs): $build/test-artifacts"
