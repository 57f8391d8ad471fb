#!/usr/bin/env bash
# Cluster benchmark: 2-node denats cluster vs 2-node nats-server cluster, publisher on A,
# subscribers on B (see bench/cluster.ts). Options: --rounds, --n, --reqs, --cap, --only...
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
exec deno run -A bench/cluster.ts "$@"
