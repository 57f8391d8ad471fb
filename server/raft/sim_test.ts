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
    return probes.some((p) => sim.nodes.every((_, i) => sim.applied(i, p)));
  });
  assert.ok(ok, `no progress within ${budget} ms after healing (probes ${probes})`);
  sim.checkLogMatching();
}

/** Random faults for `duration` virtual ms, proposals every ~100ms. */
function chaos(sim: Sim, duration: number, options: { snapshots: boolean; crashes: boolean }) {
  const end = sim.now + duration;
  const n = sim.nodes.length;
  while (sim.now < end) {
    const r = sim.random();
    if (r < 0.15) {
      // Partition: isolate one node, or split off a minority.
      sim.side.fill(0);
      const k = sim.random() < 0.5 ? 1 : Math.floor(n / 2);
      for (let j = 0; j < k; j++) sim.side[Math.floor(sim.random() * n)] = 1;
    } else if (r < 0.25) {
      sim.side.fill(0);
    } else if (r < 0.30) {
      // Isolate the leader.
      const leader = sim.leader();
      if (leader) {
        sim.side.fill(0);
        sim.side[sim.nodes.indexOf(leader)] = 1;
      }
    } else if (options.crashes && r < 0.34) {
      const up = sim.nodes.filter((sn) => sn.up).length;
      const i = Math.floor(sim.random() * n);
      if (sim.nodes[i].up && up > Math.floor(n / 2) + 1) sim.crash(i);
      else if (!sim.nodes[i].up) sim.restart(i);
    } else if (options.snapshots && r < 0.42) {
      sim.snapshot(Math.floor(sim.random() * n));
    }
    const slice = sim.now + 500 + sim.random() * 2500;
    while (sim.now < slice && sim.now < end) {
      sim.propose();
      sim.run(Math.min(slice, sim.now + 50 + sim.random() * 100));
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
    for (let seed = 1; seed <= 40; seed++) {
      const sim = new Sim(size, seed * 7919 + size, HOSTILE);
      try {
        chaos(sim, 60_000, { snapshots: false, crashes: false });
        assertLive(sim, 60_000);
      } catch (e) {
        throw new Error(`seed ${seed}: ${(e as Error).message}`);
      }
    }
  });

  Deno.test(`${size}-node groups stay safe with crashes, restarts and snapshots (30 seeds)`, () => {
    for (let seed = 1; seed <= 30; seed++) {
      const sim = new Sim(size, seed * 104729 + size, HOSTILE);
      try {
        chaos(sim, 60_000, { snapshots: true, crashes: true });
        assertLive(sim, 60_000);
      } catch (e) {
        throw new Error(`seed ${seed}: ${(e as Error).message}`);
      }
    }
  });
}
