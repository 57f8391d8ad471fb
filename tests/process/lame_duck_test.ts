/**
 * @module
 * Lame duck mode as a process contract, side by side with nats-server 2.9.10: `--signal
 * ldm=<pid>` / SIGUSR2 stop accepting, protocol-1 clients get an INFO with `"ldm":true`, the
 * clients are closed one by one after the grace period (spread over `lame_duck_duration`, at
 * most 1s apart), SIGTERM is ignored meanwhile, and the process exits 0. nats-server refuses a
 * `lame_duck_duration` under 30s, so the scenario uses 30s with a 500ms grace period: three
 * clients then close about 0.5s, 1-2s and 1.5-3s after lame duck mode starts. Runs real processes.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { INFO_LINE, RawClient } from "../helpers/raw_client.ts";
import { compare, normalizeLine, run, ServerProcess, waitFor } from "./_proc.ts";

const CONF = 'port: -1\nlame_duck_duration: "30s"\nlame_duck_grace_period: "500ms"\n';

async function refused(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return false;
  } catch {
    return true;
  }
}

Deno.test("--signal ldm=<pid>: ldm INFO, no new clients, staggered closes, SIGTERM ignored, exit 0", async () => {
  const seen = await compare(async (bin, dir) => {
    const conf = dir.write("ldm.conf", CONF);
    await using proc = await ServerProcess.start(bin, ["-c", conf]);
    const port = await proc.clientPort();
    const address = { host: "127.0.0.1", port };
    await using a = await RawClient.open(address, { protocol: 1 });
    await using b = await RawClient.open(address, { protocol: 1 });
    await using old = await RawClient.open(address, { protocol: 0 });
    const from = proc.lines().length;
    const start = performance.now();
    deepStrictEqual(await run(bin.path, ["--signal", `ldm=${proc.pid}`]), {
      code: 0,
      stdout: "",
      stderr: "",
    });
    const closedAt = (c: RawClient) =>
      c.expectClosed(5000).then((rest) => ({ rest, at: performance.now() }));
    const infoA = JSON.parse((await a.expect(INFO_LINE, 3000))[1]);
    const infoB = JSON.parse((await b.expect(INFO_LINE, 3000))[1]);
    const closes = Promise.all([closedAt(a), closedAt(b), closedAt(old)]);
    await proc.waitForLine(/Entering lame duck mode/, 3000, from);
    const noNewClients = await waitFor(() => refused(port), 2000, "listener closed");
    proc.signal("SIGTERM");
    const ends = await closes;
    const status = await proc.waitExit(10_000);
    const times = ends.map((e) => e.at - start).sort((x, y) => x - y);
    ok(times[0] >= 450, `first close after the grace period: ${times.map(Math.round)}`);
    for (let i = 1; i < times.length; i++) {
      const gap = times[i] - times[i - 1];
      ok(
        gap >= 400 && gap < 1400,
        `closes spread si/2..si apart (si=1s): ${times.map(Math.round)}`,
      );
    }
    return {
      infoKeys: Object.keys(infoA).sort(),
      ldm: [infoA.ldm, infoB.ldm],
      ids: [infoA.client_id === infoB.client_id, typeof infoA.client_id],
      // The first server PING (2s after CONNECT) may land before a close; it is not at issue.
      leftovers: ends.map((e) => e.rest.replaceAll("PING\r\n", "")),
      noNewClients,
      exitCode: status.code,
      logs: proc.lines().slice(from).map(normalizeLine).filter((l) => !l.includes("[DBG]")),
    };
  });
  deepStrictEqual(seen, {
    infoKeys: [
      "client_id",
      "client_ip",
      "go",
      "headers",
      "host",
      "ldm",
      "max_payload",
      "port",
      "proto",
      "server_id",
      "server_name",
      "version",
    ],
    ldm: [true, true],
    ids: [false, "number"],
    leftovers: ["", "", ""],
    noNewClients: true,
    exitCode: 0,
    logs: [
      "[PID] [INF] Entering lame duck mode, stop accepting new clients",
      "[PID] [INF] Closing existing clients",
      "[PID] [INF] Initiating Shutdown...",
      "[PID] [INF] Server Exiting..",
    ],
  });
});

Deno.test("SIGUSR2 with no client connected shuts down at once and exits 0", async () => {
  const seen = await compare(async (bin, dir) => {
    const conf = dir.write("ldm.conf", CONF);
    await using proc = await ServerProcess.start(bin, ["-c", conf]);
    const from = proc.lines().length;
    const start = performance.now();
    proc.signal("SIGUSR2");
    const status = await proc.waitExit(5000);
    strictEqual(performance.now() - start < 400, true, "no grace period without clients");
    return {
      exitCode: status.code,
      logs: proc.lines().slice(from).map(normalizeLine),
    };
  });
  deepStrictEqual(seen, {
    exitCode: 0,
    logs: [
      "[PID] [INF] Entering lame duck mode, stop accepting new clients",
      "[PID] [INF] Initiating Shutdown...",
      "[PID] [INF] Server Exiting..",
    ],
  });
});
