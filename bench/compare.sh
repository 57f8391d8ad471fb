#!/usr/bin/env bash
# Runs natsbench's compare.sh (../shared/natsbench, or $NATSBENCH_DIR) with nats-server as A and
# denats as B. Extra scenarios for the sharded runtime (several publishers and subscribers) are
# added to the standard suite with --multi.
#
#   bench/compare.sh --quick                       # standard suite, denats --shards 1
#   bench/compare.sh --shards 2 --multi --quick    # sharded, with multi-connection scenarios
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
nb="${NATSBENCH_DIR:-$root/../shared/natsbench}"
[ -x "$nb/compare.sh" ] || { echo "natsbench not found at $nb (set NATSBENCH_DIR)" >&2; exit 2; }
shards=1
multi=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards="$2"; shift 2 ;;
    --multi) multi=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
script="$nb/compare.sh"
if [ "$multi" = 1 ]; then
  script="$(mktemp "$nb/.compare_multi_XXXXXX.sh")"
  trap 'rm -f "$script"' EXIT
  awk '
    { print }
    /^reqrep    \|/ {
      print "pubsub2x2 |  4000000 | pubsub -z 16 -p 2 -S 2                       | pub_msgs_per_s sub_msgs_per_s"
      print "pub2sub2  |  3000000 | pubsub -z 128 -p 2 -S 2                      | pub_msgs_per_s sub_msgs_per_s"
      print "fan2x4    |  2000000 | pubsub -z 128 -p 2 -S 4                      | pub_msgs_per_s sub_msgs_per_s"
    }' "$nb/compare.sh" >"$script"
  chmod +x "$script"
fi
exec "$script" --a "nats-server -a 127.0.0.1 -p {port}" \
  --b "$root/bin/denats -a 127.0.0.1 -p {port} --shards $shards" \
  --a-name nats-server --b-name "denats-shards$shards" "${args[@]}"
