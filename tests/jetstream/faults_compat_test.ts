/**
 * @module
 * JetStream bad input and faults side by side with nats-server 2.9.10 (when installed):
 * malformed, mistyped and oversized API JSON, invalid stream and consumer names, the
 * `max_mem`/`max_file` limits (10028, 10047, and 10023 on publish), a store directory that
 * cannot be created (the fatal line naming the path), and a corrupt stream meta file, a
 * truncated block file and a corrupt or missing consumer meta file at startup: the server keeps
 * serving the other streams, answers the same and logs the same lines (paths, times and hash
 * values masked). Without nats-server denats is checked alone against the expected texts.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn(
    "tests/jetstream/faults_compat_test.ts: nats-server not found; denats checked alone",
  );
}

const BIG = "x".repeat(5000);
const BAD_INPUT: [string, string][] = [
  ["$JS.API.STREAM.CREATE.S", "{"],
  ["$JS.API.STREAM.CREATE.S", "[]"],
  ["$JS.API.STREAM.CREATE.S", '{"name":"S","subjects":"x"}'],
  ["$JS.API.STREAM.CREATE.S", '{"name":"S","max_msgs":"ten"}'],
  ["$JS.API.STREAM.CREATE.S", '{"name":"T"}'],
  ["$JS.API.STREAM.CREATE.S", `{"name":"S","description":"${BIG}"}`],
  ["$JS.API.STREAM.CREATE.a*b", '{"name":"a*b"}'],
  ["$JS.API.STREAM.CREATE.a>b", '{"name":"a>b"}'],
  ["$JS.API.STREAM.CREATE.ab", '{"name":"a b"}'],
  ["$JS.API.STREAM.CREATE." + "N".repeat(300), `{"name":"${"N".repeat(300)}"}`],
  ["$JS.API.STREAM.CREATE.M1", '{"name":"M1","storage":"memory","max_bytes":6000}'],
  ["$JS.API.STREAM.CREATE.M2", '{"name":"M2","storage":"memory","max_bytes":6000}'],
  ["$JS.API.STREAM.CREATE.M3", '{"name":"M3","storage":"memory","max_bytes":20000}'],
  ["$JS.API.STREAM.CREATE.F1", '{"name":"F1","max_bytes":15000}'],
  ["$JS.API.STREAM.CREATE.F2", '{"name":"F2","max_bytes":15000}'],
  ["$JS.API.STREAM.CREATE.F3", '{"name":"F3","subjects":["f3"]}'],
  ["$JS.API.STREAM.UPDATE.M1", '{"name":"M1","storage":"memory","max_bytes":9000}'],
  ["$JS.API.CONSUMER.CREATE.F1", "{"],
  ["$JS.API.CONSUMER.DURABLE.CREATE.F1.ab", '{"stream_name":"F1","config":{"durable_name":"a*b"}}'],
  [
    "$JS.API.CONSUMER.DURABLE.CREATE.F1.a*b",
    '{"stream_name":"F1","config":{"durable_name":"a*b"}}',
  ],
  ["$JS.API.CONSUMER.CREATE.F1", '{"stream_name":"F1","config":{"name":"a b"}}'],
  [
    "$JS.API.CONSUMER.DURABLE.CREATE.F1.D",
    `{"stream_name":"F1","config":{"durable_name":"D","description":"${BIG}"}}`,
  ],
  [
    "$JS.API.CONSUMER.DURABLE.CREATE.F1.D",
    '{"stream_name":"F1","config":{"durable_name":"D","ack_policy":"bogus"}}',
  ],
  ["$JS.API.CONSUMER.DURABLE.CREATE.F1.D", "nope"],
  ["$JS.API.STREAM.INFO.F1", "{"],
  ["$JS.API.STREAM.MSG.GET.F1", "{"],
  ["$JS.API.STREAM.PURGE.F1", "{"],
  ["$JS.API.STREAM.NAMES", "{"],
  ["$JS.API.STREAM.LIST", "{"],
  ["$JS.API.CONSUMER.NAMES.F1", "{"],
  ["$JS.API.CONSUMER.LIST.F1", "{"],
];

const mask = (text: string) =>
  text.replace(/"(created|first_ts|last_ts)":"[^"]*"/g, '"$1":"<time>"');

/** The answers to bad requests, then the PubAcks once file storage runs out. */
async function badInput(binary: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "denats_jsf_" });
  await using s = await spawnFromConf(
    binary,
    `jetstream { store_dir: ${JSON.stringify(dir)}, max_mem: 10000, max_file: 20000 }`,
    { timeoutMs: 10_000 },
  );
  const nc = await connect({ port: s.port });
  const out: string[] = [];
  try {
    for (const [subject, body] of BAD_INPUT) {
      const m = await nc.request(subject, body, { timeout: 5000 });
      out.push(`${subject.slice(0, 40)} ${body.slice(0, 40)} => ${mask(m.string())}`);
    }
    for (let i = 0; i < 30; i++) {
      out.push(`pub ${(await nc.request("f3", "y".repeat(1000), { timeout: 5000 })).string()}`);
    }
  } finally {
    await nc.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return out;
}

/** The fatal line of a store directory that cannot be made. */
async function storeDirFatal(binary: string, storeDir: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "denats_jsf_" });
  try {
    const conf = `${dir}/s.conf`;
    await Deno.writeTextFile(
      conf,
      `listen: "127.0.0.1:-1"\njetstream { store_dir: ${JSON.stringify(storeDir)} }\n`,
    );
    const out = await new Deno.Command(binary, {
      args: ["-c", conf],
      stdout: "null",
      stderr: "piped",
    })
      .output();
    const log = new TextDecoder().decode(out.stderr);
    return `${out.code} ${log.match(/\[FTL\] .*/)?.[0] ?? log}`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

type Fault = "stream-meta" | "block-truncated" | "consumer-meta" | "consumer-meta-missing";

/** Three file streams (C with a durable), the fault, a restart: answers and warnings. */
async function afterFault(binary: string, fault: Fault): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "denats_jsf_" });
  const conf = `jetstream { store_dir: ${JSON.stringify(dir)} }`;
  const out: string[] = [];
  try {
    {
      await using s = await spawnFromConf(binary, conf, { timeoutMs: 10_000 });
      const nc = await connect({ port: s.port });
      for (const n of ["A", "B", "C"]) {
        await nc.request(`$JS.API.STREAM.CREATE.${n}`, `{"name":"${n}","subjects":["${n}"]}`);
        for (let i = 0; i < 5; i++) await nc.request(n, `msg-${i}`);
      }
      await nc.request(
        "$JS.API.CONSUMER.DURABLE.CREATE.C.D",
        '{"stream_name":"C","config":{"durable_name":"D","ack_policy":"explicit"}}',
      );
      await nc.close();
      await s.close("SIGTERM");
    }
    const sd = `${dir}/jetstream/$G/streams`;
    if (fault === "stream-meta") await Deno.writeTextFile(`${sd}/A/meta.inf`, "{garbage");
    if (fault === "consumer-meta") await Deno.writeTextFile(`${sd}/C/obs/D/meta.inf`, "{bad");
    if (fault === "consumer-meta-missing") await Deno.remove(`${sd}/C/obs/D/meta.inf`);
    if (fault === "block-truncated") {
      // nats-server keeps blocks in msgs/, denats in blk/.
      const blkDir = [`${sd}/B/msgs`, `${sd}/B/blk`].find((d) => {
        try {
          return Deno.statSync(d).isDirectory;
        } catch {
          return false;
        }
      })!;
      const blk = [...Deno.readDirSync(blkDir)].find((e) => e.name.endsWith(".blk"))!;
      const data = await Deno.readFile(`${blkDir}/${blk.name}`);
      await Deno.writeFile(`${blkDir}/${blk.name}`, data.slice(0, Math.floor(data.length / 2) + 3));
    }
    await using s = await spawnFromConf(binary, conf, { timeoutMs: 10_000 });
    const nc = await connect({ port: s.port });
    for (const n of ["A", "B", "C"]) {
      out.push(mask((await nc.request(`$JS.API.STREAM.INFO.${n}`, "")).string()));
    }
    out.push(mask((await nc.request("$JS.API.CONSUMER.INFO.C.D", "")).string()));
    out.push((await nc.request("B", "after")).string());
    await nc.close();
    await s.close("SIGTERM");
    for (const line of s.logs().split("\n")) {
      if (!/\[(WRN|ERR)\]|restore|Restored|Recovering/.test(line)) continue;
      out.push(
        line.replace(/^\[\d+\] [\d/: .]+/, "").replaceAll(dir, "<dir>")
          .replace(
            /checksums do not match "\w+" vs "\w+"/,
            'checksums do not match "<h>" vs "<h>"',
          ),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return out;
}

Deno.test("bad API input and storage limits answer as nats-server 2.9.10", async () => {
  const ours = await badInput(DENATS);
  assert.match(ours[0], /"err_code":10025,"description":"invalid JSON"/);
  assert.ok(ours.some((l) => l.includes('"err_code":10028')));
  assert.ok(ours.some((l) => l.includes('"err_code":10047')));
  assert.match(ours.at(-1)!, /"err_code":10023,"description":"insufficient resources"/);
  if (!HAVE_NATS_SERVER) return;
  const theirs = await badInput(natsServerBinary());
  assert.equal(ours.length, theirs.length);
  for (let i = 0; i < ours.length; i++) assert.equal(ours[i], theirs[i]);
});

Deno.test("a store directory that cannot be made: the fatal line names the path", async (t) => {
  const cases = ["/proc/denats_js_nope", "/sys/denats_js_nope"].filter((d) => {
    try {
      return Deno.statSync(d.slice(0, d.lastIndexOf("/"))).isDirectory;
    } catch {
      return false;
    }
  });
  if (cases.length === 0) console.warn("faults_compat_test: no /proc or /sys; skipped");
  for (const storeDir of cases) {
    await t.step(storeDir, async () => {
      const ours = await storeDirFatal(DENATS, storeDir);
      assert.match(
        ours,
        new RegExp(
          `^1 \\[FTL\\] Can't start JetStream: could not create storage directory - mkdir ${storeDir}: `,
        ),
      );
      if (!HAVE_NATS_SERVER) return;
      assert.equal(ours, await storeDirFatal(natsServerBinary(), storeDir));
    });
  }
});

Deno.test("corrupt files at startup: the other streams keep serving, logged as nats-server", async (t) => {
  const faults: Fault[] = [
    "stream-meta",
    "block-truncated",
    "consumer-meta",
    "consumer-meta-missing",
  ];
  for (const fault of faults) {
    await t.step(fault, async () => {
      const ours = await afterFault(DENATS, fault);
      assert.match(ours[2], /"state":\{"messages":5/); // C still serves
      if (fault === "stream-meta") {
        assert.match(ours[0], /"err_code":10059/);
        assert.ok(
          ours.some((l) =>
            l.includes(
              '[WRN]   Stream metafile "<dir>/jetstream/$G/streams/A/meta.inf": checksums do not match',
            )
          ),
        );
      }
      if (fault === "consumer-meta") {
        assert.ok(ours.some((l) => l.includes("[WRN]     Error unmarshalling consumer metafile")));
      }
      if (!HAVE_NATS_SERVER) return;
      const theirs = await afterFault(natsServerBinary(), fault);
      assert.equal(ours.length, theirs.length, `${ours.join("\n")}\n---\n${theirs.join("\n")}`);
      for (let i = 0; i < ours.length; i++) assert.equal(ours[i], theirs[i]);
    });
  }
});
