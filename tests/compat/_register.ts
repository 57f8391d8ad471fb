/**
 * @module
 * Registers shared cases against the reference `nats-server` binary; when it is missing the
 * tests are registered as ignored and a warning says why. Runs in the test isolate.
 */
import { registerSuites, type Suite } from "../helpers/cases.ts";
import {
  natsServerAvailable,
  natsServerBinary,
  natsServerTarget,
} from "../helpers/nats_server_target.ts";

let available: boolean | undefined;

/** Registers `suites` as `nats-server: <case>` tests. */
export function registerCompat(suites: Suite[]): void {
  if (available === undefined) {
    available = natsServerAvailable();
    if (!available) {
      console.warn(
        `compat: '${natsServerBinary()}' not runnable; nats-server compat tests are skipped ` +
          "(install nats-server v2.9.10 or set NATS_SERVER_BIN)",
      );
    }
  }
  registerSuites("nats-server", natsServerTarget, suites, { ignore: !available });
}
