/**
 * RAFT groups over real routes: three denats servers in one cluster each run a member of group
 * `HOSTTEST` in their system account, its log in files; a leader is elected, proposals made on
 * any member commit on all three in the same order, and when the leader's server stops the other
 * two elect a new leader and keep committing; the stopped server comes back with its log from
 * disk and catches up. Timings are shortened (elections 300-600 ms) to keep it quick.
 */
import assert from "node:assert/strict";
import { InternalConnection, InternalKind } from "../../internal/internal_connection.ts";
import { nodeId, RaftNode, RaftState } from "../../raft/mod.ts";
import { FileLog } from "../../raft/file/file_log.ts";
import { EntryType } from "../../raft/wire.ts";
import { disposeAll, InProcessNode, waitForMesh } from "../../../tests/cluster/_cluster.ts";
import { waitFor } from "../../../tests/helpers/poll.ts";
import { RaftHost } from "./raft_host.ts";

const NAMES = ["raft-h1", "raft-h2", "raft-h3"];
const TIMING = { minElection: 300, maxElection: 600, heartbeat: 100, lostQuorum: 1500 };
const dec = new TextDecoder();

interface Member {
  name: string;
  node: InProcessNode;
  host: RaftHost;
  applied: string[];
}

function member(name: string, node: InProcessNode, dir: string): Member {
  const server = node.handle.server;
  const sys = server.account("$SYS");
  assert.ok(sys, "the system account");
  const conn = new InternalConnection(server, sys, { kind: InternalKind.System, name: "raft" });
  const applied: string[] = [];
  const raft = new RaftNode({
    group: "HOSTTEST",
    id: nodeId(name),
    peers: NAMES.map(nodeId),
    log: new FileLog(`${dir}/${name}`),
    random: Math.random,
    timing: TIMING,
  });
  const host = new RaftHost({
    conn,
    node: raft,
    apply: (_index, entries) => {
      for (const e of entries) if (e.type === EntryType.Normal) applied.push(dec.decode(e.data));
    },
  });
  return { name, node, host, applied };
}

function leaders(members: Member[]): Member[] {
  return members.filter((m) => m.host.node.state === RaftState.Leader);
}

Deno.test("RAFT over routes: election, replication, fail-over, a member back from disk", async () => {
  const nodes: InProcessNode[] = [];
  const members: Member[] = [];
  const dir = await Deno.makeTempDir({ prefix: "denats_raft_host_" });
  try {
    const first = await InProcessNode.start(NAMES[0], {
      cluster: { name: "raft", listen: "127.0.0.1:-1" },
    });
    nodes.push(first);
    for (const name of NAMES.slice(1)) {
      nodes.push(
        await InProcessNode.start(name, {
          cluster: {
            name: "raft",
            listen: "127.0.0.1:-1",
            routes: [`nats://127.0.0.1:${first.clusterPort}`],
          },
        }),
      );
    }
    await waitForMesh(nodes);
    for (let i = 0; i < 3; i++) members.push(member(NAMES[i], nodes[i], dir));
    for (const m of members) m.host.start();

    await waitFor(() => leaders(members).length === 1, 10_000, "a leader");
    const leader = leaders(members)[0];
    // Every member knows it.
    const leaderId = leader.host.node.id;
    await waitFor(() => members.every((m) => m.host.node.leader === leaderId), 5000, "known");

    // Proposals from the leader and from followers (forwarded) commit everywhere in order.
    const followers = members.filter((m) => m !== leader);
    leader.host.propose(new TextEncoder().encode("one"));
    await waitFor(() => members.every((m) => m.applied.length === 1), 5000, "one applied");
    followers[0].host.propose(new TextEncoder().encode("two"));
    await waitFor(() => members.every((m) => m.applied.length === 2), 5000, "two applied");
    followers[1].host.propose(new TextEncoder().encode("three"));
    await waitFor(() => members.every((m) => m.applied.length === 3), 5000, "three applied");
    for (const m of members) assert.deepEqual(m.applied, ["one", "two", "three"], m.name);

    // The leader's server goes away: the other two elect a new leader and keep committing.
    const oldTerm = leader.host.node.term;
    leader.host.stop();
    await leader.node.stop();
    const rest = members.filter((m) => m !== leader);
    await waitFor(() => leaders(rest).length === 1, 10_000, "a new leader");
    // Proposed on the new leader: a follower may still know the stopped one for a moment.
    leaders(rest)[0].host.propose(new TextEncoder().encode("four"));
    await waitFor(() => rest.every((m) => m.applied.length === 4), 5000, "four applied");
    for (const m of rest) assert.deepEqual(m.applied, ["one", "two", "three", "four"], m.name);
    assert.ok(rest.every((m) => m.host.node.term > oldTerm), "a later term");

    // The stopped server starts again: its member reopens its log and catches up.
    const again = await InProcessNode.start(leader.name, {
      cluster: {
        name: "raft",
        listen: "127.0.0.1:-1",
        routes: [`nats://127.0.0.1:${rest[0].node.clusterPort}`],
      },
    });
    nodes.push(again);
    await waitForMesh([again, rest[0].node, rest[1].node]);
    const back = member(leader.name, again, dir);
    members.push(back);
    assert.equal(back.host.node.lastIndex >= 3, true, "entries read back from disk");
    back.host.start();
    leaders(rest)[0].host.propose(new TextEncoder().encode("five"));
    await waitFor(
      () => [back, ...rest].every((m) => m.host.node.appliedIndex === rest[0].host.node.commit),
      10_000,
      "caught up",
    );
    await waitFor(() => back.applied.includes("five"), 5000, "five on the returning member");
    assert.deepEqual(back.applied, ["one", "two", "three", "four", "five"]);
  } finally {
    for (const m of members) m.host.stop();
    await disposeAll(nodes);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
