/**
 * @module
 * Tests for the generic remote-interest table: entries in the account sublists with their
 * owner and weight, what each change reports, and removal of everything an owner holds.
 */
import assert from "node:assert/strict";
import { Account } from "../accounts/account.ts";
import { Kind, type Receiver } from "../routing/receiver.ts";
import { InterestChange, RemoteInterest } from "./remote_interest.ts";

const enc = new TextEncoder();

function owner(cid: number, kind: Kind = Kind.Route): Receiver {
  return { cid, closed: false, kind, receive: () => true };
}

function match(account: Account, subject: string) {
  const bytes = enc.encode(subject);
  return account.sublist.match(bytes, 0, bytes.length);
}

Deno.test("an added entry is a sublist entry owned by its receiver, with its weight", () => {
  const table = new RemoteInterest();
  const account = new Account("$G");
  const route = owner(1);
  const plain = table.add(route, account, "$G a.*", "a.*", undefined, null, undefined, 1);
  const queue = table.add(route, account, "$G a.b q", "a.b", undefined, "q", enc.encode("q"), 3);
  assert.equal(table.size, 2);
  assert.equal(table.sizeOf(route), 2);
  assert.equal(table.get(route, "$G a.b q"), queue);
  const r = match(account, "a.b");
  assert.deepEqual(r.psubs, [plain]);
  assert.deepEqual(r.qsubs, [[queue]]);
  assert.equal(r.qsubs[0][0].owner, route);
  assert.equal(r.qsubs[0][0].weight, 3);
  assert.deepEqual([...queue.queueBytes], [...enc.encode("q")]);
  assert.equal(plain.queueBytes.length, 0, "plain interest names no queue");
  assert.deepEqual(Object.keys(plain), Object.keys(queue), "every entry has the same fields");
});

Deno.test("weights: set keeps the entry, adding down to zero removes it", () => {
  const table = new RemoteInterest();
  const account = new Account("$G");
  const peer = owner(-2, Kind.Peer);
  const e = table.add(peer, account, "svc q", "svc", undefined, "q", undefined, 2);
  assert.equal(table.setWeight(e, 0), 2, "returns the previous weight");
  assert.equal(table.size, 1, "a weight of 0 is held");
  assert.equal(table.setWeight(e, 5), 0);
  assert.equal(table.addWeight(e, -1), InterestChange.Weight);
  assert.equal(e.weight, 4);
  assert.equal(table.addWeight(e, -4), InterestChange.Removed);
  assert.equal(table.size, 0);
  assert.equal(table.get(peer, "svc q"), undefined);
  assert.equal(match(account, "svc").qsubs.length, 0);
});

Deno.test("removing an entry twice, or one never held, reports false", () => {
  const table = new RemoteInterest();
  const account = new Account("$G");
  const route = owner(1);
  const e = table.add(route, account, "$G x", "x", undefined, null, undefined, 1);
  assert.equal(table.remove(e), true);
  assert.equal(table.remove(e), false);
  assert.equal(table.size, 0);
  assert.equal(account.sublist.count, 0);
});

Deno.test("an invalid subject is refused and nothing is held", () => {
  const table = new RemoteInterest();
  const account = new Account("$G");
  assert.throws(() =>
    table.add(owner(1), account, "$G a..b", "a..b", undefined, null, undefined, 1)
  );
  assert.equal(table.size, 0);
  assert.equal(table.get(owner(1), "$G a..b"), undefined);
  assert.equal([...table.entries()].length, 0);
});

Deno.test("the same key held by two owners makes two entries", () => {
  const table = new RemoteInterest();
  const account = new Account("$G");
  const [a, b] = [owner(1), owner(2)];
  table.add(a, account, "$G foo", "foo", undefined, null, undefined, 1);
  table.add(b, account, "$G foo", "foo", undefined, null, undefined, 1);
  assert.equal(table.size, 2);
  assert.equal(match(account, "foo").psubs.length, 2);
  assert.deepEqual([...table.entries(a)].map((e) => e.owner), [a]);
});

Deno.test("removing an owner drops its entries in every account, in the order added", () => {
  const table = new RemoteInterest();
  const [g, other] = [new Account("$G"), new Account("OTHER")];
  const [a, b] = [owner(1), owner(2)];
  table.add(a, g, "$G x", "x", undefined, null, undefined, 1);
  table.add(a, other, "OTHER y", "y", undefined, "q", undefined, 2);
  table.add(b, g, "$G x", "x", undefined, null, undefined, 1);
  table.add(a, g, "$G z", "z", undefined, null, undefined, 1);
  const removed = table.removeOwner(a);
  assert.deepEqual(removed.map((e) => e.key), ["$G x", "OTHER y", "$G z"]);
  assert.equal(table.size, 1);
  assert.equal(table.sizeOf(a), 0);
  assert.equal(other.sublist.count, 0);
  assert.deepEqual(match(g, "x").psubs.map((e) => e.owner), [b]);
  assert.equal(match(g, "z").psubs.length, 0);
  assert.deepEqual(table.removeOwner(a), [], "nothing left");
});
