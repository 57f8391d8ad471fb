/**
 * @module
 * The fault schedules the RAFT simulation tests share (sim_test.ts with memory logs,
 * file/file_sim_test.ts with file logs): network profiles, random chaos phases, and the
 * liveness check after healing. Private to the raft tests.
 */
import assert from "node:assert/strict";
import type { Sim } from "./_sim.ts";

export const CALM = { minDelay: 1, maxDelay: 5, drop: 0, duplicate: 0 };
export const HOSTILE = { minDelay: 1, maxDelay: 40, drop: 0.05, duplicate: 0.05 };

/** Heals everything and waits for a leader and a proposal applied on every node. */
export function assertLive(sim: Sim, budget: number): void {
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
export function chaos(
  sim: Sim,
  duration: number,
  options: { snapshots: boolean; crashes: boolean },
) {
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
