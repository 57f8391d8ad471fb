/**
 * @module
 * A full disk under a file stream: the store directory sits on a 2 MiB tmpfs while
 * `max_file_store` allows far more, so the writes themselves fail (ENOSPC). Every publish is
 * answered: acked ones with a sequence, the rest with error 10077 (`write <block file>: no space
 * left on device`), none left waiting; a refused message is forgotten (the stream holds exactly
 * the acknowledged ones, its id may be sent again); a memory stream keeps serving meanwhile;
 * after a SIGKILL every acknowledged message is still there; a purge frees the space and
 * publishing resumes. nats-server 2.9.10 is not
 * compared: on a full disk it stops answering that stream's publishes (and its other requests)
 * and does not exit on SIGTERM. Needs permission to mount a tmpfs (root): skipped visibly without.
 */
import assert from "node:assert/strict";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { type SpawnedServer, spawnFromConf } from "../helpers/spawn_server.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;

function run(cmd: string, ...args: string[]): boolean {
  try {
    return new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

/** A fresh 2 MiB tmpfs, or null when this process may not mount one. */
function tinyDisk(): string | null {
  const dir = Deno.makeTempDirSync({ prefix: "denats_fulldisk_" });
  if (run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir)) return dir;
  Deno.removeSync(dir);
  return null;
}

/** The fields these answers have (PubAck, stream info, purge, msg get). */
interface Answer {
  error?: { code: number; err_code: number; description: string };
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  success?: boolean;
  state?: { messages: number; first_seq: number; last_seq: number };
  message?: { seq: number };
}

async function request(
  nc: NatsConnection,
  subject: string,
  body = "",
  msgId = "",
): Promise<Answer> {
  const h = headers();
  if (msgId !== "") h.set("Nats-Msg-Id", msgId);
  const m = await nc.request(subject, body, { timeout: 5000, headers: h });
  return m.json<Answer>();
}

Deno.test("a full disk: publishes answered with 10077, other streams serve, acked data kept", async (t) => {
  const disk = tinyDisk();
  if (disk === null) {
    console.warn(
      "tests/jetstream/full_disk_test.ts: cannot mount a tmpfs here (not root?); skipped",
    );
    return;
  }
  const conf = `jetstream { store_dir: ${JSON.stringify(`${disk}/sd`)}, max_file_store: 100MB }`;
  let server: SpawnedServer | null = null;
  try {
    server = await spawnFromConf(DENATS, conf, { timeoutMs: 10_000 });
    let nc = await connect({ port: server.port });
    const file = { name: "F", subjects: ["f"], storage: "file" };
    assert.equal(
      (await request(nc, "$JS.API.STREAM.CREATE.F", JSON.stringify(file))).error,
      undefined,
    );
    const mem = { name: "M", subjects: ["m"], storage: "memory" };
    assert.equal(
      (await request(nc, "$JS.API.STREAM.CREATE.M", JSON.stringify(mem))).error,
      undefined,
    );

    const body = "x".repeat(16 * 1024);
    let acked = 0;
    let failure: Answer | null = null;
    for (let i = 0; i < 400 && failure === null; i++) {
      const ack = await request(nc, "f", body, `id-${i}`);
      if (ack.error) failure = ack;
      else {
        acked++;
        assert.equal(ack.seq, acked);
      }
    }
    await t.step("the first failed publish is a store error, not a timeout", () => {
      assert.ok(acked > 50, `acked ${acked}`);
      assert.ok(failure?.error, "the disk never filled");
      assert.equal(failure.error.err_code, 10077);
      assert.equal(failure.error.code, 503);
      // Go's *PathError text for the block file, as nats-server words a failed store.
      assert.match(failure.error.description, /^write \/.+: no space left on device$/);
      assert.equal(failure.stream, "F");
    });
    await t.step("other streams and the API keep serving", async () => {
      assert.deepEqual(await request(nc, "m", "hello"), { stream: "M", seq: 1 });
      // The failed message was forgotten: the stream holds exactly the acknowledged ones.
      const info = await request(nc, "$JS.API.STREAM.INFO.F");
      assert.equal(info.state?.last_seq, acked);
      assert.equal(info.state?.messages, acked);
      const again = await request(nc, "f", body, `id-${acked}`);
      assert.equal(again.error?.err_code, 10077, JSON.stringify(again));
    });
    await t.step("every acknowledged message survives a SIGKILL", async () => {
      await nc.close();
      await server!.close("SIGKILL");
      server = await spawnFromConf(DENATS, conf, { timeoutMs: 10_000 });
      nc = await connect({ port: server.port });
      const info = await request(nc, "$JS.API.STREAM.INFO.F");
      assert.equal(info.state?.first_seq, 1);
      assert.equal(info.state?.last_seq, acked);
      assert.equal(info.state?.messages, acked);
      const last = await request(nc, "$JS.API.STREAM.MSG.GET.F", JSON.stringify({ seq: acked }));
      assert.equal(last.message?.seq, acked);
    });
    await t.step("a purge frees the space; the failed id is not a duplicate", async () => {
      const purged = await request(nc, "$JS.API.STREAM.PURGE.F");
      assert.equal(purged.success, true);
      const ack = await request(nc, "f", body, `id-${acked}`);
      assert.equal(ack.error, undefined, JSON.stringify(ack));
      assert.equal(ack.duplicate, undefined);
      assert.equal(ack.seq, acked + 1);
    });
    await nc.close();
  } finally {
    await server?.close("SIGKILL");
    run("umount", disk);
    await Deno.remove(disk, { recursive: true }).catch(() => {});
  }
});
