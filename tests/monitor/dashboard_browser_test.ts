/**
 * @module
 * The `/dashboard` page in a real browser: headless Debian chromium loads it from a denats
 * server carrying live traffic, takes a screenshot (checked to be a real 1280x900 PNG with
 * many colours, not a blank page) and dumps the DOM (checked for the rows the page's script
 * rendered from `/connz`). Skipped, with a visible warning, when `/usr/bin/chromium` is absent.
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { countColors, pngHeader } from "./_png.ts";
import { denatsMonitor, type MonitorTarget } from "./_targets.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_BIN") ?? "/usr/bin/chromium";

function chromiumAvailable(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

const available = chromiumAvailable();
if (!available) {
  console.warn(
    `dashboard browser test: ${CHROMIUM} not found; skipped (apt-get install chromium)`,
  );
}

const enc = new TextEncoder();

/** Three named clients on `demo.>`; one publishes every 50 ms until disposed. */
async function liveTraffic(t: MonitorTarget): Promise<AsyncDisposable> {
  const conns: Deno.TcpConn[] = [];
  const readers: Promise<void>[] = [];
  for (const name of ["publisher", "subscriber-a", "subscriber-b"]) {
    const c = await Deno.connect({ hostname: t.host, port: t.port });
    conns.push(c);
    const connect = { verbose: false, name, lang: "deno", version: "1.0" };
    await c.write(enc.encode(`CONNECT ${JSON.stringify(connect)}\r\nSUB demo.> 1\r\nPING\r\n`));
    readers.push((async () => {
      const buf = new Uint8Array(64 * 1024);
      try {
        while ((await c.read(buf)) !== null) { /* drain */ }
      } catch { /* closed by us */ }
    })());
  }
  const batch = enc.encode("PUB demo.tick 11\r\nhello world\r\n".repeat(25));
  const timer = setInterval(() => conns[0].write(batch).catch(() => {}), 50);
  return {
    async [Symbol.asyncDispose]() {
      clearInterval(timer);
      for (const c of conns) c.close();
      await Promise.all(readers);
    },
  };
}

async function chromium(url: string, dir: string, extra: string[]): Promise<Deno.CommandOutput> {
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${dir}`,
    "--window-size=1280,900",
    "--virtual-time-budget=5000",
    ...extra,
    url,
  ];
  return await new Deno.Command(CHROMIUM, { args, stdout: "piped", stderr: "piped" }).output();
}

Deno.test({
  name: "the dashboard renders identity, charts and connection rows in headless chromium",
  ignore: !available,
  fn: async () => {
    await using t = await denatsMonitor({ serverName: "dashboard-test" });
    await using _traffic = await liveTraffic(t);
    const dir = await Deno.makeTempDir({ prefix: "denats_dashboard_" });
    try {
      const url = `${t.monitorUrl}/dashboard`;
      const png = `${dir}/dashboard.png`;
      const shot = await chromium(url, `${dir}/profile-shot`, [`--screenshot=${png}`]);
      assert.equal(shot.code, 0, new TextDecoder().decode(shot.stderr));
      const bytes = await Deno.readFile(png);
      assert.ok(bytes.length > 20_000, `screenshot is only ${bytes.length} bytes`);
      const header = pngHeader(bytes);
      assert.deepEqual([header.width, header.height], [1280, 900]);
      const colors = await countColors(bytes);
      assert.ok(colors > 50, `screenshot has only ${colors} colours: a blank page?`);

      const dom = await chromium(url, `${dir}/profile-dom`, ["--dump-dom"]);
      assert.equal(dom.code, 0, new TextDecoder().decode(dom.stderr));
      const html = new TextDecoder().decode(dom.stdout);
      const rows = [...html.matchAll(/<tr data-cid="(\d+)">(.*?)<\/tr>/g)];
      assert.equal(rows.length, 3, html);
      for (const name of ["publisher", "subscriber-a", "subscriber-b"]) {
        assert.ok(rows.some((r) => r[2].includes(`<td>${name}</td>`)), `row for ${name}`);
      }
      assert.match(html, /<span id="name">dashboard-test<\/span>/);
      assert.match(html, /id="status" class="ok"/);
      assert.match(html, /0 routes, 0 gateways, 0 leafnodes/);
      assert.match(html, /<circle[^>]*r="28"/, "the topology shows the server node");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
