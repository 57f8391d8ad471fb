/**
 * @module
 * Tests for the replicated interest of mesh peers: weights and their transitions, interest
 * applied from decoded SUB/UNSUB records, peer removal, and delivery through the fan-out (one
 * copy per peer, queue groups chosen by weight over local and remote members).
 */

import assert from "node:assert/strict";
import { Account } from "../accounts/account.ts";
import { InterestChange } from "../interest/remote_interest.ts";
import { decodeInterest, encodeInterest, FrameKind, InterestView } from "../ipc/frames.ts";
import type { RingPeer } from "../ipc/peer.ts";
import { OpFields } from "../protocol/sink.ts";
import { FanOut } from "../routing/fan_out.ts";
import { Kind, type Receiver, type SublistEntry } from "../routing/receiver.ts";
import { MeshInterest } from "./mesh_interest.ts";
import { PeerReceiver } from "./peer_receiver.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function subject(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A mesh of fake peers around one account: what each peer is sent, per message. */
class Mesh {
  readonly account = new Account("$G");
  readonly interest = new MeshInterest(this.account);
  readonly #peers = new Map<number, PeerReceiver>();
  /** `peer:queue,queue` for every PUB record sent since the last {@link deliver}. */
  #sent: string[] = [];
  #random: () => number = Math.random;
  readonly fanOut = new FanOut(() => this.#random());

  peer(id: number): PeerReceiver {
    let receiver = this.#peers.get(id);
    if (receiver === undefined) {
      const sent = (queues: readonly Uint8Array[] | null, count: number) => {
        const names = (queues ?? []).slice(0, count).map((q) => decoder.decode(q));
        this.#sent.push(`${id}:${names.sort().join(",")}`);
      };
      const ring = {
        id,
        sendAccount: () => {},
        sendPub: (_a: number, _op: unknown, q: Uint8Array[] | null, n: number) => sent(q, n),
        flush: () => {},
        close: () => {},
      };
      receiver = new PeerReceiver(ring as unknown as RingPeer, () => {}, this.fanOut);
      this.#peers.set(id, receiver);
    }
    return receiver;
  }

  /** Publishes on `text` from a local client; returns the copies sent to peers, sorted. */
  deliver(text: string, random: () => number = Math.random): string[] {
    this.#random = random;
    this.#sent = [];
    const op = new OpFields();
    op.argBuf = subject(text);
    op.subjectEnd = op.argBuf.length;
    this.fanOut.deliver(Kind.Client, this.account, op, null, null);
    return this.#sent.sort();
  }
}

/** A local queue member (weight 1) counting what it receives. */
class LocalMember implements Receiver {
  readonly cid = 1;
  readonly closed = false;
  readonly kind = Kind.Client;
  received = 0;

  receive(): boolean {
    this.received++;
    return true;
  }
}

function addLocalMembers(mesh: Mesh, text: string, queue: string, n: number): LocalMember {
  const member = new LocalMember();
  for (let i = 0; i < n; i++) {
    const entry: SublistEntry = { owner: member, subject: text, queue, weight: 1 };
    mesh.account.sublist.insert(entry);
  }
  return member;
}

/** A generator of fixed "random" numbers, cycling. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

Deno.test("interest weights add up and the entry goes when they reach zero", () => {
  const mesh = new Mesh();
  const table = mesh.interest;
  const p1 = mesh.peer(1);
  assert.equal(table.add(p1, "orders.*"), InterestChange.Added);
  assert.equal(table.add(p1, "orders.*", null, 2), InterestChange.Weight);
  assert.equal(table.weightOf(p1, "orders.*"), 3);
  assert.equal(table.count, 1);
  assert.equal(table.remove(p1, "orders.*", null, 2), InterestChange.Weight);
  assert.equal(table.remove(p1, "orders.*"), InterestChange.Removed);
  assert.equal(table.count, 0);
  assert.equal(table.weightOf(p1, "orders.*"), 0);
  assert.equal(table.remove(p1, "orders.*"), InterestChange.Weight, "removing absent interest");
  assert.deepEqual(mesh.deliver("orders.new"), []);
});

Deno.test("the same subject held by two peers and in two queues makes separate entries", () => {
  const mesh = new Mesh();
  const table = mesh.interest;
  const [p1, p2] = [mesh.peer(1), mesh.peer(2)];
  table.add(p1, "a.b");
  table.add(p2, "a.b");
  table.add(p1, "a.b", "q1", 2);
  table.add(p1, "a.b", "q2");
  assert.equal(table.count, 4);
  assert.equal(table.weightOf(p1, "a.b", "q1"), 2);
  assert.equal(table.weightOf(p2, "a.b", "q1"), 0);
  assert.equal(table.entries(p1).length, 3);
  assert.equal(table.entries().length, 4);
  assert.equal(mesh.account.sublist.match(subject("a.b"), 0, 3).psubs.length, 2);
  assert.equal(mesh.account.sublist.match(subject("a.b"), 0, 3).qsubs.length, 2);
});

Deno.test("each peer with plain interest gets one copy however many subjects match", () => {
  const mesh = new Mesh();
  const table = mesh.interest;
  table.add(mesh.peer(1), "orders.*");
  table.add(mesh.peer(1), "orders.>");
  table.add(mesh.peer(1), "orders.new", null, 5);
  table.add(mesh.peer(3), ">");
  table.add(mesh.peer(2), "other");
  assert.deepEqual(mesh.deliver("orders.new"), ["1:", "3:"]);
  assert.deepEqual(mesh.deliver("other"), ["2:", "3:"]);
  assert.deepEqual(mesh.deliver("none.here"), ["3:"]);
});

Deno.test("a queue group goes to one remote member chosen by weight", () => {
  const mesh = new Mesh();
  mesh.interest.add(mesh.peer(1), "svc", "workers", 1);
  mesh.interest.add(mesh.peer(2), "svc", "workers", 3);
  // Total weight 4: [0, 0.25) picks peer 1, [0.25, 1) peer 2.
  assert.deepEqual(mesh.deliver("svc", () => 0.1), ["1:workers"]);
  assert.deepEqual(mesh.deliver("svc", () => 0.3), ["2:workers"]);
  assert.deepEqual(mesh.deliver("svc", () => 0.999), ["2:workers"]);
  const counts = new Map<string, number>();
  const random = sequence(...Array.from({ length: 1000 }, (_, i) => i / 1000));
  for (let i = 0; i < 1000; i++) {
    const sent = mesh.deliver("svc", random);
    assert.equal(sent.length, 1);
    counts.set(sent[0], (counts.get(sent[0]) ?? 0) + 1);
  }
  assert.deepEqual([counts.get("1:workers"), counts.get("2:workers")], [250, 750]);
});

Deno.test("a peer with plain interest and a won queue group gets one copy naming the group", () => {
  const mesh = new Mesh();
  const table = mesh.interest;
  table.add(mesh.peer(4), "svc.>");
  table.add(mesh.peer(4), "svc.*", "workers");
  table.add(mesh.peer(4), "svc.a", "audit");
  table.add(mesh.peer(5), "svc.a", "audit", 3);
  assert.deepEqual(mesh.deliver("svc.a", () => 0), ["4:audit,workers"]);
  assert.deepEqual(mesh.deliver("svc.a", () => 0.9), ["4:workers", "5:audit"]);
});

Deno.test("local queue members compete with remote ones, one weight each", () => {
  const mesh = new Mesh();
  addLocalMembers(mesh, "svc", "other", 1);
  const local = addLocalMembers(mesh, "svc", "workers", 2);
  mesh.interest.add(mesh.peer(1), "svc", "workers", 2);
  // Total weight 4: [0, 0.5) is local (2 members), [0.5, 1) goes to peer 1.
  assert.deepEqual(mesh.deliver("svc", () => 0.49), []);
  assert.equal(local.received, 1);
  assert.deepEqual(mesh.deliver("svc", () => 0.5), ["1:workers"]);
  assert.equal(local.received, 1, "the local group is skipped");
  mesh.deliver("svc", () => 0.1);
  assert.equal(local.received, 2, "chosen again per message");
});

Deno.test("queue groups only held locally stay local", () => {
  const mesh = new Mesh();
  mesh.interest.add(mesh.peer(1), "svc");
  const local = addLocalMembers(mesh, "svc", "workers", 1);
  assert.deepEqual(mesh.deliver("svc", () => 0.99), ["1:"]);
  assert.equal(local.received, 1);
});

Deno.test("removing a peer drops all its interest and only its interest", () => {
  const mesh = new Mesh();
  const table = mesh.interest;
  table.add(mesh.peer(1), "a.*");
  table.add(mesh.peer(1), "b", "q", 4);
  table.add(mesh.peer(2), "a.*");
  assert.equal(table.removeOwner(mesh.peer(1)).length, 2);
  assert.equal(table.removeOwner(mesh.peer(1)).length, 0);
  assert.equal(table.count, 1);
  assert.deepEqual(mesh.deliver("a.x"), ["2:"]);
  assert.deepEqual(mesh.deliver("b"), []);
});

Deno.test("peers with large ids get their copy", () => {
  const mesh = new Mesh();
  mesh.interest.add(mesh.peer(1000), "x");
  mesh.interest.add(mesh.peer(3), "x");
  assert.deepEqual(mesh.deliver("x"), ["1000:", "3:"]);
  assert.deepEqual(mesh.deliver("x"), ["1000:", "3:"], "again");
});

function applyRecord(
  mesh: Mesh,
  peer: number,
  kind: typeof FrameKind.Sub | typeof FrameKind.Unsub,
  subjectBytes: Uint8Array,
  queue: string,
  weight: number,
): InterestChange {
  const queueBytes = encoder.encode(queue);
  const out = new Uint8Array(64 + subjectBytes.length + queueBytes.length);
  const end = encodeInterest(out, 3, {
    kind,
    account: 0,
    weight,
    subjectBuf: subjectBytes,
    subjectStart: 0,
    subjectEnd: subjectBytes.length,
    queueBuf: queueBytes,
    queueStart: 0,
    queueEnd: queueBytes.length,
  });
  return mesh.interest.apply(mesh.peer(peer), decodeInterest(out, 3, end, new InterestView()));
}

Deno.test("interest records from the ring apply weights like the string API", () => {
  const mesh = new Mesh();
  const table = mesh.interest;
  assert.equal(applyRecord(mesh, 7, FrameKind.Sub, subject("svc.*"), "workers", 3), 1);
  assert.equal(applyRecord(mesh, 7, FrameKind.Sub, subject("svc.*"), "workers", 1), 0);
  assert.equal(table.weightOf(mesh.peer(7), "svc.*", "workers"), 4);
  assert.deepEqual(mesh.deliver("svc.x"), ["7:workers"]);
  assert.equal(applyRecord(mesh, 7, FrameKind.Unsub, subject("svc.*"), "workers", 4), -1);
  assert.equal(table.count, 0);
  assert.equal(applyRecord(mesh, 7, FrameKind.Unsub, subject("svc.*"), "", 1), 0);
});

Deno.test("non-ASCII and non-UTF-8 subjects from the ring match their bytes", () => {
  const mesh = new Mesh();
  const sublist = mesh.account.sublist;
  applyRecord(mesh, 1, FrameKind.Sub, subject("prix.é"), "", 1);
  assert.equal(mesh.interest.weightOf(mesh.peer(1), "prix.é"), 1);
  assert.deepEqual(mesh.deliver("prix.é"), ["1:"]);
  const opaque = new Uint8Array([0x61, 0x2e, 0xff, 0xfe]);
  applyRecord(mesh, 2, FrameKind.Sub, opaque, "", 1);
  assert.equal(sublist.match(opaque, 0, opaque.length).psubs.length, 1);
  assert.equal(applyRecord(mesh, 2, FrameKind.Unsub, opaque, "", 1), -1);
  assert.equal(sublist.match(opaque, 0, opaque.length).psubs.length, 0);
});

Deno.test("an invalid subject is refused and leaves nothing behind", () => {
  const mesh = new Mesh();
  assert.throws(() => mesh.interest.add(mesh.peer(1), "a..b"));
  assert.equal(mesh.interest.count, 0);
  assert.equal(mesh.interest.weightOf(mesh.peer(1), "a..b"), 0);
});
