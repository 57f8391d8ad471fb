/**
 * @module
 * A 3-server nats-server 2.9.10 JetStream cluster for the RAFT compat tests, with a system
 * account user (`sys`) that sees `$NRG.>` traffic and a JetStream account user (`a`). Runs in
 * the test isolate.
 */
import type { Delivery, RawClient } from "../helpers/raw_client.ts";
import { natsServerBinary, type SpawnedServer, spawnFromConf } from "../helpers/spawn_server.ts";
import { freePort } from "../cluster/_cluster.ts";

/** The servers' names. */
export const NAMES = ["RAFT-N1", "RAFT-N2", "RAFT-N3"];

/** A binary string as bytes. */
export const bytesOf = (binary: string) => Uint8Array.from(binary, (c) => c.charCodeAt(0));

/** Configs for a 3-server JetStream cluster and its store dir. */
export interface ClusterPlan {
  storeDir: string;
  confs: string[];
}

/** Picks cluster ports and writes the three configs (SYS and a JetStream account A). */
export async function planCluster(): Promise<ClusterPlan> {
  const storeDir = await Deno.makeTempDir({ prefix: "denats_raft_compat_" });
  const clusterPorts = NAMES.map(() => freePort());
  const routes = clusterPorts.map((p) => `nats://127.0.0.1:${p}`);
  const confs = NAMES.map((name, i) =>
    [
      `server_name: ${name}`,
      `jetstream { store_dir: ${JSON.stringify(`${storeDir}/${name}`)} }`,
      `cluster { name: RAFTC, listen: "127.0.0.1:${clusterPorts[i]}", routes: ${
        JSON.stringify(routes)
      } }`,
      `accounts { SYS { users: [{user: sys, password: sys}] },` +
      ` A { jetstream: enabled, users: [{user: a, password: a}] } }`,
      `system_account: SYS`,
    ].join("\n") + "\n"
  );
  return { storeDir, confs };
}

/** Starts one nats-server. */
export function spawn(conf: string): Promise<SpawnedServer> {
  return spawnFromConf(natsServerBinary(), conf, { tempPrefix: "denats_raft_" });
}

/** The next MSG, answering the server's PINGs on the way. */
export async function nextMsg(client: RawClient, timeoutMs: number): Promise<Delivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await client.expect(/^(?=PING\r\n|MSG )/, Math.max(1, deadline - Date.now()));
    if (client.pending().startsWith("MSG ")) return await client.expectMsg(1000);
    await client.expect(/^PING\r\n/);
    await client.send("PONG\r\n");
  }
}

/** Creates an R3 stream, retrying while the meta group has no leader yet. */
export async function createStream(client: RawClient, deadline: number): Promise<void> {
  await client.send("SUB _INBOX.raft 9\r\n");
  const body = JSON.stringify({ name: "RAFTS", subjects: ["raft.s"], num_replicas: 3 });
  while (Date.now() < deadline) {
    await client.send(`PUB $JS.API.STREAM.CREATE.RAFTS _INBOX.raft ${body.length}\r\n${body}\r\n`);
    try {
      const reply = await nextMsg(client, 3000);
      if (reply.payload.includes('"config"')) return;
    } catch { /* no answer yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("stream not created");
}
