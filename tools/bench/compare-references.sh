#!/usr/bin/env bash
# Runs Lanes and the reference implementations alternately in one sitting (the machines are noisy, so
# compare ratios from the same run). Needs Debian's references once:
#   apt-get install -y python3-numpy python3-torch libopenblas0-pthread
# and ../shared/bench (the OpenBLAS and PyTorch scripts the targets are measured against).
#   tools/bench/compare-references.sh [rounds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="${LANES_REFERENCE_BENCH:-$root/../shared/bench}"
rounds="${1:-2}"
py=/usr/bin/python3   # Debian's python, which has Debian's numpy and torch
"$root/bin/lanes" --help > /dev/null 2>&1   # build first, outside the timings
for round in $(seq "$rounds"); do
    for t in 1 2; do
        (cd "$bench" && OPENBLAS_NUM_THREADS=$t "$py" openblas_sgemm.py 1024 | sed "s/^/threads=$t /")
        "$root/bin/lanes" bench gemm --n 1024 --threads "$t" 2>/dev/null
    done
done
for round in $(seq "$rounds"); do
    for t in 1 2; do
        (cd "$bench" && OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t "$py" torch_small_cnn.py "$t" bn)
        "$root/bin/lanes" bench step --model small-cnn --batch 64 --threads "$t" 2>/dev/null
    done
done
