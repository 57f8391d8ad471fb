/**
 * @module
 * Records nats-server 2.9.10's answers to the JetStream API cases of tools/js_api_cases.ts
 * into server/jetstream/api/stream_config_cases*.ts (then formatted with `deno fmt`), so our
 * validators can be checked against them without the server. Starts `nats-server -js -sd <tmpdir>` on a spare loopback port,
 * sends each case's setup requests and then its request raw over `@nats-io/transport-node`,
 * and deletes every stream between cases. A request nobody answers is recorded as `null`.
 *
 * ```sh
 * deno run --allow-all tools/record_js_api.ts [path/to/nats-server]
 * ```
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { type ApiCaseInput, CONSUMER_CASES, STREAM_CASES, VALID_CASES } from "./js_api_cases.ts";

const DIR = "server/jetstream/api";

function sparePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function connectWithin(port: number, ms: number): Promise<NatsConnection> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await connect({ servers: `127.0.0.1:${port}`, timeout: 1000 });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function ask(nc: NatsConnection, subject: string, body: string): Promise<unknown> {
  try {
    const m = await nc.request(subject, new TextEncoder().encode(body), { timeout: 2000 });
    const text = new TextDecoder().decode(m.data);
    return text === "" ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

async function deleteAllStreams(nc: NatsConnection): Promise<void> {
  const names = await ask(nc, "$JS.API.STREAM.NAMES", "") as { streams?: string[] | null };
  for (const name of names?.streams ?? []) {
    await ask(nc, `$JS.API.STREAM.DELETE.${name}`, "");
  }
}

/** One case per block, its members compact, so the data file stays short. */
function render(cases: { name: string; setup: unknown; request: unknown; response: unknown }[]) {
  const J = (v: unknown) => JSON.stringify(v);
  const items = cases.map((c) =>
    `  {\n    name: ${J(c.name)},\n    setup: ${J(c.setup)},\n    request: ${J(c.request)},\n` +
    `    response: ${J(c.response)},\n  },`
  );
  return `[\n${items.join("\n")}\n]`;
}

/** An accepted answer of the invalid-case tables keeps only its type and config. */
function trimAccepted(response: unknown): unknown {
  const r = response as { type?: string; error?: unknown; config?: unknown } | null;
  if (r === null || r.error !== undefined) return response;
  return { type: r.type, config: r.config };
}

async function record(nc: NatsConnection, cases: ApiCaseInput[], full = false) {
  const out = [];
  for (const c of cases) {
    for (const s of c.setup) await ask(nc, s.subject, s.body);
    const answer = await ask(nc, c.request.subject, c.request.body);
    const response = full ? answer : trimAccepted(answer);
    out.push({ ...c, response });
    await deleteAllStreams(nc);
  }
  return out;
}

if (import.meta.main) {
  const bin = Deno.args[0] ?? "nats-server";
  const dir = await Deno.makeTempDir({ prefix: "jsapi-record-" });
  const port = sparePort();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(bin, {
      args: ["-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(port)],
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (err) {
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
  try {
    const version = new TextDecoder().decode(
      (await new Deno.Command(bin, { args: ["--version"] }).output()).stdout,
    ).trim();
    const nc = await connectWithin(port, 10_000);
    const streams = await record(nc, STREAM_CASES);
    const consumers = await record(nc, CONSUMER_CASES);
    const valid = await record(nc, VALID_CASES, true);
    await nc.close();
    const header = (what: string) =>
      [
        "/**",
        " * @module",
        ` * RECORDED by tools/record_js_api.ts from ${version} (-js -sd <tmpdir>); do not edit.`,
        ` * ${what} Each case: setup requests, the request, and the server's JSON answer (null:`,
        " * no answer). PURE: data only.",
        " */",
      ].join("\n");
    const files: [string, string][] = [
      [
        `${DIR}/stream_config_cases_streams.ts`,
        [
          header("Invalid stream creates and updates."),
          'import type { RecordedCase } from "./stream_config_cases.ts";',
          "",
          `/** Invalid stream creates and updates. */`,
          `export const STREAM_CASES: RecordedCase[] = ${render(streams)};`,
          "",
        ].join("\n"),
      ],
      [
        `${DIR}/stream_config_cases_consumers.ts`,
        [
          header("Invalid consumer creates."),
          'import type { RecordedCase } from "./stream_config_cases.ts";',
          "",
          `/** Invalid consumer creates. */`,
          `export const CONSUMER_CASES: RecordedCase[] = ${render(consumers)};`,
          "",
        ].join("\n"),
      ],
      [
        `${DIR}/stream_config_cases.ts`,
        [
          header("Valid answers here; the invalid cases in the two files re-exported below."),
          'export { STREAM_CASES } from "./stream_config_cases_streams.ts";',
          'export { CONSUMER_CASES } from "./stream_config_cases_consumers.ts";',
          "",
          "/** One recorded request and answer. */",
          "export interface RecordedCase {",
          "  name: string;",
          "  setup: { subject: string; body: string }[];",
          "  request: { subject: string; body: string };",
          "  response: unknown;",
          "}",
          "",
          `/** Valid STREAM.CREATE, CONSUMER.CREATE and INFO answers, for key-set comparisons. */`,
          `export const VALID_CASES: RecordedCase[] = ${render(valid)};`,
          "",
        ].join("\n"),
      ],
    ];
    for (const [path, text] of files) await Deno.writeTextFile(path, text);
    const fmt = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", ...files.map((f) => f[0])],
    })
      .output();
    if (!fmt.success) throw new Error("deno fmt failed on the recorded files");
    console.log(`${DIR}: ${streams.length + consumers.length + valid.length} cases recorded`);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}
