/**
 * @module
 * A minimal Chrome DevTools Protocol driver for the dashboard tests: starts headless chromium
 * with `--remote-debugging-port`, attaches to its page over WebSocket, and offers `evaluate`,
 * `viewport` and `screenshot`. Disposing kills the browser. Runs in the test isolate.
 */

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
}

/** A headless chromium page driven over CDP. */
export class CdpPage {
  #child: Deno.ChildProcess;
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, Pending>();
  #profile: string;

  private constructor(child: Deno.ChildProcess, ws: WebSocket, profile: string) {
    this.#child = child;
    this.#ws = ws;
    this.#profile = profile;
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      const p = msg.id ? this.#pending.get(msg.id) : undefined;
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error) p.reject(new Error(JSON.stringify(msg.error)));
      else p.resolve(msg.result);
    };
  }

  /** Opens `url` in a fresh headless chromium whose window is `width` x `height`. */
  static async open(bin: string, url: string, width: number, height: number): Promise<CdpPage> {
    const profile = await Deno.makeTempDir({ prefix: "denats_cdp_" });
    const child = new Deno.Command(bin, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--remote-debugging-port=0",
        "--remote-allow-origins=*",
        `--user-data-dir=${profile}`,
        `--window-size=${width},${height}`,
        url,
      ],
      stdout: "null",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    try {
      const port = await devtoolsPort(child.stderr);
      const deadline = Date.now() + 15_000;
      let wsUrl = "";
      while (!wsUrl && Date.now() < deadline) {
        const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
        const page = (list as { type: string; url: string; webSocketDebuggerUrl: string }[])
          .find((t) => t.type === "page" && t.url.startsWith(url.slice(0, 20)));
        if (page) wsUrl = page.webSocketDebuggerUrl;
        else await new Promise((r) => setTimeout(r, 100));
      }
      if (!wsUrl) throw new Error("chromium opened no page");
      const ws = new WebSocket(wsUrl);
      await new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error("CDP WebSocket failed"));
      });
      const page = new CdpPage(child, ws, profile);
      await page.send("Emulation.setDeviceMetricsOverride", {
        width,
        height,
        deviceScaleFactor: 1,
        mobile: false,
      });
      return page;
    } catch (err) {
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw err;
    }
  }

  /** Sends one CDP command and returns its result. */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Evaluates `expression` in the page; returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", { expression, returnByValue: true });
    if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails));
    return (r.result as { value: T }).value;
  }

  /** A PNG screenshot of the viewport. */
  async screenshot(): Promise<Uint8Array> {
    const r = await this.send("Page.captureScreenshot", { format: "png" });
    return Uint8Array.from(atob(r.data as string), (c) => c.charCodeAt(0));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#ws.close();
    } catch { /* already closed */ }
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
    await this.#child.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

/** Reads chromium's stderr until "DevTools listening on ws://127.0.0.1:PORT/..."; keeps draining. */
async function devtoolsPort(stderr: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    const m = text.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
    if (m) {
      // Keep draining so chromium never blocks on a full pipe.
      (async () => {
        try {
          while (!(await reader.read()).done) { /* drain */ }
        } catch { /* closed */ }
      })();
      return Number(m[1]);
    }
  }
  throw new Error(`chromium printed no DevTools URL: ${text}`);
}
