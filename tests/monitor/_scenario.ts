/**
 * @module
 * The monitoring scenario shared by the denats e2e tests and the nats-server compat test:
 * three raw-protocol clients (alpha subscribes, beta publishes, gamma subscribes and leaves),
 * plus helpers to compare JSON shapes. Runs in the test isolate.
 */
import { RawClient } from "../helpers/raw_client.ts";
import { waitFor } from "../helpers/poll.ts";
import { monitorJson, type MonitorTarget } from "./_targets.ts";

/** The clients left open by {@link runScenario}. */
export interface ScenarioClients {
  alpha: RawClient;
  beta: RawClient;
  [Symbol.asyncDispose](): Promise<void>;
}

interface ConnzLike {
  connections: { cid: number; name?: string }[] | null;
}

/**
 * alpha (user "bob") subscribes to `foo` and to `bar.*` in queue `q1` with an auto-unsubscribe
 * after 5; beta publishes `hello` to foo and `abc` to bar.x and subscribes to `baz`; gamma
 * subscribes to `zzz` and disconnects. Returns once gamma shows as closed.
 */
export async function runScenario(t: MonitorTarget): Promise<ScenarioClients> {
  const alpha = await RawClient.open(t, {
    name: "alpha",
    lang: "deno",
    version: "1.0",
    user: "bob",
  });
  await alpha.send("SUB foo 1\r\nSUB bar.* q1 2\r\nUNSUB 2 5\r\n");
  await alpha.flush();
  const beta = await RawClient.open(t, { name: "beta", lang: "go", version: "2.0" });
  await beta.send("PUB foo 5\r\nhello\r\nPUB bar.x 3\r\nabc\r\nSUB baz 9\r\n");
  await beta.flush();
  await alpha.expectMsg();
  await alpha.expectMsg();
  await alpha.flush();
  const gamma = await RawClient.open(t, { name: "gamma" });
  await gamma.send("SUB zzz 1\r\n");
  await gamma.flush();
  await gamma.close();
  await waitFor(
    async () => {
      const z = await monitorJson<ConnzLike>(t, "/connz?state=closed");
      return z.connections?.some((c) => c.name === "gamma");
    },
    3000,
    "gamma to show as closed",
  );
  return {
    alpha,
    beta,
    async [Symbol.asyncDispose]() {
      await alpha.close();
      await beta.close();
    },
  };
}

/** JSON type name as the compat test compares it. */
function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/**
 * The shape of a JSON value: objects map keys to shapes, arrays list element shapes,
 * primitives become their type name.
 */
export function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shapeOf);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) {
      out[key] = shapeOf((v as Record<string, unknown>)[key]);
    }
    return out;
  }
  return typeName(v);
}

/**
 * Replaces connection ids by their rank among all cids found (1, 2, ...) so two servers that
 * number connections differently compare equal.
 */
export function normalizeCids(v: unknown): unknown {
  const cids = new Set<number>();
  const collect = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(collect);
    else if (x !== null && typeof x === "object") {
      for (const [k, val] of Object.entries(x)) {
        if (k === "cid" && typeof val === "number") cids.add(val);
        else collect(val);
      }
    }
  };
  collect(v);
  const rank = new Map([...cids].sort((a, b) => a - b).map((c, i) => [c, i + 1]));
  const map = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(map);
    if (x !== null && typeof x === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(x)) {
        out[k] = k === "cid" && typeof val === "number" ? rank.get(val) : map(val);
      }
      return out;
    }
    return x;
  };
  return map(v);
}

/** Copies `v` without the keys in `drop` (at any depth). */
export function withoutKeys(v: unknown, drop: readonly string[]): unknown {
  if (Array.isArray(v)) return v.map((x) => withoutKeys(x, drop));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      if (!drop.includes(k)) out[k] = withoutKeys(val, drop);
    }
    return out;
  }
  return v;
}
