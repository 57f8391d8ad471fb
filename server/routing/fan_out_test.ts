/**
 * @module
 * The fan-out's split horizon and queue choice for leafnodes: the DELIVERY rows of `Leaf` (we
 * are its hub) and `Hub` (it is ours), and queue members of leafnode links used only when no
 * other member takes the message (QUEUE_FALLBACK).
 */
import assert from "node:assert/strict";
import { Account } from "../accounts/account.ts";
import type { MsgOp } from "../protocol/sink.ts";
import { FanOut } from "./fan_out.ts";
import { Kind, mayDeliver, type Receiver, type SublistEntry } from "./receiver.ts";

const enc = new TextEncoder();

function op(subject: string): MsgOp {
  const argBuf = enc.encode(`${subject} 0`);
  return {
    argBuf,
    subjectStart: 0,
    subjectEnd: subject.length,
    replyStart: subject.length,
    replyEnd: subject.length,
    headerSize: -1,
    size: 0,
    sizeStart: subject.length + 1,
    sizeEnd: subject.length + 2,
    headerSizeStart: 0,
    headerSizeEnd: 0,
    payloadBuf: new Uint8Array(0),
    payloadStart: 0,
    payloadEnd: 0,
  } as MsgOp;
}

class Member implements Receiver {
  readonly cid: number;
  readonly kind: Kind;
  closed = false;
  got = 0;
  constructor(cid: number, kind: Kind) {
    this.cid = cid;
    this.kind = kind;
  }
  receive(_e: SublistEntry, _op: MsgOp): boolean {
    if (this.closed) return false;
    this.got++;
    return true;
  }
}

function join(account: Account, member: Member, queue: string | null): SublistEntry {
  const entry: SublistEntry = { owner: member, subject: "work", queue, weight: 1 };
  account.sublist.insert(entry);
  return entry;
}

Deno.test("split horizon: our hub's messages never reach routes, a route's reach our leafs only", () => {
  assert(!mayDeliver(Kind.Hub, Kind.Route));
  assert(mayDeliver(Kind.Leaf, Kind.Route));
  assert(mayDeliver(Kind.Route, Kind.Leaf));
  assert(!mayDeliver(Kind.Route, Kind.Hub));
  assert(mayDeliver(Kind.Hub, Kind.Leaf) && mayDeliver(Kind.Leaf, Kind.Hub));
  assert(mayDeliver(Kind.Client, Kind.Hub) && mayDeliver(Kind.Peer, Kind.Hub));
});

Deno.test("a queue group prefers any local member over leafnode members", () => {
  const account = new Account("$G");
  const fan = new FanOut(() => 0); // the random start is the first member: the leaf
  const leaf = new Member(1, Kind.Hub);
  const local = new Member(2, Kind.Client);
  join(account, leaf, "q");
  const localEntry = join(account, local, "q");
  for (let i = 0; i < 10; i++) fan.deliver(Kind.Client, account, op("work"), null, null);
  assert.deepEqual([local.got, leaf.got], [10, 0]);
  account.sublist.remove(localEntry);
  fan.deliver(Kind.Client, account, op("work"), null, null);
  assert.deepEqual([local.got, leaf.got], [10, 1], "no local member: across the link");
});

Deno.test("a closed local member fails over to a leafnode member", () => {
  const account = new Account("$G");
  const fan = new FanOut(() => 0.99);
  const local = new Member(1, Kind.Client);
  const leaf = new Member(2, Kind.Leaf);
  join(account, local, "q");
  join(account, leaf, "q");
  local.closed = true;
  assert(fan.deliver(Kind.Leaf, account, op("work"), null, null) === true);
  assert.equal(leaf.got, 1);
  // The sender itself is never chosen.
  leaf.got = 0;
  assert.equal(fan.deliver(Kind.Leaf, account, op("work"), leaf, null), false);
  assert.equal(leaf.got, 0);
});
