/**
 * @module
 * Side-by-side request scripts for the JetStream compat tests: a list of steps (a request or a
 * publish, with headers) run against a fresh server of either binary, one masked line per
 * answer, so denats' lines can be compared with nats-server 2.9.10's. A `RESTART` step stops
 * the server (SIGTERM) and starts it again on the same store directory.
 */
import { connect, headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { type SpawnedServer, spawnFromConf } from "../helpers/spawn_server.ts";

/** subject, body, headers: a request (or a publish to a stream subject, answered by a PubAck). */
export type Step = [string, string, Record<string, string>?];

/** The step that restarts the server on the same store. */
export const RESTART: Step = ["RESTART", ""];

/** Timestamps differ between runs: masked. */
export function mask(text: string): string {
  return text
    .replace(/"(created|first_ts|last_ts|time)":"[^"]*"/g, '"$1":"T"')
    .replace(/Nats-Time-Stamp=\S+/g, "Nats-Time-Stamp=T");
}

/** Options of {@link runSteps}. */
export interface RunOptions {
  /** Connect as this user (password = user name). */
  user?: string;
  /** More lines inside the `jetstream {}` block. */
  jsExtra?: string;
  /** More config after the `jetstream {}` block (accounts...). */
  conf?: string;
  /** Steps nobody answers (waited for briefly). */
  silent?: (step: Step) => boolean;
}

/** Runs `steps` against a fresh server; one line per answer (`RESTART` steps give none). */
export async function runSteps(
  binary: string,
  steps: Step[],
  opts: RunOptions = {},
): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "denats_jsc_" });
  const conf = `jetstream {\n  store_dir: ${JSON.stringify(dir)}\n  ${opts.jsExtra ?? ""}\n}\n${
    opts.conf ?? ""
  }`;
  const start = async (): Promise<[SpawnedServer, NatsConnection]> => {
    const server = await spawnFromConf(binary, conf, { timeoutMs: 10_000 });
    const user = opts.user || undefined;
    return [server, await connect({ port: server.port, user, pass: user })];
  };
  let [server, nc] = await start();
  const out: string[] = [];
  try {
    for (const step of steps) {
      const [subject, body, hdrs] = step;
      if (step === RESTART) {
        await nc.close();
        await server.close("SIGTERM");
        [server, nc] = await start();
        continue;
      }
      let h;
      if (hdrs) {
        h = natsHeaders();
        for (const [k, v] of Object.entries(hdrs)) h.set(k, v);
      }
      try {
        const m = await nc.request(subject, body, {
          timeout: opts.silent?.(step) ? 300 : 3000,
          headers: h,
        });
        let status = "";
        if (m.headers) {
          const keys = [...m.headers.keys()].map((k) => `${k}=${m.headers!.get(k)}`);
          status = `[${m.headers.code} ${m.headers.description}] ${keys.join(" ")} `;
        }
        out.push(mask(`${subject} ${body.slice(0, 80)} => ${status}${m.string()}`));
      } catch (err) {
        out.push(`${subject} ${body.slice(0, 80)} => ${(err as Error).name}`);
      }
    }
  } finally {
    await nc.close();
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return out;
}
