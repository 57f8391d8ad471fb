/**
 * @module
 * Configured plus discovered URL sets and their picking order.
 */
import assert from "node:assert/strict";
import { LinkUrls, PickOrder } from "./link_urls.ts";

const u = (host: string, port: number) => ({ url: `nats://${host}:${port}`, host, port });

Deno.test("LinkUrls rotates through configured then discovered URLs", () => {
  const urls = new LinkUrls([u("a", 1), u("b", 2)], PickOrder.Rotate);
  assert.ok(urls.addDiscovered(u("c", 3)));
  const picks = Array.from({ length: 4 }, () => urls.pick(() => 0).host);
  assert.deepEqual(picks, ["a", "b", "c", "a"]);
});

Deno.test("LinkUrls picks at random with the injected source", () => {
  const urls = new LinkUrls([u("a", 1), u("b", 2)], PickOrder.Random);
  urls.addDiscovered(u("c", 3));
  assert.equal(urls.pick(() => 0).host, "a");
  assert.equal(urls.pick(() => 0.5).host, "b");
  assert.equal(urls.pick(() => 0.99).host, "c");
});

Deno.test("LinkUrls ignores known URLs (host case-insensitive) and forgets discovered ones", () => {
  const urls = new LinkUrls([u("a", 1)], PickOrder.Rotate);
  assert.equal(urls.addDiscovered(u("A", 1)), false);
  assert.ok(urls.addDiscovered(u("b", 2)));
  assert.equal(urls.addDiscovered(u("b", 2)), false);
  assert.equal(urls.size, 2);
  assert.equal(urls.removeDiscovered(u("a", 1)), false, "configured URLs stay");
  assert.ok(urls.removeDiscovered(u("b", 2)));
  assert.deepEqual(urls.all().map((x) => x.host), ["a"]);
  assert.throws(() => new LinkUrls([], PickOrder.Random).pick(Math.random), /no URL/);
});

Deno.test("LinkUrls gives every URL once per round: shuffled, or in rotation from the next one", () => {
  const random = new LinkUrls([u("a", 1), u("b", 2)], PickOrder.Random);
  random.addDiscovered(u("c", 3));
  const round = random.round(() => 0);
  assert.deepEqual(round.map((x) => x.host).sort(), ["a", "b", "c"]);
  assert.deepEqual(round.map((x) => x.host), ["b", "c", "a"], "Fisher-Yates with 0 draws");
  const rotate = new LinkUrls([u("a", 1), u("b", 2), u("c", 3)], PickOrder.Rotate);
  rotate.pick(Math.random);
  assert.deepEqual(rotate.round(Math.random).map((x) => x.host), ["b", "c", "a"]);
  assert.deepEqual(new LinkUrls([], PickOrder.Random).round(Math.random), []);
});
