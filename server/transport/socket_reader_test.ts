/**
 * @module
 * Tests for pull reads over a push socket with back-pressure.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { HIGH_WATER, SocketReader } from "./socket_reader.ts";

class FakeSocket extends EventEmitter {
  paused = false;
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
}

Deno.test("SocketReader copies chunks across read boundaries", async () => {
  const s = new FakeSocket();
  const r = new SocketReader(s);
  s.emit("data", new Uint8Array([1, 2, 3]));
  s.emit("data", new Uint8Array([4, 5]));
  const buf = new Uint8Array(4);
  assert.equal(await r.read(buf), 4);
  assert.deepEqual([...buf], [1, 2, 3, 4]);
  assert.equal(await r.read(buf), 1);
  assert.equal(buf[0], 5);
  const pending = r.read(buf);
  s.emit("end");
  assert.equal(await pending, null);
});

Deno.test("SocketReader pauses the socket above the high-water mark and resumes when drained", async () => {
  const s = new FakeSocket();
  const r = new SocketReader(s);
  s.emit("data", new Uint8Array(HIGH_WATER + 1));
  assert.equal(s.paused, true);
  const buf = new Uint8Array(HIGH_WATER);
  await r.read(buf);
  assert.equal(s.paused, false);
});

Deno.test("SocketReader rejects a pending read on a socket error", async () => {
  const s = new FakeSocket();
  const r = new SocketReader(s);
  const pending = r.read(new Uint8Array(8));
  s.emit("error", new Error("boom"));
  await assert.rejects(pending, /boom/);
});
