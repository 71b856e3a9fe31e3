#!/usr/bin/env bash
# JMH: the forwarder's hot path (pipeline) next to the floor, on the same inputs. Run from anywhere:
#   bench/jmh/run.sh                 # build the forwarder jar + benchmarks, run, write bench/results/YYYY-MM-DD-jmh.md
#   PROFILE=1 bench/jmh/run.sh       # also profile collect100_pipeline with JFR and add the top costs
#   JMH_ARGS='-wi 5 -i 10' bench/jmh/run.sh   # other JMH settings (appended; later options win)
#   SKIP_BUILD=1 bench/jmh/run.sh    # reuse bench/jmh/target/benchmarks.jar
# Not a test: CI only checks that it compiles (mvn -q -B -f bench/jmh/pom.xml -DskipTests package).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
JAR=bench/jmh/target/benchmarks.jar
OUT_DIR=bench/results
DATE="$(date +%F)"
RESULT_MD="$OUT_DIR/$DATE-jmh.md"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo ">> building the forwarder (plain jar into ~/.m2) and the benchmarks"
  mvn -q -B -DskipTests install
  mvn -q -B -f bench/jmh/pom.xml -DskipTests package
fi

echo ">> running JMH (nproc $(nproc); $(java -version 2>&1 | head -1))"
# shellcheck disable=SC2086
java -jar "$JAR" 'ForwarderBenchmark' -f 1 -wi 8 -w 3s -i 5 -r 3s -rf json -rff "$WORK/result.json" ${JMH_ARGS:-}

EXTRA="$WORK/extra.md"
: > "$EXTRA"
if [[ -n "${PROFILE:-}" ]]; then
  echo ">> profiling collect100_pipeline with JFR"
  java -jar "$JAR" 'ForwarderBenchmark.collect100_pipeline' -f 1 -wi 6 -w 3s -i 1 -r 15s \
       -prof "jfr:dir=$WORK/jfr;configName=profile" > "$WORK/jfr.log" 2>&1 || { cat "$WORK/jfr.log"; exit 1; }
  JFR_FILE="$(find "$WORK/jfr" -name '*.jfr' | head -1)"
  {
    echo "## Profile (JFR, collect100_pipeline, CPU samples)"
    echo
    echo '```'
    java -cp "$JAR" io.github.ttforwarder.bench.JfrTop "$JFR_FILE" 25
    echo '```'
  } >> "$EXTRA"
fi

mkdir -p "$OUT_DIR"
java -cp "$JAR" io.github.ttforwarder.bench.Report "$WORK/result.json" "$RESULT_MD" "$(nproc)" "$EXTRA"
