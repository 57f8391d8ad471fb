/**
 * @module
 * WebSocket leafnodes with `ws_compression: true` on the remote (nats-server leafnode.go
 * leafNodeSolicitWSConnection): the dialing side offers permessage-deflate, logs
 * `Leafnode compression=true masking=true`, and both sides send large messages deflated. A
 * byte-counting proxy between leaf and hub shows the compression on the wire both ways;
 * payloads (compressible and random, up to 512 KiB) cross in order and intact. denats leaf to
 * denats hub, denats leaf to a nats-server hub, nats-server leaf to a denats hub (the last two
 * skipped visibly without nats-server). With `ws_no_masking` too, a hub that grants
 * `Nats-No-Masking` (nats-server, and denats' raw listener) gets unmasked deflated frames.
 * Real sockets. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import {
  client,
  DenatsNode,
  freePort,
  haveReference,
  type LeafNodeSpec,
  type LeafTestNode,
  NatsServerNode,
  type NodeKind,
  OPTS,
  startNode,
  TempDir,
  waitFor,
  waitInterest,
  waitLeafs,
} from "./_leaf.ts";

const KIB = 1024;

/** A TCP proxy that counts the bytes it forwards each way. */
class CountingProxy implements AsyncDisposable {
  readonly port: number;
  up = 0;
  down = 0;
  readonly #listener: Deno.TcpListener;
  readonly #conns: Deno.Conn[] = [];
  readonly #loop: Promise<void>;

  constructor(target: number) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = this.#listener.addr.port;
    this.#loop = this.#accept(target);
  }

  async #accept(target: number): Promise<void> {
    for await (const conn of this.#listener) {
      let out: Deno.Conn;
      try {
        out = await Deno.connect({ hostname: "127.0.0.1", port: target });
      } catch {
        conn.close();
        continue;
      }
      this.#conns.push(conn, out);
      void this.#pipe(conn, out, (n) => (this.up += n));
      void this.#pipe(out, conn, (n) => (this.down += n));
    }
  }

  async #pipe(from: Deno.Conn, to: Deno.Conn, count: (n: number) => void): Promise<void> {
    const buf = new Uint8Array(64 * KIB);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        count(n);
        let off = 0;
        while (off < n) off += await to.write(buf.subarray(off, n));
      }
    } catch {
      // a side closed
    }
    for (const c of [from, to]) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    for (const c of this.#conns) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    await this.#loop.catch(() => {});
  }
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += 65536) {
    crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
  }
  return out;
}

/** Sends `payloads` from `pub` to a subscriber on `sub`; checks order and content. */
async function cross(
  pub: Awaited<ReturnType<typeof client>>,
  sub: Awaited<ReturnType<typeof client>>,
  subject: string,
  payloads: Uint8Array[],
): Promise<void> {
  const got: Uint8Array[] = [];
  const s = sub.subscribe(subject, { callback: (_e, m) => void got.push(m.data) });
  await sub.flush();
  await waitInterest(pub, sub, subject.split(".")[0]);
  for (const p of payloads) pub.publish(subject, p);
  await pub.flush();
  await waitFor(() => got.length >= payloads.length, 15_000, `${subject}: ${payloads.length}`);
  s.unsubscribe();
  assert.equal(got.length, payloads.length);
  for (let i = 0; i < payloads.length; i++) {
    assert.equal(got[i].length, payloads[i].length, `${subject} #${i} length`);
    assert.deepEqual(new Uint8Array(got[i]), payloads[i], `${subject} #${i} content`);
  }
}

for (
  const [leafKind, hubKind] of [
    ["denats", "denats"],
    ["denats", "nats-server"],
    ["nats-server", "denats"],
  ] as const
) {
  const needsReference = leafKind === "nats-server" || hubKind === "nats-server";
  Deno.test(
    `${leafKind} leaf on a ${hubKind} hub over ws:// with ws_compression: deflated both ways`,
    { ...OPTS, ignore: needsReference && !haveReference() },
    async () => {
      await using dir = await TempDir.create();
      const wsPort = freePort();
      const hubSpec = {
        name: "hub",
        leafPort: freePort(),
        extra: [`websocket { listen: "127.0.0.1:${wsPort}", no_tls: true, compression: true }`],
      };
      const start = (kind: NodeKind, spec: LeafNodeSpec) => startNode(kind, dir, spec, true);
      await using proxy = new CountingProxy(wsPort);
      const leafSpec = {
        name: "leaf",
        remotes: [`url: "ws://127.0.0.1:${proxy.port}", ws_compression: true`],
      };
      await using hub: LeafTestNode = await start(hubKind, hubSpec);
      await using leaf: LeafTestNode = await start(leafKind, leafSpec);
      await waitLeafs(hub);
      await waitLeafs(leaf);
      if (leafKind === "denats") {
        const line = leaf.lines().find((l) => l.includes("Leafnode compression="));
        assert.match(
          line ?? "",
          new RegExp(
            `^\\[DBG\\] 127\\.0\\.0\\.1:${proxy.port} - lid:\\d+ - ` +
              "Leafnode compression=true masking=true$",
          ),
        );
      }
      if (hubKind === "denats") {
        // The accepting side logs right after "Leafnode connection created" (createLeafNode).
        const lines = hub.lines();
        const at = lines.findIndex((l) => l.includes("Leafnode compression="));
        assert.match(
          lines[at] ?? "",
          /^\[DBG\] 127\.0\.0\.1:\d+ - lid:\d+ - Leafnode compression=true$/,
        );
        assert.match(lines[at - 1], / - Leafnode connection created /);
      }
      await using nh = await client(hub);
      await using nl = await client(leaf);

      // Compressible: 20 x 512 KiB each way must cross in far fewer bytes.
      const text = new TextEncoder().encode("leafnode websocket compression ".repeat(17_000))
        .subarray(0, 512 * KIB);
      const many = Array.from({ length: 20 }, (_, i) => {
        const p = text.slice();
        p[0] = 48 + (i % 10);
        return p;
      });
      const [up0, down0] = [proxy.up, proxy.down];
      await cross(nl, nh, "up.big", many);
      await cross(nh, nl, "down.big", many);
      const sent = 20 * 512 * KIB;
      const [up, down] = [proxy.up - up0, proxy.down - down0];
      assert.ok(up < sent / 5, `leaf -> hub: ${up} bytes on the wire for ${sent}`);
      assert.ok(down < sent / 5, `hub -> leaf: ${down} bytes on the wire for ${sent}`);

      // Incompressible and small payloads, interleaved, in order both ways.
      const mixed = [randomBytes(300 * KIB), randomBytes(10), randomBytes(64), randomBytes(65)];
      mixed.push(randomBytes(1), randomBytes(200 * KIB));
      await cross(nl, nh, "up.mixed", mixed);
      await cross(nh, nl, "down.mixed", mixed);
    },
  );
}

Deno.test(
  "a ws_compression remote on a hub without compression runs plain frames",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const wsPort = freePort();
    await using hub = await DenatsNode.start(dir, {
      name: "hub",
      leafPort: freePort(),
      extra: [`websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }`],
    }, true);
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "ws://127.0.0.1:${wsPort}", ws_compression: true`],
    }, true);
    await waitLeafs(hub);
    await waitLeafs(leaf);
    assert.ok(
      leaf.lines().some((l) => l.endsWith("Leafnode compression=false masking=true")),
      leaf.lines().join("\n"),
    );
    assert.ok(hub.lines().some((l) => l.endsWith(" - Leafnode compression=false")));
    await using nh = await client(hub);
    await using nl = await client(leaf);
    await cross(nh, nl, "down.x", [randomBytes(100 * KIB), randomBytes(100)]);
    await cross(nl, nh, "up.x", [randomBytes(100 * KIB), randomBytes(100)]);
  },
);

for (const hubKind of ["denats", "nats-server"] as const) {
  Deno.test(
    `ws_no_masking with ws_compression on a ${hubKind} hub: unmasked, deflated frames`,
    { ...OPTS, ignore: hubKind === "nats-server" && !haveReference() },
    async () => {
      await using dir = await TempDir.create();
      const wsPort = freePort();
      const hubSpec = {
        name: "hub",
        leafPort: freePort(),
        extra: [`websocket { listen: "127.0.0.1:${wsPort}", no_tls: true, compression: true }`],
      };
      await using hub: LeafTestNode = hubKind === "denats"
        ? await DenatsNode.start(dir, hubSpec)
        : await NatsServerNode.start(dir, hubSpec);
      await using leaf = await DenatsNode.start(dir, {
        name: "leaf",
        remotes: [`url: "ws://127.0.0.1:${wsPort}", ws_compression: true, ws_no_masking: true`],
      }, true);
      await waitLeafs(hub);
      await waitLeafs(leaf);
      assert.ok(
        leaf.lines().some((l) => l.endsWith(" - Leafnode compression=true masking=false")),
        leaf.lines().join("\n"),
      );
      await using nh = await client(hub);
      await using nl = await client(leaf);
      const payloads = [randomBytes(200 * KIB), randomBytes(5), randomBytes(70)];
      await cross(nl, nh, "up.nm", payloads);
      await cross(nh, nl, "down.nm", payloads);
    },
  );
}
