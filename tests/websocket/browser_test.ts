/**
 * @module
 * A real browser as a WebSocket client: headless Debian chromium loads a page this test serves;
 * a tiny hand-written NATS-over-WebSocket script (CONNECT, SUB, PUB of 10000 bytes, PING)
 * writes its result into the DOM, which `--dump-dom` prints. The page's origin is the only
 * allowed origin, and browsers must get messages of at most 4096 bytes. Runs against denats
 * and, when installed, nats-server. Skipped with a visible message when chromium is absent.
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { denats, natsServer, natsServerInstalled, type ServerFactory } from "../tls/servers.ts";
import { wsBlock } from "./ws_cases.ts";

const CHROMIUM = "/usr/bin/chromium";
const chromiumPresent = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
if (!chromiumPresent) console.warn(`browser test: ${CHROMIUM} not found, skipped`);

function page(wsPort: number): string {
  return `<!doctype html><html><body><pre id="result">pending</pre><script>
const out = document.getElementById("result");
const enc = new TextEncoder(), dec = new TextDecoder();
const payload = "b".repeat(10000);
const sizes = [];
let text = "", sent = false, done = false;
function finish(result) {
  if (done) return;
  done = true;
  out.textContent = "RESULT " + JSON.stringify(result);
  fetch("/result", { method: "POST", body: out.textContent });
}
const ws = new WebSocket("ws://127.0.0.1:${wsPort}/");
ws.binaryType = "arraybuffer";
ws.onmessage = (e) => {
  const bytes = typeof e.data === "string" ? enc.encode(e.data) : new Uint8Array(e.data);
  sizes.push(bytes.length);
  text += dec.decode(bytes);
  if (!sent && text.startsWith("INFO ") && text.includes("\\r\\n")) {
    sent = true;
    ws.send(enc.encode('CONNECT {"verbose":false,"pedantic":false,"protocol":1}\\r\\n' +
      "SUB browser.test 1\\r\\nPUB browser.test " + payload.length + "\\r\\n" + payload +
      "\\r\\nPING\\r\\n"));
  }
  if (text.includes("PONG\\r\\n")) {
    finish({
      info: /^INFO \\{"server_id":"N[A-Z0-9]+"/.test(text),
      msg: text.includes("MSG browser.test 1 10000\\r\\n" + payload + "\\r\\n"),
      pong: true,
      maxMessage: Math.max(...sizes),
    });
  }
};
ws.onerror = () => finish({ error: "websocket error" });
ws.onclose = (e) => finish({ error: "closed " + e.code });
setTimeout(() => finish({ error: "timeout", text: text.slice(0, 200) }), 8000);
</script><img src="/gate"></body></html>`;
}

async function runBrowser(factory: ServerFactory): Promise<void> {
  let reportResult: (text: string) => void = () => {};
  const reported = new Promise<string>((resolve) => (reportResult = resolve));
  let wsPort = 0;
  const site = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/result") {
      reportResult(await req.text());
      return new Response("ok");
    }
    if (path === "/gate") {
      // Holds the page's load event (and so --dump-dom) until the script has reported.
      await Promise.race([reported, new Promise((r) => setTimeout(r, 9000))]);
      return new Response(null, { status: 204 });
    }
    return new Response(page(wsPort), { headers: { "content-type": "text/html" } });
  });
  const origin = `http://127.0.0.1:${site.addr.port}`;
  await using server = await factory({ websocket: wsBlock({ allowed_origins: [origin] }) });
  wsPort = server.wsPort;
  const profile = await Deno.makeTempDir({ prefix: "denats_chromium_" });
  try {
    const out = await new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--dump-dom",
        `${origin}/`,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    const dom = new TextDecoder().decode(out.stdout);
    const m = /RESULT (\{[^<]*\})/.exec(dom);
    assert.ok(m, `no result in the DOM:\n${dom.slice(0, 500)}`);
    const result = JSON.parse(m[1].replaceAll("&quot;", '"'));
    assert.deepEqual(
      { info: result.info, msg: result.msg, pong: result.pong },
      { info: true, msg: true, pong: true },
      m[1],
    );
    assert.ok(result.maxMessage <= 4096, `browser got a ${result.maxMessage}-byte message`);
  } finally {
    await site.shutdown();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

Deno.test({
  name: "denats websocket: a headless chromium page connects, subscribes, publishes and pings",
  ignore: !chromiumPresent,
  fn: () => runBrowser(denats),
});

Deno.test({
  name: "nats-server websocket: the same chromium page works against nats-server",
  ignore: !chromiumPresent || !natsServerInstalled,
  fn: () => runBrowser(natsServer),
});
