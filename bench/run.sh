#!/usr/bin/env bash
# Benchmark harness for the TikTok event forwarder. One command, from the repo root:
#
#   bench/run.sh            build, start fake TikTok + forwarder, run every workload ~30 s, write bench/results/
#   bench/run.sh --quick    same, 5 s per workload
#
# Everything listens on 127.0.0.1 on free ports; every process started here is killed on exit.
# See bench/README.md for what is measured and how.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH="$ROOT/bench"

usage() {
  cat <<'EOF'
Usage: bench/run.sh [options]
  --quick                 5 s per workload, 3 s warm-up (default 30 s / 10 s)
  --duration S            measured seconds per workload (default 30)
  --warmup S              warm-up seconds per workload, not recorded (default 10)
  --no-build              do not build the forwarder (bench jars are built if missing)
  --workloads LIST        comma list of: collect, events-rate, events-max, interact
                          (default: all four)
  --rate N                request rate of events-rate in req/s (default 1000)
  --connections N         connections for the max-throughput workloads (default 32; collect: 8)
  --jvm-opts "..."        JVM options for the forwarder, replacing ./forwarder's defaults (FORWARDER_JAVA_OPTS)
  --batch-max-wait D      sets FORWARDER_BATCH_MAX_WAIT for the forwarder (default: forwarder's own)
  --batch-max-events N    sets FORWARDER_BATCH_MAX_EVENTS for the forwarder (default: forwarder's own)
  --env K=V               extra environment variable for the forwarder (repeatable)
  --forwarder-dir DIR     directory holding the forwarder (pom.xml, application.properties, routes/);
                          default: the repo root
  --fake-impl vertx|jdk   fake TikTok server implementation (default vertx)
  --fake-threads N        fake TikTok event loops / pool threads (default 1)
  --fake-latency-ms N[,M] fake TikTok answers after N ms (default 0); a list (e.g. 0,300) runs every workload
                          at each latency (fresh fake + forwarder each) and adds a side-by-side table with ratios
  --wait-quiet S          before each workload, wait up to S seconds for the rest of the machine to be
                          idle (< 0.15 core busy over 2 s); for shared machines (default 0: don't wait)
  --out FILE              report path (default bench/results/YYYY-MM-DD-<hostname>.md)
  --selftest              no forwarder: point the load generator at the fake's sink paths to prove
                          the generator and the reporting (results: bench/results/*-selftest.md)
  --fake-ceiling          no forwarder: load the fake TikTok directly (both implementations) and
                          print the requests/s and events/s it absorbs (env CEIL_IMPLS="vertx jdk",
                          CEIL_BATCHES="1000 100 1" pick the cases)
EOF
}

DURATION=30; WARMUP=10; BUILD=1; RATE=1000; CONNS=32; COLLECT_CONNS=8
WORKLOADS="collect,events-rate,events-max,interact"
JVM_OPTS=""; BATCH_WAIT=""; BATCH_EVENTS=""; EXTRA_ENV=()
WAIT_QUIET=0; FWD_DIR="$ROOT"; FAKE_IMPL=vertx; FAKE_THREADS=1; FAKE_LATENCY=0; OUT=""; MODE=forwarder; CONNS_SET=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) DURATION=5; WARMUP=3 ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --no-build) BUILD=0 ;;
    --workloads) WORKLOADS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --connections) CONNS=$2; COLLECT_CONNS=$2; CONNS_SET=1; shift ;;
    --jvm-opts) JVM_OPTS=$2; shift ;;
    --batch-max-wait) BATCH_WAIT=$2; shift ;;
    --batch-max-events) BATCH_EVENTS=$2; shift ;;
    --env) EXTRA_ENV+=("$2"); shift ;;
    --forwarder-dir) FWD_DIR=$(cd "$2" && pwd); shift ;;
    --fake-impl) FAKE_IMPL=$2; shift ;;
    --fake-threads) FAKE_THREADS=$2; shift ;;
    --fake-latency-ms) FAKE_LATENCY=$2; shift ;;
    --out) OUT=$2; shift ;;
    --wait-quiet) WAIT_QUIET=$2; shift ;;
    --selftest) MODE=selftest ;;
    --fake-ceiling) MODE=fake-ceiling ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

STAMP=$(date +%Y%m%d-%H%M%S)
WORK="$BENCH/work/$STAMP"
mkdir -p "$WORK" "$BENCH/results"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# ------------------------------------------------------------------ cleanup: only the processes started here
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
  done
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ build
FAKE_JAR="$BENCH/fake-tiktok/target/fake-tiktok.jar"
GEN_JAR="$BENCH/loadgen/target/loadgen.jar"
if [ $BUILD = 1 ] || [ ! -f "$FAKE_JAR" ] || [ ! -f "$GEN_JAR" ]; then
  log "building bench tools (mvn -f bench/pom.xml package)"
  mvn -B -q -f "$BENCH/pom.xml" package > "$WORK/build-bench.log" 2>&1 || { cat "$WORK/build-bench.log"; exit 1; }
fi
if [ $MODE = forwarder ]; then
  if [ $BUILD = 1 ]; then
    log "building the forwarder (mvn -B -q package -DskipTests in $FWD_DIR)"
    (cd "$FWD_DIR" && mvn -B -q package -DskipTests) > "$WORK/build-forwarder.log" 2>&1 \
      || { tail -50 "$WORK/build-forwarder.log"; log "forwarder build failed"; exit 1; }
  fi
  [ -f "$FWD_DIR/target/quarkus-app/quarkus-run.jar" ] \
    || { log "missing $FWD_DIR/target/quarkus-app/quarkus-run.jar (build the forwarder, or drop --no-build)"; exit 1; }
fi

CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
NPROC=$(nproc)
JAVA_VERSION=$(java -version 2>&1 | head -2 | tr '\n' ' ' | sed 's/  */ /g')
HOST=$(hostname 2>/dev/null || echo run); [ -n "$HOST" ] || HOST=run
freeport() { java -cp "$GEN_JAR" bench.load.FreePort; }

# ------------------------------------------------------------------ fake TikTok
start_fake() { # impl threads -> sets FAKE_PID FAKE_URL
  local impl=$1 threads=$2 pf="$WORK/fake-$1.port"
  rm -f "$pf"
  java -Xms512m -Xmx1g -XX:+UseParallelGC -cp "$FAKE_JAR" bench.fake.FakeTikTok --impl "$impl" --threads "$threads" \
    --latency-ms "$FAKE_LATENCY" --port 0 --port-file "$pf" > "$WORK/fake-$impl.log" 2>&1 &
  FAKE_PID=$!; PIDS+=("$FAKE_PID")
  for _ in $(seq 100); do [ -s "$pf" ] && break; sleep 0.1; done
  [ -s "$pf" ] || { cat "$WORK/fake-$impl.log"; log "fake TikTok did not start"; exit 1; }
  FAKE_URL="http://127.0.0.1:$(cat "$pf")"
  log "fake TikTok ($impl, $threads thread(s)) on $FAKE_URL pid $FAKE_PID"
}
stop_pid() { kill "$1" 2>/dev/null || true; for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
wait_quiet() { # waits up to WAIT_QUIET s until the machine (bench processes are idle between workloads) is quiet
  [ "$WAIT_QUIET" = 0 ] && return 0
  local end=$(( $(date +%s) + WAIT_QUIET )) a b
  while [ "$(date +%s)" -lt $end ]; do
    a=$(busy_ticks); sleep 2; b=$(busy_ticks)
    if [ $(( (b - a) * 100 / (2 * CLK_TCK) )) -lt 15 ]; then return 0; fi
  done
  log "machine still busy after ${WAIT_QUIET} s; measuring anyway (see the 'other processes' column)"
}

loadgen() { # label, then LoadGen options
  local label=$1; shift
  local budget=$(( ${DURATION%.*} + ${WARMUP%.*} + 180 ))
  wait_quiet
  timeout --signal=TERM "$budget" java -Xms256m -Xmx2g -XX:+UseParallelGC -cp "$GEN_JAR" bench.load.LoadGen \
    --fixtures "$BENCH/fixtures" --label "$label" --out "$WORK/$label.json" --clk-tck "$CLK_TCK" "$@" \
    2>&1 | tee "$WORK/$label.log"
}

CONTEXT=("date: $(date -u +%Y-%m-%dT%H:%M:%SZ)" "host: $HOST, nproc: $NPROC cores, $(awk '/MemTotal/{printf "%.1f GB RAM", $2/1048576}' /proc/meminfo)"
         "JVM: $JAVA_VERSION" "kernel: $(uname -r)" "forwarder dir: $FWD_DIR, commit $(git -C "$FWD_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$FWD_DIR" diff --quiet 2>/dev/null || echo ' (uncommitted changes)')")

# ------------------------------------------------------------------ mode: fake ceiling
if [ $MODE = fake-ceiling ]; then
  RESULTS=()
  for impl in ${CEIL_IMPLS:-vertx jdk}; do
    start_fake "$impl" "$FAKE_THREADS"
    for epr in ${CEIL_BATCHES:-1000 100 1}; do
      c=4; [ "$epr" = 1 ] && c=64
      [ $CONNS_SET = 1 ] && c=$CONNS
      loadgen "fake-$impl-$epr" --target "$FAKE_URL" --fake "$FAKE_URL" --fake-pid "$FAKE_PID" --pid "$FAKE_PID" \
        --workload tiktok --events-per-request "$epr" --connections "$c" --duration "$DURATION" --warmup "$WARMUP" --drain-stable-ms 500
      RESULTS+=("$WORK/fake-$impl-$epr.json")
    done
    stop_pid "$FAKE_PID"
  done
  OUT=${OUT:-$BENCH/results/$(date +%Y-%m-%d)-$HOST-fake-ceiling.md}
  java -cp "$GEN_JAR" bench.load.Report "$OUT" "Fake TikTok ceiling ($(date +%Y-%m-%d))" "${CONTEXT[@]}" \
    "mode: load generator posting TikTok Events API batches straight at the fake (no forwarder); 'forwarded' = counted by the fake; the RSS and CPU columns are the FAKE's; fake threads: $FAKE_THREADS; the load generator shares the same $NPROC cores" -- "${RESULTS[@]}" > /dev/null
  log "report: $OUT"; cat "$OUT"
  exit 0
fi

# ------------------------------------------------------------------ workloads
# name -> LoadGen options (target, counting, pid are added below)
workload_args() {
  case "$1" in
    collect)     echo "--workload collect --mode max --connections $COLLECT_CONNS --events-per-request 100" ;;
    events-rate) echo "--workload events --mode rate --rate $RATE --connections $CONNS" ;;
    events-max)  echo "--workload events --mode max --connections $CONNS" ;;
    interact)    echo "--workload interact --mode max --connections $CONNS" ;;
    *) log "unknown workload $1"; exit 2 ;;
  esac
}

RESULTS=()
LATENCY_LIST=${FAKE_LATENCY//,/ }
run_at_latency() { # latency ms; label suffix
  FAKE_LATENCY=$1; local sfx=$2
start_fake "$FAKE_IMPL" "$FAKE_THREADS"

if [ $MODE = selftest ]; then
  TARGET="$FAKE_URL"; COUNT=ingest; TARGET_PID=$FAKE_PID
  log "SELFTEST: no forwarder; the generator posts to the fake's sink, which counts what a forwarder would receive"
else
  FWD_PORT=$(freeport)
  FWD_ENV=(QUARKUS_HTTP_PORT="$FWD_PORT" QUARKUS_HTTP_HOST=127.0.0.1
           TIKTOK_ACCESS_TOKEN=bench-token TIKTOK_PIXEL_CODE=BENCHPIXEL TIKTOK_API_BASE_URL="$FAKE_URL"
           TIKTOK_TEST_EVENT_CODE= FORWARDER_DRY_RUN_FILE="$WORK/dry-run.jsonl"
           FORWARDER_DEDUP_JOURNAL="$WORK/delivered-keys$sfx.bin" FORWARDER_DEAD_LETTER_DIR="$WORK/dead-letters$sfx"
           QUARKUS_DEVSERVICES_ENABLED=false QUARKUS_MANAGEMENT_PORT=$(freeport)
           # one load generator on one IP: the per-client rate limits would measure themselves
           FORWARDER_RATE_LIMIT_BROWSER_PER_SECOND=0 FORWARDER_RATE_LIMIT_SERVER_PER_SECOND=0)
  [ -n "$BATCH_WAIT" ] && FWD_ENV+=(FORWARDER_BATCH_MAX_WAIT="$BATCH_WAIT")
  [ -n "$BATCH_EVENTS" ] && FWD_ENV+=(FORWARDER_BATCH_MAX_EVENTS="$BATCH_EVENTS")
  FWD_ENV+=("${EXTRA_ENV[@]}")
  # the README's run command: ./forwarder (the project's JVM defaults); --jvm-opts replaces them
  [ -n "$JVM_OPTS" ] && FWD_ENV+=(FORWARDER_JAVA_OPTS="$JVM_OPTS")
  log "starting forwarder: (cd $FWD_DIR && ${JVM_OPTS:+FORWARDER_JAVA_OPTS=\"$JVM_OPTS\" }./forwarder) on 127.0.0.1:$FWD_PORT"
  (cd "$FWD_DIR" && exec env "${FWD_ENV[@]}" ./forwarder) > "$WORK/forwarder$sfx.log" 2>&1 &
  FWD_PID=$!; PIDS+=("$FWD_PID")
  TARGET="http://127.0.0.1:$FWD_PORT"; COUNT=track; TARGET_PID=$FWD_PID
  # ready = the HTTP port answers (any status), bounded
  for i in $(seq 600); do
    kill -0 "$FWD_PID" 2>/dev/null || { tail -40 "$WORK/forwarder$sfx.log"; log "forwarder exited during start-up"; exit 1; }
    if curl -s -o /dev/null --max-time 1 "$TARGET/" 2>/dev/null; then break; fi
    sleep 0.1
    [ "$i" = 600 ] && { tail -40 "$WORK/forwarder$sfx.log"; log "forwarder did not open port $FWD_PORT within 60 s"; exit 1; }
  done
  log "forwarder up (pid $FWD_PID) after ~$((i / 10)) s"
  # smoke: one plain event must reach the fake (proves live mode), bounded to 30 s
  curl -s -o /dev/null -X POST "$FAKE_URL/reset"
  SMOKE_STATUS=$(curl -s -o "$WORK/smoke.out" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' -X POST "$TARGET/events" \
    -d "{\"event\":\"Purchase\",\"event_time\":$(date +%s),\"event_id\":\"bench-smoke-$STAMP$sfx\",\"user\":{\"email\":\"a@b.com\",\"ip\":\"203.0.113.7\",\"user_agent\":\"Mozilla/5.0\"},\"page\":{\"url\":\"https://shop.example/p\"},\"properties\":{\"currency\":\"USD\",\"value\":10,\"contents\":[{\"content_id\":\"SKU-1\",\"price\":10,\"quantity\":1}]}}" || echo 000)
  SMOKE_OK=0
  for _ in $(seq 300); do
    if curl -s "$FAKE_URL/stats" | grep -q '"events":[1-9]'; then SMOKE_OK=1; break; fi
    sleep 0.1
  done
  if [ $SMOKE_OK = 1 ]; then log "smoke: POST /events -> $SMOKE_STATUS, event reached the fake TikTok"
  else log "WARNING: smoke event (POST /events -> $SMOKE_STATUS) did not reach the fake TikTok within 30 s; forwarded counts may be 0 (see $WORK/forwarder.log)"; fi
  FWD_JVM=${JVM_OPTS:-$(sed -n 's/.*FORWARDER_JAVA_OPTS:-\([^}]*\)}.*/\1/p' "$FWD_DIR/forwarder" | head -1)}
  FWD_LINE="forwarder: \`${JVM_OPTS:+FORWARDER_JAVA_OPTS=\"$JVM_OPTS\" }./forwarder\` (the README's run command; JVM options: ${FWD_JVM:-none}), live mode against the fake, batch max wait: ${BATCH_WAIT:-forwarder default}, batch max events: ${BATCH_EVENTS:-forwarder default}; smoke event forwarded: $([ $SMOKE_OK = 1 ] && echo yes || echo NO)"
  case " ${CONTEXT[*]} " in *"$FWD_LINE"*) ;; *) CONTEXT+=("$FWD_LINE") ;; esac # once, not once per latency
fi

for w in ${WORKLOADS//,/ }; do
  # shellcheck disable=SC2046
  loadgen "$w$sfx" $(workload_args "$w") --target "$TARGET" --fake "$FAKE_URL" --count "$COUNT" \
    --pid "$TARGET_PID" --fake-pid "$FAKE_PID" --duration "$DURATION" --warmup "$WARMUP" \
    || log "workload $w failed (see $WORK/$w.log)"
  RESULTS+=("$WORK/$w$sfx.json")
  if [ $MODE = forwarder ] && ! kill -0 "$FWD_PID" 2>/dev/null; then log "forwarder died; see $WORK/forwarder.log"; break; fi
done
[ $MODE = forwarder ] && stop_pid "$FWD_PID"
stop_pid "$FAKE_PID"
}

for lat in $LATENCY_LIST; do
  if [ "$LATENCY_LIST" = "$lat" ]; then run_at_latency "$lat" ""; else run_at_latency "$lat" "@${lat}ms"; fi
done
FAKE_LATENCY=${LATENCY_LIST// /,}

if [ $MODE = selftest ]; then
  OUT=${OUT:-$BENCH/results/$(date +%Y-%m-%d)-$HOST-selftest.md}
  CONTEXT+=("SELFTEST: no forwarder. The load generator posted to the fake TikTok's sink paths; 'forwarded' = what the sink counted, RSS/CPU columns are the fake's. This shows the load generator's ceiling, not the product's.")
  TITLE="Load generator self-test ($(date +%Y-%m-%d))"
else
  OUT=${OUT:-$BENCH/results/$(date +%Y-%m-%d)-$HOST.md}
  TITLE="Forwarder benchmark ($(date +%Y-%m-%d))"
fi
CONTEXT+=("per workload: ${WARMUP} s warm-up (not recorded), ${DURATION} s measured, then drained; fake TikTok: $FAKE_IMPL, $FAKE_THREADS thread(s), answer latency ${FAKE_LATENCY} ms; all processes share the $NPROC cores"
          "raw results and logs: bench/work/$STAMP/ (not committed)")
java -cp "$GEN_JAR" bench.load.Report "$OUT" "$TITLE" "${CONTEXT[@]}" -- "${RESULTS[@]}" > /dev/null
set -- $LATENCY_LIST
if [ $# -gt 1 ]; then # side by side: the first latency against each other one
  base=$1; shift
  { echo; echo "## Fake TikTok latency ${base} ms vs $* ms (same run)"; echo
    echo "| workload | latency ms | forwarded events/s | ratio to ${base} ms | TikTok req / 1,000 events | ingest p50 / p99 ms | errors (e.g. 503) | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for w in ${WORKLOADS//,/ }; do
      b="$WORK/$w@${base}ms.json"; [ -f "$b" ] || continue
      bf=$(jq -r '.forwarded_events_per_s // 0' "$b")
      for lat in "$base" "$@"; do
        f="$WORK/$w@${lat}ms.json"; [ -f "$f" ] || continue
        jq -r --arg w "$w" --arg lat "$lat" --argjson bf "$bf" '"| \($w) | \($lat) | \(.forwarded_events_per_s // 0 | floor) | \(if $bf > 0 then ((.forwarded_events_per_s // 0) / $bf * 100 | floor | tostring) + " %" else "n/a" end) | \(if (.forwarded_events // 0) > 0 then ((.forwarded_requests // 0) * 1000 / .forwarded_events * 100 | floor / 100) else "n/a" end) | \(.latency_ms.p50 // "n/a" | if type == "number" then (. * 10 | floor / 10) else . end) / \(.latency_ms.p99 // "n/a" | if type == "number" then (. * 10 | floor / 10) else . end) | \(.errors // 0) | \(.forwarder_peak_rss_mb // "n/a" | if type == "number" then floor else . end) |"' "$f"
      done
    done; } >> "$OUT"
fi
log "report: $OUT"
cat "$OUT"
