/**
 * @module
 * RAFT safety and liveness under a hostile simulated network: 3- and 5-node groups over many
 * seeds with delays, drops, duplicates, reordering, partitions, crashes with restarts and
 * snapshots. _sim.ts checks the safety properties after every event; each run then heals the
 * network and requires a leader and a committed proposal on every node within bounded virtual
 * time.
 */
import assert from "node:assert/strict";
import { Sim } from "./_sim.ts";
import { RaftState } from "./core.ts";

const CALM = { minDelay: 1, maxDelay: 5, drop: 0, duplicate: 0 };
const HOSTILE = { minDelay: 1, maxDelay: 40, drop: 0.05, duplicate: 0.05 };

/** Heals everything and waits for a leader and a proposal applied on every node. */
function assertLive(sim: Sim, budget: number): void {
  sim.net = CALM;
  sim.side.fill(0);
  for (let i = 0; i < sim.nodes.length; i++) if (!sim.nodes[i].up) sim.restart(i);
  const deadline = sim.now + budget;
  // A probe proposed on a leader that turns out stale is lost: propose again every 2 s.
  const probes: string[] = [];
  let nextProbe = sim.now;
  const ok = sim.run(deadline, () => {
    if (sim.now >= nextProbe) {
      const p = sim.propose();
      if (p !== undefined) probes.push(p);
      nextProbe = sim.now + 2000;
    }
    return probes.some((p) => sim.nodes.every((sn, i) => sn.retired || sim.applied(i, p)));
  });
  assert.ok(ok, `no progress within ${budget} ms after healing (probes ${probes})`);
  sim.checkLogMatching();
}

/**
 * Random faults for `duration` virtual ms with proposals every 50-150 ms. Each phase lasts 3-15 s
 * (long enough for elections to happen): isolate a node, isolate the leader, split off a
 * minority, have the leader step down (leader transfer), heal, crash or restart a node.
 * Snapshots are taken at random moments; a fifth of proposals are forwarded by followers.
 */
function chaos(sim: Sim, duration: number, options: { snapshots: boolean; crashes: boolean }) {
  const end = sim.now + duration;
  const n = sim.nodes.length;
  const pick = () => Math.floor(sim.random() * n);
  while (sim.now < end) {
    const r = sim.random();
    sim.side.fill(0);
    if (r < 0.3) sim.side[pick()] = 1;
    else if (r < 0.5) {
      const leader = sim.leader();
      if (leader) sim.side[sim.nodes.indexOf(leader)] = 1;
    } else if (r < 0.7) {
      for (let j = 0; j < Math.floor((n - 1) / 2); j++) sim.side[pick()] = 1;
    } else if (r < 0.75) {
      sim.stepDown();
    } else if (options.crashes && r < 0.9) {
      const i = pick();
      const up = sim.nodes.filter((sn) => sn.up).length;
      if (sim.nodes[i].up && up > Math.floor(n / 2) + 1) sim.crash(i);
      else if (!sim.nodes[i].up) sim.restart(i);
    }
    const phaseEnd = Math.min(end, sim.now + 3000 + sim.random() * 12_000);
    while (sim.now < phaseEnd) {
      if (sim.random() < 0.2) sim.forward();
      else sim.propose();
      if (options.snapshots && sim.random() < 0.01) sim.snapshot(pick());
      sim.run(Math.min(phaseEnd, sim.now + 50 + sim.random() * 100));
    }
  }
}

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
