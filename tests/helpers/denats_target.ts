/**
 * @module
 * `denatsTarget`: starts denats in this process through `startServer` from `mod.ts`, on a
 * random loopback port, for the shared e2e cases. Runs in the test isolate.
 */
import { startServer } from "../../mod.ts";
import { LOOPBACK, type Target, type TargetOptions } from "./target.ts";

/** Starts denats in this process on a random loopback port. */
export async function denatsTarget(opts: TargetOptions = {}): Promise<Target> {
  const server = await startServer({ ...opts, host: LOOPBACK, port: -1, quiet: true });
  const close = () => server.close();
  return {
    host: LOOPBACK,
    port: server.port,
    url: `nats://${LOOPBACK}:${server.port}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
