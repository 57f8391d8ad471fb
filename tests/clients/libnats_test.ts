/**
 * @module
 * The official C client (libnats, Debian `libnats-dev`) against denats: `libnats_client.c` is
 * compiled with gcc and run against denats and, when installed, nats-server 2.9.10; it prints one
 * line per result (core pub/sub with headers, request/reply, a queue group, JetStream publish with
 * de-duplication and an expected-sequence refusal, a durable pull consumer, a KV bucket) and both
 * servers must give the same lines. Skipped visibly without gcc or libnats.
 */
import assert from "node:assert/strict";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const SOURCE = new URL("./libnats_client.c", import.meta.url).pathname;

/** Compiles the client; null (with the reason printed) when it cannot be built here. */
async function build(): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "denats_libnats_" });
  const out = `${dir}/libnats_client`;
  try {
    const r = await new Deno.Command("gcc", {
      args: ["-O1", "-o", out, SOURCE, "-lnats"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (r.success) return out;
    console.warn(
      `tests/clients/libnats_test.ts: cannot build the libnats client (apt-get install gcc libnats-dev); skipped\n${
        new TextDecoder().decode(r.stderr).slice(0, 300)
      }`,
    );
  } catch {
    console.warn("tests/clients/libnats_test.ts: gcc not found; skipped");
  }
  return null;
}

/** Runs the client against a fresh JetStream server of `binary`; its lines and exit code. */
async function session(binary: string, client: string): Promise<{ code: number; lines: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "denats_libnats_js_" });
  await using server = await spawnFromConf(
    binary,
    `jetstream { store_dir: ${JSON.stringify(dir)} }`,
    { timeoutMs: 10_000 },
  );
  try {
    const r = await new Deno.Command(client, {
      args: [`nats://127.0.0.1:${server.port}`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const lines = new TextDecoder().decode(r.stdout).trimEnd().split("\n");
    return { code: r.code, lines };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("libnats (C client): core, JetStream and KV as with nats-server", async () => {
  const client = await build();
  if (client === null) return;
  try {
    const ours = await session(DENATS, client);
    assert.equal(ours.code, 0, ours.lines.join("\n"));
    for (
      const line of [
        "core: c.one hello X-Test=yes",
        "queue: 20 of 20 delivered once",
        "puback id: seq=6 dup=1",
        "expected last seq 3: status=Error jerr=10071",
        "fetched total: 6",
        "kv update with a stale revision: Error",
        "kv get deleted: Not Found",
        "kv history: green rev=4",
      ]
    ) assert.ok(ours.lines.includes(line), `${line}\n${ours.lines.join("\n")}`);
    if (!natsServerAvailable()) {
      console.warn("tests/clients/libnats_test.ts: nats-server not found; denats checked alone");
      return;
    }
    const theirs = await session(natsServerBinary(), client);
    assert.equal(theirs.code, 0, theirs.lines.join("\n"));
    assert.deepEqual(ours.lines, theirs.lines);
  } finally {
    await Deno.remove(client.slice(0, client.lastIndexOf("/")), { recursive: true }).catch(
      () => {},
    );
  }
});
