#!/usr/bin/env bash
# Builds genflow in Release and runs every benchmark, printing the figures BENCHMARKS.md
# records. Usage: tools/bench/run-all.sh [WORKLOADS_DIR]   (default: ../shared/reference/workloads)
# Benchmarks only read the workloads; the build, tests and main job never do.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
workloads="$(cd "${1:-$top/../shared/reference/workloads}" && pwd)"
export GENFLOW_WORKLOADS="$workloads"
"$top/tools/setup/install-deps.sh" hyperfine time
"$top/tools/setup/build.sh" release genflow genflow_bench_executor genflow_bench_templates \
  genflow_bench_validation genflow_bench_quorum genflow_bench_codegen
bin="$top/build/release"
gbench=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true)

# The main job first, before the benchmarks below create and delete thousands of files: on a
# journal-less ext4 (this VM's) every inode deleted in the last minutes is skipped, one by one,
# by each later allocation in its group, so file creation slows with recent deletions. For the
# same reason the previous run's output is moved aside, not deleted, between runs; all of it is
# removed at the end. The same runs writing to tmpfs show what the disk adds.
echo "== the main job on the workload contracts, whole process (hyperfine) =="
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
aside="mkdir -p $out/old && if [ -d $out/fresh ]; then mv $out/fresh $out/old/\$(date +%s%N); fi"
hyperfine -N -w 3 -r 30 --export-json "$out/main-job.json" --prepare "sh -c '$aside'" \
  "$bin/tools/cli/genflow run --contracts $workloads/contracts --out $out/fresh" \
  "$bin/tools/cli/genflow run --contracts $workloads/contracts --out $out/kept"
python3 - "$out/main-job.json" <<'PY'
import json, sys
for r, name in zip(json.load(open(sys.argv[1]))["results"], ["fresh output", "unchanged rerun"]):
    print(f"main job, {name}: median {r['median'] * 1000:.1f} ms, min {r['min'] * 1000:.1f} ms")
PY
if [ -d /dev/shm ]; then
  shm="$(mktemp -d -p /dev/shm)"
  trap 'rm -rf "$out" "$shm"' EXIT
  hyperfine -N -w 3 -r 30 --export-json "$out/main-job-tmpfs.json" --prepare "rm -rf $shm/fresh" \
    "$bin/tools/cli/genflow run --contracts $workloads/contracts --out $shm/fresh"
  python3 - "$out/main-job-tmpfs.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"main job, fresh output on tmpfs: median {r['median'] * 1000:.1f} ms, min {r['min'] * 1000:.1f} ms")
PY
fi
echo "peak RSS:"
/usr/bin/time -f "%M KiB" "$bin/tools/cli/genflow" run --contracts "$workloads/contracts" \
  --out "$out/rss" > /dev/null

echo "== executor (3 stages x N steps) =="
"$bin/tools/bench/genflow_bench_executor"

echo "== templates =="
"$bin/tools/bench/genflow_bench_templates" "${gbench[@]}"

echo "== validation =="
"$bin/tools/bench/genflow_bench_validation" "${gbench[@]}"

echo "== quorum =="
"$bin/tools/bench/genflow_bench_quorum" "${gbench[@]}"

echo "== contracts and packages =="
"$bin/tools/bench/genflow_bench_codegen" "${gbench[@]}"

