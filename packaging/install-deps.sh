#!/usr/bin/env bash
# Installs every Debian 12 package MicroAction Studio needs to build, test and run.
# Idempotent: packages already present are skipped. Works as root, or through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-multimedia-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev
  libqt6sql6-sqlite qt6-qpa-plugins
  libopencv-dev
  libavcodec-dev libavformat-dev libswscale-dev libavutil-dev libswresample-dev libavfilter-dev
  libsqlite3-dev sqlite3
  libqt6sql6-psql postgresql-15 postgresql-client-15  # server projects (QPSQL) and the tests' throwaway cluster
  libtorch-dev python3-torch python3-numpy
  libdnnl-dev  # oneDNN's headers (LibTorch's own oneDNN): Winograd 3x3 convolutions for float32 CPU inference
  python3-opencv  # bench_prelabel: the official test pipeline in PyTorch + OpenCV, timed beside the app
  libopenblas0-openmp  # LibTorch's BLAS (Linear layers, head training): the reference libblas3 is ~15x slower
  slurm-wlm munge  # cluster pre-labeling: the test's own single-node Slurm (slurmctld, slurmd) and munged
  ffmpeg xvfb xauth
  dpkg-dev file
  ccache  # rebuilds of the torch-heavy files (CMake uses it when present)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
