#!/usr/bin/env bash
# Training step and no-grad inference of every zoo model, Lanes against PyTorch (../shared/bench/torch_step.py),
# alternating in one sitting, batch 64, 1 and 2 threads; prints each run's JSON and then the median ratios
# (PyTorch ms / Lanes ms: above 1 means Lanes is faster) with Lanes' GFLOPS. Needs Debian's
#   apt-get install -y python3-numpy python3-torch libopenblas0-pthread
#   tools/bench/compare-models.sh [rounds] [models...]      (default 3 rounds; lenet5 small-cnn resnet8 resnet20 vgg11-w0.25)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="${LANES_REFERENCE_BENCH:-$root/../shared/bench}"
rounds="${1:-3}"
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(lenet5 small-cnn resnet8 resnet20 vgg11-w0.25)
py=/usr/bin/python3
# ../shared/bench/blas_env.py picks the OpenBLAS kernel that fits this CPU unless OPENBLAS_CORETYPE is already set;
# some machines here export OPENBLAS_CORETYPE=Haswell globally, which would hold PyTorch's Linear layers at AVX2
unset OPENBLAS_CORETYPE
log=$(mktemp)
"$root/bin/lanes" --help > /dev/null 2>&1   # build first, outside the timings
for round in $(seq "$rounds"); do
    for t in 1 2; do
        for m in "${models[@]}"; do
            case "$m" in lenet5|small-cnn) shape="1 28";; *) shape="3 32";; esac
            ref="$m"; [ "$m" = vgg11-w0.25 ] && ref=vgg11
            for mode in train infer; do
                flag=""; [ "$mode" = infer ] && flag="--infer"
                (cd "$bench" && OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t "$py" torch_step.py "$ref" "$t" 64 $shape $flag) \
                    | sed "s/^/torch $m $mode $t /" | tee -a "$log"
                if [ "$mode" = train ]; then
                    "$root/bin/lanes" bench step --model "$m" --batch 64 --threads "$t" --steps 40 --json 2>/dev/null
                else
                    "$root/bin/lanes" bench infer --model "$m" --batch 64 --threads "$t" --rounds 9 --json 2>/dev/null
                fi | sed "s/^/lanes $m $mode $t /" | tee -a "$log"
            done
        done
    done
done
"$py" - "$log" <<'PY'
import json, sys, statistics as st, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, model, mode, t, js = line.split(' ', 4)
    d = json.loads(js)
    ms = d['median_ms'] if 'median_ms' in d else d['median_ms_per_batch']
    runs[(model, mode, int(t), who)].append((ms, d.get('median_gflops', d.get('gflops'))))
print('| model | mode | threads | PyTorch ms | Lanes ms | PyTorch / Lanes | Lanes GFLOPS |')
print('|---|---|---|---|---|---|---|')
for (model, mode, t, who) in sorted(k for k in runs if k[3] == 'lanes'):
    lanes, torch = runs[(model, mode, t, 'lanes')], runs[(model, mode, t, 'torch')]
    ratios = [tm / lm for (tm, _), (lm, _) in zip(torch, lanes)]
    print(f"| {model} | {mode} | {t} | {st.median(x for x, _ in torch):.1f} | {st.median(x for x, _ in lanes):.1f} | "
          f"{st.median(ratios):.2f} | {st.median(g for _, g in lanes if g is not None):.1f} |")
PY
rm -f "$log"
