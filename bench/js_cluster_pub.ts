/**
 * @module
 * Acknowledged publishes into a replicated stream: three servers in one cluster (denats, or
 * nats-server with `JS_CLUSTER_BIN=/usr/sbin/nats-server`), a file stream of R1 and of R3,
 * one client on a server that does not lead the stream publishing `COUNT` messages of 128
 * bytes with `WINDOW` PubAcks outstanding; prints acked msgs/s for each.
 *
 * ```sh
 * deno run -A bench/js_cluster_pub.ts                     # denats
 * JS_CLUSTER_BIN=/usr/sbin/nats-server deno run -A bench/js_cluster_pub.ts
 * ```
 */
import { Cluster } from "../tests/jetstream/_js_cluster.ts";

const COUNT = Number(Deno.env.get("COUNT") ?? 50_000);
const WINDOW = Number(Deno.env.get("WINDOW") ?? 256);

await using c = await Cluster.start();
await c.metaLeader();
const payload = new Uint8Array(128);
for (const replicas of [1, 3]) {
  const name = `B${replicas}`;
  const si = await (await c.jsm("n1")).streams.add({
    name,
    subjects: [`${name}.>`],
    num_replicas: replicas,
  });
  const other = c.nodes.find((n) => n.name !== si.cluster?.leader)!.name;
  const js = await c.js(other);
  const start = performance.now();
  let inflight: Promise<unknown>[] = [];
  for (let i = 0; i < COUNT; i++) {
    inflight.push(js.publish(`${name}.x`, payload));
    if (inflight.length >= WINDOW) {
      await Promise.all(inflight);
      inflight = [];
    }
  }
  await Promise.all(inflight);
  const secs = (performance.now() - start) / 1000;
  console.log(
    `R${replicas}: ${COUNT} acked publishes in ${secs.toFixed(2)} s = ${
      Math.round(COUNT / secs)
    } msgs/s`,
  );
}
