/**
 * @module
 * Cluster benchmark: two denats servers against two nats-server servers, in the same run on the
 * same machine, alternating (denats then nats-server, every round), joined by a route (a 2-node
 * cluster, the default), a gateway (`--topology gateway`: two clusters of a super-cluster) or a
 * leaf connection (`--topology leaf`: A is a leaf node of hub B; `--topology hub`: B is a leaf
 * node of hub A). Publishers and requesters
 * connect to server A, subscribers and the responder to server B, so every message crosses the
 * link. Every scenario starts a fresh cluster (so peak RSS is per scenario), waits
 * until the route is up on both sides, runs, reads each server's CPU time (`/proc/<pid>/stat`,
 * from route-up to the end of the scenario) and peak RSS (`VmHWM`), and kills both servers.
 *
 * The client is raw TCP (pre-built PUB buffers with the sequence patched into the first 8
 * payload bytes, a minimal MSG parser). Every subscriber must receive every published message,
 * in order, with the right length; anything else fails the run (exit status 1).
 *
 * The parts: cluster_options.ts (command line), cluster_servers.ts (launching the clusters, /proc
 * readings), cluster_client.ts (raw client), cluster_scenarios.ts (the load), cluster_report.ts
 * (results and the table of medians).
 *
 * Usage: deno run -A bench/cluster.ts [--rounds 3] [--n 1500000] [--reqs 5000] [--cap 5]
 *        [--only pubsub16,fanout128,reqrep] [--nats-server /usr/sbin/nats-server]
 *        [--topology route|gateway|leaf|hub]
 */

import { parseArgs, usage } from "./cluster_options.ts";
import { printSummary, type Result } from "./cluster_report.ts";
import { SCENARIOS } from "./cluster_scenarios.ts";
import { Cluster } from "./cluster_servers.ts";

async function main(): Promise<void> {
  const o = parseArgs(Deno.args);
  const scenarios = o.only ? SCENARIOS.filter((s) => o.only!.includes(s.name)) : SCENARIOS;
  if (o.only && scenarios.length !== o.only.length) {
    usage(`--only: scenarios are ${SCENARIOS.map((s) => s.name).join(",")}`);
  }
  const kinds: [string, string][] = [["denats", o.denats], ["nats-server", o.natsServer]];
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const cores = (cpuinfo.match(/^processor/gm) ?? []).length;
  console.log(
    `cluster_bench: A and B joined by a ${o.topology}, pub/req on A, sub/resp on B; ` +
      `${o.rounds} rounds ` +
      `(denats then nats-server); n=${o.n}, reqs=${o.reqs}, cap ${o.cap}s; ${cores} cores; ` +
      `deno ${Deno.version.deno}`,
  );
  // results[scenario][kind] = Result[]
  const results = new Map<string, Map<string, Result[]>>();
  let failed = false;
  const started = performance.now();
  for (let round = 1; round <= o.rounds; round++) {
    for (const [kind, bin] of kinds) {
      for (const sc of scenarios) {
        const c = new Cluster(kind, bin, o.topology);
        try {
          await c.ready();
          const r = await sc.run(c, o);
          const per = results.get(sc.name) ?? new Map<string, Result[]>();
          results.set(sc.name, per);
          (per.get(kind) ?? per.set(kind, []).get(kind)!).push(r);
          console.log(
            `  round ${round} ${kind.padEnd(11)} ${sc.name.padEnd(9)} ${r.detail}; ` +
              `cpu A ${r.cpuA.toFixed(2)}s B ${r.cpuB.toFixed(2)}s, ` +
              `rss A ${(r.rssA / 1e6).toFixed(0)}MB B ${(r.rssB / 1e6).toFixed(0)}MB`,
          );
        } catch (e) {
          failed = true;
          console.error(`  round ${round} ${kind} ${sc.name}: FAIL: ${(e as Error).message}`);
        } finally {
          await c.stop();
        }
      }
    }
  }

  printSummary(scenarios, results, o.rounds, started);
  if (failed) {
    console.error("\ncluster_bench: FAIL (see above)");
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
