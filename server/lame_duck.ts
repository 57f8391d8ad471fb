/**
 * @module
 * Lame duck mode of a server that owns client connections (nats-server server.go
 * `lameDuckMode`): the grace period, closes spread over `lame_duck_duration`, and the waits in
 * between that a shutdown cancels. Runs in the isolate that owns the clients (main isolate or a
 * shard worker).
 */
import { CloseReason } from "./protocol/wire_errors.ts";
import type { ServerOptions } from "./options.ts";

/** A client as lame duck mode sees it. */
export interface LameDuckClient {
  readonly opts: { readonly protocol: number };
  sendRaw(bytes: Uint8Array): void;
  close(reason: string): void;
}

/** What lame duck mode needs of the server it runs in. */
export interface LameDuckHost<C extends LameDuckClient> {
  readonly options: ServerOptions;
  /** The open client connections. */
  readonly clients: ReadonlyMap<number, C>;
  /** Logs a server-level notice. */
  notice(line: string): void;
  /** Closes the client listeners (TCP and WebSocket). */
  stopAccepting(): void;
  /** Tells the routes (ldm INFO). */
  enterClusterLameDuck(): void;
  /** The async INFO with `"ldm":true` for `client`. */
  lameDuckInfo(client: C): Uint8Array;
  /** Waits `ms`; never resolves once the server shut down. */
  sleep(ms: number): Promise<void>;
  /** False once shutdown started. */
  running(): boolean;
  shutdown(): Promise<void>;
}

/**
 * Stops accepting, tells protocol-1 clients through an INFO with `ldm:true`, waits the grace
 * period, closes the clients spread over the rest of `lame_duck_duration`, then shuts down.
 */
export async function runLameDuck<C extends LameDuckClient>(host: LameDuckHost<C>): Promise<void> {
  const o = host.options;
  host.notice("Entering lame duck mode, stop accepting new clients");
  host.stopAccepting();
  // server.go lameDuckMode: with no client left there is nothing to wait for.
  const clients = [...host.clients.values()];
  if (clients.length === 0) {
    await host.shutdown();
    return;
  }
  // Closes are spread over duration - grace (1s if that is not positive), one client every
  // si/2..si with si = spread / clients, at most 1s.
  const grace = Math.max(0, o.lameDuckGracePeriodMs);
  let spread = o.lameDuckDurationMs - grace;
  if (spread <= 0) spread = 1000;
  const si = Math.min(1000, spread / clients.length);
  host.enterClusterLameDuck();
  for (const c of clients) {
    if (c.opts.protocol < 1) continue;
    c.sendRaw(host.lameDuckInfo(c));
  }
  await host.sleep(grace);
  if (!host.running()) return;
  host.notice("Closing existing clients");
  for (let i = 0; i < clients.length; i++) {
    clients[i].close(CloseReason.ServerShutdown);
    if (i === clients.length - 1) break;
    await host.sleep(Math.max(si / 2, Math.random() * si));
    if (!host.running()) return;
  }
  await host.shutdown();
}

/** Timed waits that a shutdown can cancel: a cancelled wait never resolves. */
export class CancellableSleeps {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  /** Resolves after `ms` (at once when not positive), unless {@link cancelAll} comes first. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }

  /** Cancels every pending wait. */
  cancelAll(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
