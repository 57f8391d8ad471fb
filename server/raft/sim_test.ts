/**
 * @module
 * RAFT safety and liveness under a hostile simulated network: 3- and 5-node groups over many
 * seeds with delays, drops, duplicates, reordering, partitions, crashes with restarts and
 * snapshots. _sim.ts checks the safety properties after every event; each run then heals the
 * network and requires a leader and a committed proposal on every node within bounded virtual
 * time.
 */
import assert from "node:assert/strict";
import { assertLive, CALM, chaos, HOSTILE } from "./_chaos.ts";
import { Sim } from "./_sim.ts";
import { RaftState } from "./core.ts";

Deno.test("a calm 3-node group elects one leader and applies proposals everywhere in order", () => {
  const sim = new Sim(3, 1, CALM);
  assert.ok(sim.run(20_000, () => sim.leader() !== undefined), "no leader in 20 s");
  const payloads: string[] = [];
  for (let k = 0; k < 20; k++) {
    payloads.push(sim.propose()!);
    sim.run(sim.now + 20);
  }
  assert.ok(sim.run(sim.now + 5000, () => sim.nodes.every((sn) => sn.state.length === 20)));
  for (const sn of sim.nodes) assert.deepEqual(sn.state, payloads);
  assert.equal(sim.nodes.filter((sn) => sn.node.state === RaftState.Leader).length, 1);
});

Deno.test("election timeouts fall in nats-server's 4-9 s and the first leader arrives in time", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const sim = new Sim(3, seed, CALM);
    assert.ok(sim.run(30_000, () => sim.leader() !== undefined));
    assert.ok(sim.now >= 4000, `seed ${seed}: leader at ${sim.now} ms, before 4 s`);
  }
});

for (const size of [3, 5]) {
  Deno.test(`${size}-node groups stay safe under drops, duplicates, reordering and partitions (40 seeds)`, () => {
    const seeds = 40;
    let elections = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const sim = new Sim(size, seed * 7919 + size, HOSTILE);
      try {
        chaos(sim, 60_000, { snapshots: false, crashes: false });
        assertLive(sim, 60_000);
      } catch (e) {
        throw new Error(`seed ${seed}: ${(e as Error).message}`);
      }
      elections += sim.elections;
    }
    // The faults must actually move leadership around for the checks to mean something.
    assert.ok(elections >= seeds * 2, `only ${elections} elections in ${seeds} runs`);
  });

  Deno.test(`${size}-node groups stay safe with crashes, restarts and snapshots (30 seeds)`, () => {
    const seeds = 30;
    let elections = 0;
    let restored = 0;
    let received = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const sim = new Sim(size, seed * 104729 + size, HOSTILE);
      try {
        chaos(sim, 60_000, { snapshots: true, crashes: true });
        assertLive(sim, 60_000);
      } catch (e) {
        throw new Error(`seed ${seed}: ${(e as Error).message}`);
      }
      elections += sim.elections;
      restored += sim.snapshotsRestored;
      received += sim.snapshotsReceived;
    }
    assert.ok(restored > 0, "no node restarted from a snapshot");
    assert.ok(received > 0, "no follower was caught up from a snapshot");
    // The faults must actually move leadership around for the checks to mean something.
    assert.ok(elections >= seeds * 2, `only ${elections} elections in ${seeds} runs`);
  });
}

Deno.test("a 3-node group grows to 5 members, then loses one, under faults (15 seeds)", () => {
  for (let seed = 1; seed <= 15; seed++) {
    const sim = new Sim(3, seed * 31337, HOSTILE);
    try {
      chaos(sim, 20_000, { snapshots: true, crashes: false });
      sim.join("NODE0003");
      chaos(sim, 20_000, { snapshots: true, crashes: false });
      sim.join("NODE0004");
      chaos(sim, 20_000, { snapshots: true, crashes: true });
      assertLive(sim, 60_000);
      assert.ok(
        sim.run(sim.now + 30_000, () => sim.nodes.every((sn) => sn.node.clusterSize === 5)),
        `cluster sizes ${sim.nodes.map((sn) => sn.node.clusterSize)}`,
      );
      const gone = sim.nodes.find((sn) => sn !== sim.leader())!;
      assert.ok(sim.remove(gone.id));
      chaos(sim, 20_000, { snapshots: true, crashes: true });
      assertLive(sim, 60_000);
      const members = sim.nodes.filter((sn) => !sn.retired);
      assert.ok(
        sim.run(sim.now + 30_000, () => members.every((sn) => sn.node.clusterSize === 4)),
        `cluster sizes after removal ${members.map((sn) => sn.node.clusterSize)}`,
      );
    } catch (e) {
      throw new Error(`seed ${seed}: ${(e as Error).message}`);
    }
  }
});
