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
import { CdpPage } from "./_cdp.ts";
import { waitFor } from "../helpers/poll.ts";

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

Deno.test({
  name:
    "a fresh dashboard draws the server's history at once, counts system subs apart, fits 1280 px",
  ignore: !available,
  fn: async () => {
    await using t = await denatsMonitor({ serverName: "history-test", noSystemAccount: false });
    await using _traffic = await liveTraffic(t);
    // Let the server gather a few 1 s samples before any page exists.
    await waitFor(
      async () => {
        const h = await (await fetch(`${t.monitorUrl}/dashboard/history`)).json();
        return h.samples.length >= 6 || null;
      },
      15_000,
      "six history samples",
    );
    await using page = await CdpPage.open(CHROMIUM, `${t.monitorUrl}/dashboard`, 1280, 800);
    const first = await waitFor(
      async () => {
        // Null until the page has loaded (the first evaluation may see about:blank).
        const state = await page.evaluate<{ status: string; samples: number } | null>(
          `(() => {
          const status = document.getElementById("status");
          const chart = document.getElementById("chart-msgs");
          if (!status || !chart) return null;
          return { status: status.className, samples: Number(chart.dataset.samples || 0) };
        })()`,
        );
        return state?.status === "ok" ? state : null;
      },
      15_000,
      "the first poll",
    );
    // A page that only timed its own polls would have at most one rate after its first poll.
    assert.ok(first.samples >= 5, `rates drawn at once: ${first.samples}`);
    const subs = await page.evaluate<[string, string]>(
      `[document.getElementById("s-subs").textContent,
        document.getElementById("s-sys-subs").textContent]`,
    );
    assert.equal(subs[0], "3", "client subscriptions (the three SUBs of the traffic)");
    assert.ok(Number(subs[1]) > 0, `system account subscriptions apart: ${subs[1]}`);
    // Let the connection table fill, then check the layout fits a 1280-pixel screen.
    await waitFor(
      () =>
        page.evaluate<number>(`document.querySelectorAll("tr[data-cid]").length`)
          .then((n) => n >= 3 || null),
      10_000,
      "connection rows",
    );
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    assert.ok(width <= 1280, `no horizontal overflow at 1280 px: scrollWidth ${width}`);
    const png = await page.screenshot();
    const header = pngHeader(png);
    assert.deepEqual([header.width, header.height], [1280, 800]);
    assert.ok((await countColors(png)) > 50, "the screenshot shows a rendered page");
    const out = Deno.env.get("DASHBOARD_SCREENSHOT");
    if (out) await Deno.writeFile(out, png);
  },
});
