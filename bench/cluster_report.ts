/**
 * @module
 * Results and reporting of the cluster benchmark (cluster.ts): what a scenario run measured,
 * number formatting, the client's own CPU share, and the final table of medians. Runs in the
 * benchmark's `deno run -A` process.
 */

import { procStat } from "./cluster_servers.ts";

/** What one scenario run measured. */
export interface Result {
  msgsPerSec?: number; // per subscriber, delivered
  p50?: number; // µs
  p99?: number; // µs
  cpuA: number;
  cpuB: number;
  rssA: number;
  rssB: number;
  detail: string;
}

/** CPU of this (client) process since `c0`, in percent of one core over `secs`. */
export function clientPct(c0: number, secs: number): string {
  return ((procStat(Deno.pid).cpu - c0) / secs * 100).toFixed(0);
}

/** A rate rounded to a whole number, with thousands separators. */
export function fmtRate(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Prints the medians of all rounds as a markdown table: one row a metric of each scenario, with
 * the denats / nats-server ratio. `results` maps scenario name, then server kind, to its runs.
 */
export function printSummary(
  scenarios: readonly { name: string; label: string }[],
  results: Map<string, Map<string, Result[]>>,
  rounds: number,
  started: number,
): void {
  const rows: string[][] = [["scenario", "metric", "denats", "nats-server", "denats/nats-server"]];
  const num = (x: number, d = 0) =>
    x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  for (const sc of scenarios) {
    const per = results.get(sc.name);
    const d = per?.get("denats") ?? [];
    const n = per?.get("nats-server") ?? [];
    const line = (metric: string, f: (r: Result) => number, fmt: (x: number) => string) => {
      const md = d.length ? median(d.map(f)) : NaN;
      const mn = n.length ? median(n.map(f)) : NaN;
      rows.push([
        sc.label,
        metric,
        fmt(md),
        fmt(mn),
        Number.isFinite(md / mn) ? (md / mn).toFixed(2) : "-",
      ]);
    };
    if (sc.name === "reqrep") {
      line("p50 latency µs", (r) => r.p50!, (x) => num(x));
      line("p99 latency µs", (r) => r.p99!, (x) => num(x));
    } else {
      line("msgs/s (per sub)", (r) => r.msgsPerSec!, (x) => num(x));
    }
    line("CPU s, server A", (r) => r.cpuA, (x) => num(x, 2));
    line("CPU s, server B", (r) => r.cpuB, (x) => num(x, 2));
    line("peak RSS MB, A", (r) => r.rssA / 1e6, (x) => num(x, 0));
    line("peak RSS MB, B", (r) => r.rssB / 1e6, (x) => num(x, 0));
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(
    `\nmedians of ${rounds} rounds (${((performance.now() - started) / 1000).toFixed(0)} s):\n`,
  );
  rows.forEach((r, k) => {
    console.log(`| ${r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ")} |`);
    if (k === 0) {
      console.log(
        `|${w.map((x, i) => (i < 2 ? "-".repeat(x + 2) : "-".repeat(x + 1) + ":")).join("|")}|`,
      );
    }
  });
}
