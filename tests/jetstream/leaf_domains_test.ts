/**
 * @module
 * JetStream domains across a leafnode link (nats-server 2.9.10 addLeafNodeConnection, "JetStream
 * on leaf nodes"): a stream on a leaf server in domain `leaf` mirrored and sourced by streams on
 * its hub in domain `hub` through `$JS.leaf.API`, catching up in order after the leaf was down
 * and after the hub was down (processes restarted on their file stores); `$JS.API.>` stays in
 * its own domain while `$JS.<domain>.API.>` crosses. Runs denats/denats, then each side swapped
 * for nats-server 2.9.10 when it is installed (skipped with a message otherwise).
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";
import { messagesOf, type MsgView, until } from "./_mirror_scenarios.ts";
import { freePort } from "../helpers/free_port.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn("tests/jetstream/leaf_domains_test.ts: nats-server not found; mixed runs skipped");
}

/** A restartable server process on its own store directory. */
class Node {
  readonly store = Deno.makeTempDirSync({ prefix: "denats_jsl_" });
  #proc: Awaited<ReturnType<typeof spawnFromConf>> | null = null;
  logs = "";
  constructor(readonly binary: string, readonly domain: string, readonly conf: string) {}

  get port(): number {
    return this.#proc!.port;
  }

  async start(): Promise<void> {
    const store = JSON.stringify(this.store);
    const trace = Deno.env.get("JSL_TRACE") ? "trace: true\n" : "";
    const conf = `${trace}jetstream { store_dir: ${store}, domain: ${this.domain} }\n${this.conf}`;
    this.#proc = await spawnFromConf(this.binary, conf, { timeoutMs: 20_000 });
  }

  async stop(): Promise<void> {
    await this.#proc?.close("SIGTERM");
    this.logs += this.#proc?.logs() ?? "";
    this.#proc = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await Deno.remove(this.store, { recursive: true }).catch(() => {});
  }
}

async function withClient<T>(
  node: Node,
  fn: (nc: NatsConnection, jsm: JetStreamManager) => Promise<T>,
): Promise<T> {
  const nc = await connect({ port: node.port });
  try {
    return await fn(nc, await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

/** `$JS.API.INFO`-style request on `subject`: the answer's domain (or its error code). */
async function infoDomain(nc: NatsConnection, subject: string): Promise<string> {
  const m = await nc.request(subject, "", { timeout: 2000 }).catch(() => null);
  if (m === null) return "no responders";
  const r = m.json<{ domain?: string; error?: { err_code: number } }>();
  return r.error ? `error ${r.error.err_code}` : r.domain ?? "";
}

async function publishOrigin(node: Node, from: number, to: number): Promise<void> {
  await withClient(node, async (nc) => {
    const js = jetstream(nc);
    for (let i = from; i <= to; i++) await js.publish(`o.${i}`, `m${i}`);
  });
}

async function waitCount(hub: Node, want: number): Promise<void> {
  await withClient(hub, async (_nc, jsm) => {
    await until(
      async () =>
        (await jsm.streams.info("M").catch(() => null))?.state.messages === want &&
        (await jsm.streams.info("S").catch(() => null))?.state.messages === want,
      40_000,
      `M and S at ${want}`,
    );
  });
}

interface Snapshot {
  domains: Record<string, string>;
  hubStreams: string[];
  leafStreams: string[];
  mirror: MsgView[];
  sourced: string[];
}

async function scenario(hubBin: string, leafBin: string): Promise<Snapshot> {
  const leafPort = freePort();
  const hub = new Node(
    hubBin,
    "hub",
    `server_name: hub1\nleafnodes { listen: "127.0.0.1:${leafPort}" }\n`,
  );
  const leaf = new Node(
    leafBin,
    "leaf",
    `server_name: leaf1\n` +
      `leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${leafPort}" } ] }\n`,
  );
  try {
    await hub.start();
    await leaf.start();
    // The link is up when the hub reaches the leaf's JetStream through its domain.
    await withClient(hub, async (nc) => {
      await until(async () => (await infoDomain(nc, "$JS.leaf.API.INFO")) === "leaf", 20_000);
    });
    await withClient(leaf, async (_nc, jsm) => {
      await jsm.streams.add({ name: "O", subjects: ["o.>"] });
    });
    await publishOrigin(leaf, 1, 3);
    await withClient(hub, async (_nc, jsm) => {
      const external = { api: "$JS.leaf.API", deliver: "" };
      await jsm.streams.add({ name: "M", mirror: { name: "O", external } });
      await jsm.streams.add({ name: "S", sources: [{ name: "O", external }] });
    });
    await waitCount(hub, 3);

    // API denials between domains: `$JS.API.>` is answered by one's own domain only.
    const domains: Record<string, string> = {};
    await withClient(hub, async (nc) => {
      domains["hub $JS.API.INFO"] = await infoDomain(nc, "$JS.API.INFO");
      domains["hub $JS.hub.API.INFO"] = await infoDomain(nc, "$JS.hub.API.INFO");
      domains["hub $JS.leaf.API.INFO"] = await infoDomain(nc, "$JS.leaf.API.INFO");
    });
    await withClient(leaf, async (nc) => {
      domains["leaf $JS.API.INFO"] = await infoDomain(nc, "$JS.API.INFO");
      domains["leaf $JS.hub.API.INFO"] = await infoDomain(nc, "$JS.hub.API.INFO");
    });
    const hubStreams = await withClient(hub, async (nc) => {
      const names = await (await jetstreamManager(nc)).streams.names();
      const out: string[] = [];
      for await (const n of names) out.push(n);
      return out.sort();
    });
    const leafStreams = await withClient(hub, async (nc) => {
      const names = (await jetstreamManager(nc, { domain: "leaf" })).streams.names();
      const out: string[] = [];
      for await (const n of names) out.push(n);
      return out.sort();
    });

    // The leaf down and back: what it gets next reaches the hub in order.
    await leaf.stop();
    await leaf.start();
    await publishOrigin(leaf, 4, 6);
    await waitCount(hub, 6);

    // The hub down while the leaf takes more: caught up after the hub restarts.
    await hub.stop();
    await publishOrigin(leaf, 7, 9);
    await hub.start();
    await waitCount(hub, 9);

    return await withClient(hub, async (_nc, jsm) => ({
      domains,
      hubStreams,
      leafStreams,
      mirror: await messagesOf(jsm, "M"),
      sourced: (await messagesOf(jsm, "S")).map((m) => `${m.seq} ${m.subject} ${m.data}`),
    }));
  } catch (err) {
    await leaf.stop();
    await hub.stop();
    console.error(`hub log:\n${hub.logs}\nleaf log:\n${leaf.logs}`);
    throw err;
  } finally {
    await leaf.dispose();
    await hub.dispose();
  }
}

function check(s: Snapshot): void {
  assert.deepEqual(s.domains, {
    "hub $JS.API.INFO": "hub",
    "hub $JS.hub.API.INFO": "hub",
    "hub $JS.leaf.API.INFO": "leaf",
    "leaf $JS.API.INFO": "leaf",
    "leaf $JS.hub.API.INFO": "hub",
  });
  assert.deepEqual(s.hubStreams, ["M", "S"]);
  assert.deepEqual(s.leafStreams, ["O"]);
  const want = Array.from({ length: 9 }, (_, i) => i + 1);
  assert.deepEqual(
    s.mirror.map((m) => `${m.seq} ${m.subject} ${m.data}`),
    want.map((i) => `${i} o.${i} m${i}`),
  );
  assert.deepEqual(s.sourced, want.map((i) => `${i} o.${i} m${i}`));
}

Deno.test("leaf domains: denats hub and leaf, mirror and source across restarts", async () => {
  check(await scenario(DENATS, DENATS));
});

Deno.test({
  name: "leaf domains: nats-server hub, denats leaf",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    check(await scenario(natsServerBinary(), DENATS));
  },
});

Deno.test({
  name: "leaf domains: denats hub, nats-server leaf",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    check(await scenario(DENATS, natsServerBinary()));
  },
});

Deno.test({
  name: "leaf domains: nats-server hub and leaf (reference run of the same scenario)",
  ignore: !HAVE_NATS_SERVER,
  async fn() {
    check(await scenario(natsServerBinary(), natsServerBinary()));
  },
});
