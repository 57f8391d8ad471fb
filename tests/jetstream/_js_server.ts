/**
 * @module
 * Test helper: an in-process denats with JetStream on (`jetstream { store_dir }` in a conf
 * file under a temp dir), restartable on the same store directory. Not for production use.
 */
import { type ServerHandle, startServer } from "../../mod.ts";

/** A store directory that outlives server restarts; removed on dispose. */
export class JsTestDir {
  readonly dir = Deno.makeTempDirSync({ prefix: "denats_jss_" });

  /** Starts a server on this store directory, with `extra` config text. */
  async start(extra = ""): Promise<ServerHandle> {
    const conf = `${this.dir}/server.conf`;
    Deno.writeTextFileSync(
      conf,
      `jetstream { store_dir: ${JSON.stringify(`${this.dir}/js`)} }\n${extra}`,
    );
    return await startServer({ config: conf, port: -1, quiet: true });
  }

  [Symbol.dispose](): void {
    Deno.removeSync(this.dir, { recursive: true });
  }
}

/** Polls `check` until it returns true or `ms` pass. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
