/**
 * @module
 * Command-line options of the cluster benchmark (cluster.ts): defaults, parsing (`1.5m`, `5k`
 * style numbers) and the usage text. Runs in the benchmark's `deno run -A` process.
 */

const ROOT = new URL("..", import.meta.url).pathname;

/** The benchmark's settings, from the command line. */
export interface Options {
  rounds: number;
  n: number; // messages per pub/sub scenario
  reqs: number; // timed round trips
  warmup: number; // untimed round trips
  cap: number; // seconds: publishing (and timed reqrep) stops after this
  drain: number; // seconds subscribers may lag behind the final PONG
  only: string[] | null;
  denats: string;
  natsServer: string;
  /**
   * How A and B are joined: a route, a gateway (two clusters), A a leaf node of hub B (`leaf`),
   * or B a leaf node of hub A (`hub`).
   */
  topology: Topology;
}

/** The links the benchmark can put between server A and server B. */
export const TOPOLOGIES = ["route", "gateway", "leaf", "hub"] as const;
/** One of {@link TOPOLOGIES}. */
export type Topology = typeof TOPOLOGIES[number];

/** Reads the command line; bad options print the usage and exit with status 2. */
export function parseArgs(args: string[]): Options {
  const o: Options = {
    rounds: 3,
    n: 1_500_000,
    reqs: 5_000,
    warmup: 500,
    cap: 5,
    drain: 15,
    only: null,
    denats: `${ROOT}bin/denats`,
    natsServer: "/usr/sbin/nats-server",
    topology: "route",
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = () => {
      const x = args[++i];
      if (x === undefined) usage(`${a} needs a value`);
      return x;
    };
    const num = () => {
      const x = v().toLowerCase();
      const m = /^(\d+(?:\.\d+)?)([km]?)$/.exec(x);
      if (!m) usage(`${a}: not a number: ${x}`);
      return Number(m![1]) * (m![2] === "k" ? 1e3 : m![2] === "m" ? 1e6 : 1);
    };
    switch (a) {
      case "--rounds":
        o.rounds = num();
        break;
      case "--n":
      case "-n":
        o.n = num();
        break;
      case "--reqs":
        o.reqs = num();
        break;
      case "--warmup":
        o.warmup = num();
        break;
      case "--cap":
        o.cap = num();
        break;
      case "--drain":
        o.drain = num();
        break;
      case "--only":
        o.only = v().split(",");
        break;
      case "--denats":
        o.denats = v();
        break;
      case "--nats-server":
        o.natsServer = v();
        break;
      case "--topology": {
        const t = v() as Topology;
        if (!TOPOLOGIES.includes(t)) usage(`--topology: one of ${TOPOLOGIES.join(", ")}`);
        o.topology = t;
        break;
      }
      case "-h":
      case "--help":
        usage();
        break;
      default:
        usage(`unknown option ${a}`);
    }
  }
  return o;
}

/** Prints the usage (after `err`, if given) and exits: status 2 on an error, else 0. */
export function usage(err?: string): never {
  if (err) console.error(`cluster_bench: ${err}`);
  console.error(
    "usage: bench/cluster.sh [--rounds 3] [--n 1500000] [--reqs 5000] [--warmup 500] [--cap 5]\n" +
      "                              [--drain 15] [--only pubsub16,pubsub128,fanout16,fanout128,reqrep]\n" +
      "                              [--denats bin/denats] [--nats-server /usr/sbin/nats-server]\n" +
      "                              [--topology route|gateway|leaf|hub]",
  );
  Deno.exit(err ? 2 : 0);
}
