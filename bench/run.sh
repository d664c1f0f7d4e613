#!/usr/bin/env bash
# bench/run.sh regenerates BENCHMARKS.md at the repository root: extraction
# beside go-trafilatura, go-readability and goquery; `newsfeed once` end to
# end at 1k, 5k, 10k and 50k articles; a profiled run split by stage; the
# daemon; 100k scheduled feeds; JetStream publishing with and without
# sync_always; the hot-path Go benchmarks through benchstat; and a re-run of
# the 50k end-to-end figure at the end.
#
#   bench/run.sh               # everything (35-60 minutes on 2 shared cores)
#   QUICK=1 bench/run.sh       # tiny sizes, to check the script itself
#
# RESULTS=dir keeps the raw results there (default: a new directory under
# /tmp, printed at the end). NEWSFEED_TESTDATA points at the extraction
# corpus (default /work/shared/testdata). MEMLIMIT is the GOMEMLIMIT of the
# soft-memory-limit rows (default 384MiB, above the chain's live heap);
# HOTCOUNT the repetitions of the hot-path benchmarks (default 6).
# Everything runs on 127.0.0.1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
res=${RESULTS:-$(mktemp -d /tmp/newsfeed-bench.XXXXXX)}
mkdir -p "$res/bin"
quick=${QUICK:-0}
export NEWSFEED_TESTDATA=${NEWSFEED_TESTDATA:-/work/shared/testdata}

loadline() { echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"; }

# step OUT CMD...: run CMD with the load average before and after it in OUT.
step() {
	local out=$1
	shift
	echo "== $(date -u +%H:%M:%S) $out: $*" >&2
	if ! (
		loadline
		rc=0
		"$@" || rc=$?
		loadline
		exit $rc
	) >"$res/$out" 2>&1; then
		echo "bench/run.sh: step $out failed:" >&2
		tail -30 "$res/$out" >&2
		exit 1
	fi
}

# Sizes: feeds × items per run.
if [ "$quick" = 1 ]; then
	sizes="1k:5:20 5k:10:20 10k:10:30 50k:20:30"
	sched_feeds=2000 hotcount=1 hottime=100x sinktime=3x extime=20x hold=5s
else
	sizes="1k:10:100 5k:50:100 10k:100:100 50k:500:100"
	sched_feeds=100000 hotcount=${HOTCOUNT:-6} hottime=1s sinktime=1s extime=400x hold=60s
fi

{
	echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit:    $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (with uncommitted changes)')"
	echo "go:        $(go version | cut -d' ' -f3-)"
	echo "cpu:       $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
	echo "memory:    $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel:    $(uname -sr)"
	echo "disk:      $(df -h "${TMPDIR:-/tmp}" | awk 'NR==2 {print $1" ("$2")"}')"
	echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) at the start"
	[ "$quick" = 1 ] && echo "mode:      QUICK (tiny sizes; not for publication)"
} >"$res/machine.txt"

echo "== building newsfeed and the harness" >&2
(cd "$root" && go build -o "$res/bin/newsfeed" ./cmd/newsfeed)
(cd "$root/bench/e2e" && go build -o "$res/bin/loadrun" ./cmd/loadrun && go build -o "$res/bin/benchreport" ./cmd/benchreport && go build -o "$res/bin/nats-server" github.com/nats-io/nats-server/v2)
nf="$res/bin/newsfeed"
lr="$res/bin/loadrun"

# 1. Extraction beside the peers, same pages, same run.
# bench/ is its own module, owned by the extraction comparison; run it on a
# copy of its go.mod so that a stale go.mod is brought up to date in the copy.
mkdir -p "$res/benchmod"
cp "$root/bench/go.mod" "$root/bench/go.sum" "$res/benchmod/"
step extraction.txt bash -c "cd '$root/bench' && go test -modfile='$res/benchmod/go.mod' -mod=mod -run XXX -bench . -benchtime $extime"
# The generated load pages, extracted alone (the pipeline's reference rate).
step bare.txt bash -c "cd '$root/bench/e2e' && go test -run XXX -bench Bare -benchtime $extime"

# 2. End to end, `newsfeed once`.
for s in $sizes; do
	IFS=: read -r name feeds items <<<"$s"
	step "once-$name.log" "$lr" -mode once -bin "$nf" -feeds "$feeds" -items "$items" -page-kb 100 -label "once $name" -out "$res/once-$name.json"
done

# The memory comparison again with a soft memory limit for the Go runtime.
memlimit=${MEMLIMIT:-384MiB}
echo "$memlimit" >"$res/memlimit.txt"
for n in 5k 50k; do
	IFS=: read -r _ feeds items <<<"$(echo "$sizes" | tr ' ' '\n' | grep "^$n:")"
	step "once-$n-memlimit.log" "$lr" -gomemlimit "$memlimit" -mode once -bin "$nf" -feeds "$feeds" -items "$items" -page-kb 100 -label "once $n GOMEMLIMIT=$memlimit" -out "$res/once-$n-memlimit.json"
done

# The memory comparison again with a separate nats-server, as in production:
# the streams, buckets and duplicate windows are then the server's memory.
for n in 5k 50k; do
	IFS=: read -r _ feeds items <<<"$(echo "$sizes" | tr ' ' '\n' | grep "^$n:")"
	step "once-$n-external.log" "$lr" -nats-server "$res/bin/nats-server" -mode once -bin "$nf" -feeds "$feeds" -items "$items" -page-kb 100 -label "once $n, separate nats-server" -out "$res/once-$n-external.json"
done
# And 50k with the near-duplicate index bounded below the run's articles:
# what is left of newsfeed's growth when its one store of the window's
# articles is held level.
IFS=: read -r _ feeds items <<<"$(echo "$sizes" | tr ' ' '\n' | grep '^50k:')"
step "once-50k-external-bounded.log" "$lr" -nats-server "$res/bin/nats-server" -cluster-max-members 5000 -mode once -bin "$nf" -feeds "$feeds" -items "$items" -page-kb 100 -label "once 50k, separate nats-server, cluster_max_members 5000" -out "$res/once-50k-external-bounded.json"

# 3. A profiled in-process `once` at 10k, split by stage.
IFS=: read -r _ feeds items <<<"$(echo "$sizes" | tr ' ' '\n' | grep '^10k:')"
step profile-10k.log "$lr" -mode once -inprocess -profile "$res/profile-10k" -feeds "$feeds" -items "$items" -page-kb 100 -label "profile 10k" -out "$res/profile-10k.json"

# 4. The daemon at 10k.
step run-10k.log "$lr" -mode run -bin "$nf" -feeds "$feeds" -items "$items" -page-kb 100 -label "run 10k" -out "$res/run-10k.json"

# 5. 100k feeds on the scheduler; the scheduler's own benchmarks.
step sched-100k.log "$lr" -mode sched -bin "$nf" -feeds "$sched_feeds" -items 1 -hold "$hold" -profile "$res/sched-100k" -label "sched" -out "$res/sched-100k.json" -timeout 20m
step scheduler.txt bash -c "cd '$root' && go test -run XXX -bench 'SchedulerTick' -benchtime 2000x ./pipeline/ && go test -run XXX -bench 'SchedulerMemory' -benchtime 1x ./pipeline/"

# 6. JetStream publishing with and without sync_always.
step publish.txt bash -c "cd '$root/bench/e2e' && go test -run XXX -bench Publish -benchtime 3s"

# 7. Hot paths, through benchstat.
step hotpath.txt bash -c "cd '$root' && go test -run XXX -bench . -benchtime $hottime -count $hotcount ./parser/feed/ ./parser/ ./enricher/ && go test -run XXX -bench 'Article|Item' -benchtime $hottime -count $hotcount ./pipeline/ && go test -run XXX -bench 'BenchmarkWrite$' -benchtime $sinktime -count $hotcount ./sink/sqlite/ ./sink/jsonl/"
(cd "$root/bench/e2e" && go tool benchstat "$res/hotpath.txt") >"$res/hotpath.benchstat.txt"

# 8. The key end-to-end figure again, at the end.
IFS=: read -r _ feeds items <<<"$(echo "$sizes" | tr ' ' '\n' | grep '^50k:')"
step once-50k-final.log "$lr" -mode once -bin "$nf" -feeds "$feeds" -items "$items" -page-kb 100 -label "once 50k (final)" -out "$res/once-50k-final.json"

cp "$root/bench/e2e/NOTES.md" "$res/notes.md"
"$res/bin/benchreport" -results "$res" -docs "$root/bench" -out "$root/BENCHMARKS.md"
echo "bench/run.sh: wrote $root/BENCHMARKS.md; raw results in $res" >&2
