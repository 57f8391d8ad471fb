/**
 * @module
 * RAFT subjects, node ids, inboxes and group names.
 */
import assert from "node:assert/strict";
import {
  appendSubject,
  consumerGroupName,
  newCatchupInbox,
  newReplyInbox,
  nodeId,
  proposalSubject,
  removePeerSubject,
  streamGroupName,
  voteSubject,
} from "./subjects.ts";
import { gatewayHash } from "../links/gateway/gateway_hash.ts";

Deno.test("node ids are getHash of the server name: 8 base-62 chars, the gateway hash extended", () => {
  const id = nodeId("NA3BVKIVLHZBOL56PORVCFNXPX24PWH2NCUP7NJISV4FY3ORZ6F3LQB5");
  assert.match(id, /^[0-9A-Za-z]{8}$/);
  // getHashSize(name, 6) and getHashSize(name, 8) share their first 6 characters.
  assert.equal(id.slice(0, 6), "92oepg");
  assert.equal(nodeId("B").slice(0, 6), gatewayHash("B"));
  assert.equal(nodeId("S1"), nodeId("S1"));
  assert.notEqual(nodeId("S1"), nodeId("S2"));
});

Deno.test("a group's subjects are $NRG.V, $NRG.AE, $NRG.P and $NRG.RP with its name", () => {
  assert.equal(voteSubject("_meta_"), "$NRG.V._meta_");
  assert.equal(appendSubject("S-R3F-abcdefgh"), "$NRG.AE.S-R3F-abcdefgh");
  assert.equal(proposalSubject("G"), "$NRG.P.G");
  assert.equal(removePeerSubject("G"), "$NRG.RP.G");
});

Deno.test("reply and catch-up inboxes carry 8 base-62 digits of a random number", () => {
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const reply = newReplyInbox(random);
  const catchup = newCatchupInbox(random);
  assert.match(reply, /^\$NRG\.R\.[0-9A-Za-z]{8}$/);
  assert.match(catchup, /^\$NRG\.CR\.[0-9A-Za-z]{8}$/);
  assert.notEqual(reply.slice(7), catchup.slice(8));
  assert.equal(newReplyInbox(() => 0), "$NRG.R.00000000");
});

Deno.test("stream and consumer group names are <S|C>-R<n><F|M>-<hash>", () => {
  assert.match(streamGroupName(3, "F", "NUID1"), /^S-R3F-[0-9A-Za-z]{8}$/);
  assert.match(consumerGroupName(1, "M", "NUID2"), /^C-R1M-[0-9A-Za-z]{8}$/);
  assert.equal(streamGroupName(3, "F", "X").slice(6), nodeId("X"));
});
