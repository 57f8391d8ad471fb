/**
 * @module
 * Tests for a route's interest (route.go processRemoteSub/processRemoteUnsub): RS+ entries in
 * the account sublists owned by the route, refusals (unknown account, not exported), queue
 * weight updates, RS- and the route closing, and what the mesh listener is told.
 */
import assert from "node:assert/strict";
import { Account } from "../../accounts/account.ts";
import { ClientPermissions } from "../../client/permissions.ts";
import type { RemoteEntry } from "../../interest/remote_interest.ts";
import { Kind, type Receiver } from "../../routing/receiver.ts";
import { parseRouteSub, parseRouteUnsub, type RouteSubArgs } from "./route_protocol.ts";
import { meshWeight, RemoteSubRefusal, RouteSubs } from "./route_subs.ts";

const enc = new TextEncoder();
const route: Receiver = { cid: 7, closed: false, kind: Kind.Route, receive: () => true };

function rsPlus(args: string): RouteSubArgs {
  const r = parseRouteSub(enc.encode(args), false);
  if (typeof r === "string") throw new Error(r);
  return r;
}

function rsMinusKey(args: string): string {
  const r = parseRouteUnsub(enc.encode(args));
  if (typeof r === "string") throw new Error(r);
  return r.key;
}

function setup(permissions: ClientPermissions | null = null) {
  const accounts = new Map([["$G", new Account("$G")], ["B", new Account("B")]]);
  const told: string[] = [];
  const subs = new RouteSubs(
    route,
    (name) => accounts.get(name) ?? null,
    permissions,
    (account: Account, sub: RemoteEntry, delta: number) =>
      told.push(`${account.name} ${sub.subject} ${sub.queue ?? "-"} ${delta}`),
  );
  return { accounts, told, subs };
}

Deno.test("RS+ puts an entry owned by the route in the account sublist; RS- removes it", () => {
  const { accounts, told, subs } = setup();
  assert.equal(subs.add(rsPlus("$G foo")), null);
  assert.equal(subs.add(rsPlus("$G foo")), null, "again: nothing changes");
  const g = accounts.get("$G")!;
  const r = g.sublist.match(enc.encode("foo"), 0, 3);
  assert.equal(r.psubs.length, 1);
  assert.equal(r.psubs[0].owner, route);
  assert.equal(subs.size, 1);
  assert.deepEqual([...subs.values()].map((s) => [s.account.name, s.subject, s.key]), [
    ["$G", "foo", "$G foo"],
  ]);
  subs.remove(rsMinusKey("$G foo"));
  subs.remove(rsMinusKey("$G foo"));
  assert.equal(subs.size, 0);
  assert.equal(g.sublist.count, 0);
  assert.deepEqual(told, ["$G foo - 1", "$G foo - -1"]);
});

Deno.test("RS+ again for a queue updates its weight and tells the mesh the difference", () => {
  const { accounts, told, subs } = setup();
  subs.add(rsPlus("$G svc workers 2"));
  subs.add(rsPlus("$G svc workers 5"));
  subs.add(rsPlus("$G svc workers 0"));
  const entry = [...subs.values()][0];
  assert.equal(entry.weight, 0, "a weight of 0 is held");
  assert.equal(meshWeight(entry), 1, "but stands for one member in the mesh");
  assert.deepEqual([...entry.queueBytes], [...enc.encode("workers")]);
  const group = accounts.get("$G")!.sublist.match(enc.encode("svc"), 0, 3).qsubs[0];
  assert.equal(group[0], entry);
  assert.deepEqual(told, ["$G svc workers 2", "$G svc workers 3", "$G svc workers -4"]);
});

Deno.test("RS+ for an unknown account or a subject not exported is refused", () => {
  const perms = new ClientPermissions({ subscribe: { allow: ["ok.>"] } });
  const { told, subs } = setup(perms);
  assert.equal(subs.add(rsPlus("NOPE ok.x")), RemoteSubRefusal.UnknownAccount);
  assert.equal(subs.add(rsPlus("$G secret")), RemoteSubRefusal.NotExported);
  assert.equal(subs.add(rsPlus("$G ok.x")), null);
  assert.equal(subs.size, 1);
  assert.deepEqual(told, ["$G ok.x - 1"]);
});

Deno.test("an invalid RS+ subject throws and leaves nothing behind", () => {
  const { told, subs } = setup();
  assert.throws(() => subs.add(rsPlus("$G a..b")));
  assert.equal(subs.size, 0);
  assert.deepEqual(told, []);
});

Deno.test("a closing route drops everything and counts it per account, in order of appearance", () => {
  const { accounts, told, subs } = setup();
  subs.add(rsPlus("$G a"));
  subs.add(rsPlus("B b q 3"));
  subs.add(rsPlus("$G c"));
  told.length = 0;
  assert.deepEqual([...subs.clear()], [["$G", 2], ["B", 1]]);
  assert.equal(subs.size, 0);
  assert.equal(accounts.get("$G")!.sublist.count, 0);
  assert.equal(accounts.get("B")!.sublist.count, 0);
  assert.deepEqual(told, ["$G a - -1", "$G c - -1", "B b q -3"]);
  assert.deepEqual([...subs.clear()], []);
});
