#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install, build, and launch the GUI on a demo project.
# The demo project (and its video, made with FFmpeg) is created on first launch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MAS_BUILD_DIR:-$root/build}"
bash "$root/packaging/build.sh"
# Passive OpenMP waits: the model's idle threads sleep instead of spinning on the cores the clip decoder
# and the GUI need (libgomp reads it only at start; mastudio-cli sets it for its model verbs itself).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec "$build/app/mastudio" --demo "$@"
