/**
 * @module
 * The leafnode handshake on the wire, against raw sockets (nats-server leafnode.go): a hub that
 * never answers the CONNECT gets `-ERR 'Stale Leaf Node Connection - Closing'` after 2 s; a
 * remote pointed at a client port closes with `attempted to connect to wrong port`; the
 * leaf's CONNECT and LS+ lines; PING answered with PONG; a client on the leafnode port is
 * refused. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { DenatsNode, freePort, OPTS, TempDir, waitFor } from "./_leaf.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A raw peer: what it read so far, and a way to wait for a pattern. */
class Raw {
  text = "";
  readonly conn: Deno.Conn;
  #buf = new Uint8Array(65536);
  constructor(conn: Deno.Conn) {
    this.conn = conn;
  }
  async until(re: RegExp, timeoutMs = 5000): Promise<void> {
    await waitFor(
      async () => {
        if (re.test(this.text)) return true;
        const n = await this.conn.read(this.#buf);
        if (n === null) return true;
        this.text += dec.decode(this.#buf.subarray(0, n));
        return re.test(this.text);
      },
      timeoutMs,
      String(re),
    );
    assert.match(this.text, re);
  }
  send(text: string): Promise<number> {
    return this.conn.write(enc.encode(text));
  }
}

function hubInfo(port: number, extra = ""): string {
  return `INFO {"server_id":"NFAKEHUB","server_name":"fake","version":"2.9.10","proto":1,` +
    `"go":"go1.19.4","host":"127.0.0.1","port":${port},"headers":true,"auth_required":true,` +
    `"max_payload":1048576,"client_id":7,"nonce":"abc","info_on_connect":true,` +
    `"leafnode_urls":["127.0.0.1:${port}"]${extra}}\r\n`;
}

Deno.test(
  "a hub that never answers CONNECT gets 'Stale Leaf Node Connection - Closing'",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    const port = freePort();
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    try {
      await using _leaf = await DenatsNode.start(dir, {
        name: "leaf",
        remotes: [`url: "nats-leaf://u:p@127.0.0.1:${port}"`],
      });
      const raw = new Raw(await listener.accept());
      try {
        await raw.send(hubInfo(port));
        await raw.until(
          /^CONNECT \{"version":"2\.9\.10","user":"u","pass":"p","tls_required":false,"server_id":"N[A-Z0-9]+","name":"leaf","cluster":"leaf","headers":true\}\r\n/,
        );
        const started = Date.now();
        await raw.until(/-ERR 'Stale Leaf Node Connection - Closing'\r\n/, 4000);
        assert(Date.now() - started >= 1500, "after the 2 s connect-process timeout");
      } finally {
        raw.conn.close();
      }
    } finally {
      listener.close();
    }
  },
);

Deno.test("the leaf's interest, PING/PONG, and LMSG delivery on the wire", OPTS, async () => {
  await using dir = await TempDir.create();
  const port = freePort();
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://127.0.0.1:${port}"`],
    });
    const raw = new Raw(await listener.accept());
    try {
      await raw.send(hubInfo(port));
      await raw.until(/CONNECT \{/);
      await raw.send(hubInfo(port, ',"connect_info":true,"remote_account":"$G"'));
      await raw.until(/LS\+ \$LDS\.[A-Za-z0-9]+\r\n/);
      const { connect } = await import("@nats-io/transport-node");
      const nc = await connect({ port: leaf.clientPort });
      try {
        const got: string[] = [];
        nc.subscribe("wire.a", { callback: (_e, m) => void got.push(m.string()) });
        nc.subscribe("wire.q", { queue: "g", callback: () => {} });
        await nc.flush();
        await raw.until(/LS\+ wire\.a\r\n/);
        await raw.until(/LS\+ wire\.q g 1\r\n/);
        await raw.send("PING\r\n");
        await raw.until(/PONG\r\n/);
        await raw.send("LS+ up.x\r\nLMSG wire.a 2\r\nhi\r\n");
        await waitFor(() => got.length === 1, 3000, "LMSG delivered");
        assert.deepEqual(got, ["hi"]);
        nc.publish("up.x", "yo", { reply: "r.1" });
        await nc.flush();
        await raw.until(/LMSG up\.x r\.1 2\r\nyo\r\n/);
      } finally {
        await nc.close();
      }
    } finally {
      raw.conn.close();
    }
  } finally {
    listener.close();
  }
});

Deno.test(
  "a remote pointed at a client port closes with 'attempted to connect to wrong port'",
  OPTS,
  async () => {
    await using dir = await TempDir.create();
    await using hub = await DenatsNode.start(dir, { name: "hub" });
    await using leaf = await DenatsNode.start(dir, {
      name: "leaf",
      remotes: [`url: "nats-leaf://127.0.0.1:${hub.clientPort}"`],
    });
    await waitFor(
      () => leaf.lines().some((l) => /lid:\d+ - attempted to connect to wrong port$/.test(l)),
      5000,
      "wrong port logged",
    );
    assert(
      leaf.lines().some((l) => /Leafnode connection closed: Incorrect Port account: \$G$/.test(l)),
    );
  },
);

Deno.test("a client on the leafnode port is refused", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, { name: "hub", leafPort });
  const raw = new Raw(await Deno.connect({ hostname: "127.0.0.1", port: leafPort }));
  try {
    await raw.until(/^INFO /);
    await raw.send('CONNECT {"lang":"go","version":"1.0","verbose":false}\r\n');
    await raw.until(/-ERR 'attempted to connect to leaf node port'\r\n/);
  } finally {
    raw.conn.close();
  }
  assert(hub.lines().some((l) => l.endsWith("- attempted to connect to leaf node port")));
});

Deno.test("a leaf older than min_version is told so, then closed", OPTS, async () => {
  await using dir = await TempDir.create();
  const leafPort = freePort();
  await using hub = await DenatsNode.start(dir, {
    name: "hub",
    leafPort,
    leafExtra: ['min_version: "2.9.0"'],
  });
  const raw = new Raw(await Deno.connect({ hostname: "127.0.0.1", port: leafPort }));
  try {
    await raw.until(/^INFO /);
    await raw.send('CONNECT {"version":"2.8.4","name":"old"}\r\n');
    await raw.until(
      /"connect_info":true.*\r\n-ERR 'connection rejected since minimum version required is "2\.9\.0"'\r\n/s,
    );
  } finally {
    raw.conn.close();
  }
  assert.equal(await hub.leafCount(), 0);
});
