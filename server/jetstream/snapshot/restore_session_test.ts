/**
 * @module
 * A restore upload against a scripted connection: acks per chunk, the archive handed over at
 * the empty chunk and the answer sent to its reply, a chunk without a reply (no answer), a total
 * the server cannot hold (`insufficient resources`), and the inactivity end.
 */
import assert from "node:assert/strict";
import type { InternalConnection, InternalMsg } from "../../internal/internal_connection.ts";
import { RestoreSession } from "./restore_session.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function fakeConn() {
  const published: [string, string][] = [];
  let handler: ((m: InternalMsg) => void) | null = null;
  const conn = {
    closed: false,
    subscribe(_s: string, h: (m: InternalMsg) => void) {
      handler = h;
      return { unsubscribe: () => (handler = null) };
    },
    *subscriptions() {
      if (handler) yield { unsubscribe: () => (handler = null) };
    },
    publish(subject: string, data: Uint8Array | string) {
      published.push([subject, typeof data === "string" ? data : dec.decode(data)]);
      return true;
    },
    close() {
      conn.closed = true;
    },
  };
  const send = (data: string, reply: string) =>
    handler?.({ subject: "R", reply, data: enc.encode(data) } as unknown as InternalMsg);
  return { conn, published, send, listening: () => handler !== null };
}

type Result = { archive: Uint8Array } | { error: unknown };

function session(limit = Infinity, inactivityMs = 5000) {
  const f = fakeConn();
  const results: [Result, number][] = [];
  let closed = 0;
  let done!: () => void;
  const over = new Promise<void>((r) => done = r);
  new RestoreSession({
    conn: f.conn as unknown as InternalConnection,
    subject: "R",
    account: "A",
    stream: "S",
    inactivityMs,
    wouldExceedLimits: (total) => total > limit,
    warn: () => {},
    closed: () => {
      closed++;
      done();
    },
    finish: (result, total) => {
      results.push([result, total]);
      return Promise.resolve({ type: "t", ok: "error" in result ? "no" : "yes" });
    },
  });
  return { ...f, results, closedCount: () => closed, over };
}

Deno.test("restore session: acks, the archive at the empty chunk, the answer to its reply", async () => {
  const s = session();
  s.send("abc", "r1");
  s.send("de", "r2");
  s.send("", "end");
  await s.over;
  assert.deepEqual(s.published, [["r1", ""], ["r2", ""], ["end", '{"type":"t","ok":"yes"}']]);
  const [[result, total]] = s.results;
  assert.equal(dec.decode((result as { archive: Uint8Array }).archive), "abcde");
  assert.equal(total, 5);
  assert.ok(s.conn.closed && !s.listening());
  assert.equal(s.closedCount(), 1);
});

Deno.test("restore session: a chunk without a reply ends it with no answer", async () => {
  const s = session();
  s.send("abc", "");
  await s.over;
  assert.deepEqual(s.published, []);
  const err = (s.results[0][0] as { error: Error }).error;
  assert.equal(
    err.message,
    "restore for stream 'A > S' requires reply subject for each chunk",
  );
});

Deno.test("restore session: more than the server can hold answers insufficient resources", async () => {
  const s = session(4);
  s.send("abc", "r1");
  s.send("de", "r2");
  s.send("more", "r3"); // ignored: the session is over
  await s.over;
  assert.deepEqual(s.results[0][0], {
    error: { code: 503, err_code: 10023, description: "insufficient resources" },
  });
  assert.deepEqual(s.published, [["r1", ""], ["r2", '{"type":"t","ok":"no"}']]);
});

Deno.test("restore session: no chunk within the inactivity limit ends it silently", async () => {
  const s = session(Infinity, 50);
  s.send("abc", "r1");
  // The session's timer is unref'd (it never holds a stopping server): keep the test alive.
  let keep: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([s.over, new Promise((r) => keep = setTimeout(r, 2000))]);
  clearTimeout(keep);
  assert.equal(s.closedCount(), 1);
  assert.deepEqual(s.results, []);
  assert.deepEqual(s.published, [["r1", ""]]);
  assert.ok(s.conn.closed);
});
