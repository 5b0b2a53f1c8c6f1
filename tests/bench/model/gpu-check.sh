#!/bin/bash
# Issue 15's GPU check, in one command on a machine with an NVIDIA GPU and a CUDA PyTorch (python3 there):
# builds model/ alone (MAS_MODEL_ONLY) against the LibTorch inside that PyTorch, then runs bench_gpu: MANet-50
# pre-label inference at 224 (batch 1 and 32) and a fine-tune step in float32 and mixed precision, each next to
# PyTorch eager on the same GPU. Everything it prints is also kept in $OUT/gpu-check.txt (OUT: the device tool's
# folder; /tmp/gpu-check elsewhere).
#
#   bash tests/bench/model/gpu-check.sh            # from the repository root
#   DEVICE=cpu PYTHON=/usr/bin/python3 DEPTH=18 BATCHES=1,2 FRAME_SIZE=64 TRAIN_BATCH=2 bash tests/bench/model/gpu-check.sh
#                                                  # the same steps on a machine without a GPU (a dry run)
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu-check.txt") 2>&1

PYTHON=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
BUILD=${BUILD:-/tmp/mas-model-only}
JOBS=${JOBS:-$(nproc)}
say() { printf '\n== %s (%s)\n' "$*" "$(date +%T)"; }

say "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
echo "cores: $(nproc)"
"$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' || exit 1
TORCH_PREFIX=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)') || exit 1
# A CUDA PyTorch's CMake files need the CUDA toolkit (nvcc) to configure.
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then export PATH=/usr/local/cuda/bin:$PATH; fi
command -v nvcc >/dev/null && export CUDACXX=${CUDACXX:-$(command -v nvcc)} && nvcc --version | tail -1
echo "LibTorch CMake files: $TORCH_PREFIX"

say "configure model/ alone"
# Hopper (sm_90) is what the device tool lends; torch's CMake files ask for an architecture list when CUDA is found.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMAS_MODEL_ONLY=ON -DMAS_BUILD_TESTS=ON \
      -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" -DTORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}" \
      -DCMAKE_CUDA_ARCHITECTURES="${CMAKE_CUDA_ARCHITECTURES:-90}" || exit 1

say "build"
start=$(date +%s)
cmake --build "$BUILD" --target bench_gpu -j "$JOBS" || exit 1
echo "built in $(( $(date +%s) - start )) s"

# Two OpenMP runtimes (the system's and one a wheel bundles) would make thread counts unreliable: say which load.
echo "OpenMP runtimes linked: $(ldd "$BUILD/tests/bench/model/bench_gpu" | grep -c -i gomp)"
ldd "$BUILD/tests/bench/model/bench_gpu" | grep -i -E "gomp|torch_cuda|cudnn" | sed 's/^/  /'

say "bench_gpu"
# The program finds the PyTorch libraries through the RPATH CMake gave it.
"$BUILD/tests/bench/model/bench_gpu" --device "$DEVICE" --depth "${DEPTH:-50}" --batches "${BATCHES:-1,32}" \
    --train-batch "${TRAIN_BATCH:-8}" --frame-size "${FRAME_SIZE:-224}" --python "$PYTHON" ${ITERS:+--iters $ITERS}
status=$?
say "done (status $status)"
exit $status
