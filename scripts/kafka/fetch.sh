#!/usr/bin/env bash
# Fetch Apache Kafka's jars (pom.xml beside this script) from Maven Central into .cache/kafka/libs.
# Does nothing when the cache already matches pom.xml, so the test suites can call it on every run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
libs="$root/.cache/kafka/libs"
# The marker holds pom.xml's hash: changing the Kafka version re-fetches.
want="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [ -f "$libs/.complete" ] && [ "$(cat "$libs/.complete")" = "$want" ]; then exit 0; fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "scripts/kafka/fetch.sh: Maven (mvn) is not on PATH; it is needed once to fetch the Kafka jars" >&2
  exit 127
fi
echo "scripts/kafka/fetch.sh: fetching the Kafka broker jars into .cache/kafka/libs (once)" >&2
tmp="$libs.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp"
echo "$want" > "$tmp/.complete"
# Swap in whole, so an interrupted fetch never leaves a half-filled cache that looks complete.
rm -rf "$libs"
mv "$tmp" "$libs"
trap - EXIT
