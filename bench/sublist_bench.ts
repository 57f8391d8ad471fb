/**
 * @module
 * Micro-benchmarks for the sublist: match on a cache hit, on a cache miss, and insert/remove
 * churn, over 1,000 subscriptions that include `*` and `>` wildcards and queue groups.
 * Run with `deno bench bench/sublist_bench.ts`.
 */

import { Sublist, type SubscriptionLike } from "../server/sublist/sublist.ts";

interface BenchSub extends SubscriptionLike {
  readonly sid: number;
}

const encoder = new TextEncoder();
let sid = 0;
const sub = (subject: string, queue: string | null = null): BenchSub => ({
  subject,
  queue,
  sid: sid++,
});

/** 1,000 subscriptions: literals, `*` and `>` wildcards, and a few queue groups. */
function populated(cache: boolean): Sublist<BenchSub> {
  const sublist = new Sublist<BenchSub>({ cache });
  for (let i = 0; i < 800; i++) sublist.insert(sub(`orders.${i % 40}.item.${i}`));
  for (let i = 0; i < 100; i++) sublist.insert(sub(`orders.${i % 40}.*.${i}`));
  for (let i = 0; i < 60; i++) sublist.insert(sub(`orders.${i}.>`));
  for (let i = 0; i < 30; i++) sublist.insert(sub(`orders.*.item.${i}`, `workers${i % 3}`));
  for (let i = 0; i < 10; i++) sublist.insert(sub(i % 2 === 0 ? ">" : "orders.>"));
  return sublist;
}

/** A PUB control line in a read buffer; the subject sits at [4, 4 + subject length). */
function pubLine(subject: string): { buf: Uint8Array; start: number; end: number } {
  const buf = encoder.encode(`PUB ${subject} 16\r\n`);
  return { buf, start: 4, end: 4 + subject.length };
}

const hitList = populated(true);
const hit = pubLine("orders.7.item.7");
hitList.match(hit.buf, hit.start, hit.end);
let sink = 0;

Deno.bench("sublist match, cache hit (1,000 subs, literal subject)", { group: "match" }, () => {
  sink += hitList.match(hit.buf, hit.start, hit.end).psubs.length;
});

// 65,536 distinct subjects (unique replies, JetStream acks): every match misses. Once the cache
// is half full such subjects are not admitted, so this is hash + lookup + trie walk.
const missSubjects = Array.from({ length: 65536 }, (_, i) => pubLine(`orders.${i % 40}.item.${i}`));
const missList = populated(true);
let missIndex = 0;
Deno.bench("sublist match, cache miss (unique subjects)", { group: "match" }, () => {
  const line = missSubjects[missIndex++ & 65535];
  sink += missList.match(line.buf, line.start, line.end).psubs.length;
});

const noCacheList = populated(false);
let noCacheIndex = 0;
Deno.bench("sublist match, cache disabled (trie walk on bytes)", { group: "match" }, () => {
  const line = missSubjects[noCacheIndex++ & 65535];
  sink += noCacheList.match(line.buf, line.start, line.end).psubs.length;
});

const stringList = populated(true);
stringList.matchString("orders.7.item.7");
Deno.bench("sublist matchString, cache hit", { group: "match" }, () => {
  sink += stringList.matchString("orders.7.item.7").psubs.length;
});

// Churn against a warm cache (256 hot subjects cached).
const churnList = populated(true);
for (let i = 0; i < 256; i++) {
  const line = missSubjects[i];
  churnList.match(line.buf, line.start, line.end);
}
let churnIndex = 0;
Deno.bench("sublist insert + remove, literal subject, warm cache", { group: "churn" }, () => {
  const inbox = sub(`_INBOX.abc.${churnIndex++ & 1023}`);
  churnList.insert(inbox);
  churnList.remove(inbox);
});

Deno.bench("sublist insert + remove, wildcard subject, warm cache", { group: "churn" }, () => {
  const wild = sub(`orders.${churnIndex++ % 40}.*.x`);
  churnList.insert(wild);
  churnList.remove(wild);
});

Deno.bench("sublist insert + remove, queue subscription, warm cache", { group: "churn" }, () => {
  const worker = sub("orders.*.item.1", "workers0");
  churnList.insert(worker);
  churnList.remove(worker);
});
