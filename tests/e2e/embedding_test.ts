/**
 * @module
 * Embedding as a user does it: a script in another directory with no deno.json imports mod.ts
 * by absolute path and runs with `--no-config` (so every runtime import must be a full `npm:`
 * specifier); `startServer({ config })` loads `.conf` and YAML files; an unknown option name
 * is refused at run time. Runs real servers and a child `deno` process.
 */
import { deepStrictEqual, match, rejects, strictEqual } from "node:assert";
import { startServer } from "../../mod.ts";
import type { StartOptions } from "../../mod.ts";
import bcrypt from "bcryptjs";

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

/** CONNECT + PING over a raw socket; returns the INFO line's JSON once PONG arrived. */
async function pingInfo(port: number, connect = "{}"): Promise<Record<string, unknown>> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(`CONNECT ${connect}\r\nPING\r\n`));
    const buf = new Uint8Array(8192);
    let text = "";
    while (!text.includes("PONG\r\n")) {
      const n = await conn.read(buf);
      if (n === null) throw new Error(`closed: ${text}`);
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return JSON.parse(text.slice(5, text.indexOf("\r\n")));
  } finally {
    conn.close();
  }
}

for (const shards of [1, 2]) {
  Deno.test(`a script elsewhere imports mod.ts by path and runs with --no-config (shards ${shards})`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "denats_embed_" });
    try {
      Deno.writeTextFileSync(
        `${dir}/conf.yaml`,
        "port: -1\nserver_name: from-yaml\nauthorization:\n  users:\n" +
          `    - user: u\n      password: "${bcrypt.hashSync("s3cret", 4)}"\n`,
      );
      Deno.writeTextFileSync(
        `${dir}/embed.ts`,
        `import { startServer } from ${JSON.stringify(MOD)};\n` +
          `const s = await startServer({ config: "conf.yaml", shards: ${shards}, quiet: true });\n` +
          `console.log(JSON.stringify({ port: s.port }));\n` +
          `await new Promise((r) => setTimeout(r, 60_000));\n`,
      );
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-net", "--no-config", "embed.ts"],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
        stdin: "null",
      }).spawn();
      try {
        const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
        let out = "";
        const deadline = Date.now() + 30_000;
        while (!out.includes("\n") && Date.now() < deadline) {
          const { value, done } = await reader.read();
          if (done) break;
          out += value;
        }
        reader.releaseLock();
        match(out, /^\{"port":\d+\}\n/, "the script started a server");
        const { port } = JSON.parse(out);
        // A bcrypt password: the runtime loads bcryptjs through its npm: specifier.
        const info = await pingInfo(port, '{"user":"u","pass":"s3cret"}');
        strictEqual(info.server_name, "from-yaml");
        strictEqual(info.auth_required, true);
      } finally {
        child.kill("SIGKILL");
        await child.status;
        await child.stdout.cancel().catch(() => {});
        await child.stderr.cancel().catch(() => {});
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("startServer({ config }) loads a .conf file; explicit options go over it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const conf = `${dir}/s.conf`;
    Deno.writeTextFileSync(conf, "port: 4999\nserver_name: from-conf\nmax_payload: 2KB\n");
    await using server = await startServer({ config: conf, port: -1, quiet: true });
    const info = await pingInfo(server.port);
    deepStrictEqual(
      { name: info.server_name, maxPayload: info.max_payload, random: server.port !== 4999 },
      { name: "from-conf", maxPayload: 2048, random: true },
    );
    strictEqual(server.server.options.configFile, conf);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startServer({ config }) rejects with nats-server's config error text", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(`${dir}/bad.conf`, "port: 1\nfoo_unknown: 2\n");
    await rejects(
      startServer({ config: `${dir}/bad.conf`, quiet: true }),
      /unknown field "foo_unknown"/,
    );
    await rejects(
      startServer({ config: `${dir}/missing.conf`, quiet: true }),
      /missing\.conf: no such file or directory/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startServer refuses an unknown option name at run time, suggesting a near one", async () => {
  const typo = { port: -1, quiet: true, prot: 4222 } as unknown as StartOptions;
  await rejects(startServer(typo), {
    message: "startServer: unknown option 'prot' (did you mean 'port'?)",
  });
  const alien = { quiet: true, wibbleWobble: 1 } as unknown as StartOptions;
  await rejects(startServer(alien), { message: "startServer: unknown option 'wibbleWobble'" });
});

/** `from "x"` and `import("x")` with a non-relative module name. */
const SPECIFIER = /(?:\bfrom\s+|\bimport\(\s*)"([@a-z][\w@/.:-]*)"/g;

Deno.test("runtime code imports npm packages only as npm: specifiers pinned as in deno.json", async () => {
  const root = new URL("../../", import.meta.url);
  const pinned = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root))).imports as Record<
    string,
    string
  >;
  const found: string[] = [];
  const walk = async (dir: URL) => {
    for await (const e of Deno.readDir(dir)) {
      const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
      if (e.isDirectory) await walk(url);
      else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts") && !e.name.startsWith("_")) {
        const text = Deno.readTextFileSync(url);
        for (const m of text.matchAll(SPECIFIER)) {
          const spec = m[1];
          if (spec.startsWith("node:")) continue;
          const where = url.pathname.slice(root.pathname.length);
          if (!spec.startsWith("npm:")) found.push(`${where}: bare "${spec}"`);
          else if (!Object.values(pinned).includes(spec)) found.push(`${where}: unpinned ${spec}`);
        }
      }
    }
  };
  for (const dir of ["server/", "workers/"]) await walk(new URL(dir, root));
  for (const file of ["mod.ts", "main.ts"]) {
    const text = Deno.readTextFileSync(new URL(file, root));
    for (const m of text.matchAll(SPECIFIER)) {
      if (!m[1].startsWith("node:") && !m[1].startsWith("npm:")) found.push(`${file}: ${m[1]}`);
    }
  }
  deepStrictEqual(found, []);
});
