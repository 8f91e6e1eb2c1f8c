#!/usr/bin/env bash
# Start or stop a local Kafka broker (KRaft, SASL/SCRAM) for trying Tide's KAFKA listener by hand.
#   scripts/kafka/broker.sh start [dir]   # prints the broker address and credentials
#   scripts/kafka/broker.sh stop [dir]
# The test suites do the same through scripts/kafka/global-setup.ts.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
exec "$root/node_modules/.bin/tsx" "$root/scripts/kafka/broker.ts" "$@"
