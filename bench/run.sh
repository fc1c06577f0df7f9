#!/usr/bin/env bash
# Runs the Catalog and Metering benchmarks against a fresh server on this machine and prints the
# figures recorded in docs/PERFORMANCE.md. Usage: bench/run.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/amiplace
BENCH=build/bench/catalog_bench
METERING=build/bench/metering_bench
DURATION=${1:-15}
DATA=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT

# A free port for the instance metadata service (the metering benchmark reads instance credentials
# from it); --simulated-clock lets the metering benchmark move the clock 6 hours past the launch.
IMDS_PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
$BIN serve --data "$DATA" --listen 127.0.0.1:0 --request-quotas off --review auto \
  --simulated-clock --imds-port "$IMDS_PORT" > "$DATA/stdout" 2> "$DATA/stderr" &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$DATA/stdout" 2>/dev/null && break; sleep 0.1; done
ENDPOINT=$(sed -n 's/^amiplace listening on //p' "$DATA/stdout")
export AWS_ACCESS_KEY_ID=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['AccessKeyId'])" "$DATA/operator.json")
export AWS_SECRET_ACCESS_KEY=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['SecretAccessKey'])" "$DATA/operator.json")
SELLER=$($BIN admin create-account --type SELLER --name Bench --endpoint-url "$ENDPOINT")
export AWS_ACCESS_KEY_ID=$(echo "$SELLER" | python3 -c "import json,sys;print(json.load(sys.stdin)['AccessKeyId'])")
export AWS_SECRET_ACCESS_KEY=$(echo "$SELLER" | python3 -c "import json,sys;print(json.load(sys.stdin)['SecretAccessKey'])")

echo "== DescribeEntity: signed GETs, 64 keep-alive connections, ${DURATION}s (wrk, 2 threads)"
PRODUCT=$($BENCH create-product "$ENDPOINT")
HEADERS=()
while IFS= read -r line; do HEADERS+=(-H "$line"); done < <($BENCH sign-describe "$ENDPOINT" "$PRODUCT")
wrk -t2 -c64 -d"${DURATION}s" --latency "${HEADERS[@]}" \
  "$ENDPOINT/DescribeEntity?catalog=AWSMarketplace&entityId=$PRODUCT"

echo "== Change sets: 5000 CreateProduct change sets over 32 connections, start to SUCCEEDED"
$BENCH change-sets "$ENDPOINT" 5000 32

echo "== MeterUsage: 64 instances, one keep-alive connection each, new records only, up to ${DURATION}s"
$METERING "$ENDPOINT" "$IMDS_PORT" "$DATA/operator.json" "$DURATION" 200
