/**
 * @module
 * The {@link ClientContext} WebSocket clients run with: the server's, except for auth
 * (nats-server createWSClient and processClientOrLeafAuthentication): INFO `auth_required` is
 * the server's raw flag or the block's override (no `no_auth_user` adjustment), the block's
 * `authorization`/`no_auth_user` replace the top-level ones, and its auth `timeout` applies.
 * Runs in the isolate that owns the WebSocket listener.
 */
import { Authenticator } from "../accounts/auth.ts";
import type { ClientContext } from "../client/context.ts";
import type { ServerOptions } from "../options.ts";
import { hasAuthOverride, webSocketAuthOptions, type WebSocketSettings } from "./ws_options.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Rewrites an INFO line's `auth_required`, keeping nats-server's field order (it follows
 * `headers`).
 *
 * @example
 * ```ts
 * import { withAuthRequired } from "./ws_context.ts";
 * const line = new TextEncoder().encode('INFO {"headers":true,"max_payload":1} \r\n');
 * const out = new TextDecoder().decode(withAuthRequired(line, true));
 * if (out !== 'INFO {"headers":true,"auth_required":true,"max_payload":1} \r\n') throw out;
 * ```
 */
export function withAuthRequired(line: Uint8Array, required: boolean): Uint8Array {
  const text = dec.decode(line);
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  const info = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
  if ((info.auth_required === true) === required) return line;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) {
    if (key === "auth_required") continue;
    out[key] = value;
    if (key === "headers" && required) out.auth_required = true;
  }
  return enc.encode(text.slice(0, start) + JSON.stringify(out) + text.slice(end + 1));
}

/** Per-listener auth state, rebuilt when the server's options object changes (reload). */
export class WebSocketAuth {
  #server: ClientContext;
  #settings: WebSocketSettings;
  #for: ServerOptions | null = null;
  #options!: ServerOptions;
  #auth!: Authenticator;

  constructor(server: ClientContext, settings: WebSocketSettings) {
    this.#server = server;
    this.#settings = settings;
  }

  #refresh(): void {
    const current = this.#server.options;
    if (this.#for === current) return;
    this.#for = current;
    this.#options = webSocketAuthOptions(current, this.#settings);
    this.#auth = hasAuthOverride(this.#settings)
      ? new Authenticator(this.#options)
      : this.#server.auth;
  }

  get options(): ServerOptions {
    this.#refresh();
    return this.#options;
  }

  get auth(): Authenticator {
    this.#refresh();
    return this.#auth;
  }

  /** INFO `auth_required` for WebSocket clients. */
  get announced(): boolean {
    this.#refresh();
    return this.#server.auth.required || this.#auth.required;
  }
}

/**
 * A WebSocket client's view of the server: `options`, `auth`, `authAnnounced` and `infoLine`
 * come from {@link WebSocketAuth}; everything else is the server's own (a proxy, so members
 * the server gains later are forwarded too; methods are bound once and cached).
 */
export function webSocketClientContext(server: ClientContext, auth: WebSocketAuth): ClientContext {
  const overrides: Record<PropertyKey, () => unknown> = {
    options: () => auth.options,
    auth: () => auth.auth,
    authAnnounced: () => auth.announced,
    infoLine: () => (cid: number, clientIp: string, nonce?: string) =>
      withAuthRequired(server.infoLine(cid, clientIp, nonce), auth.announced),
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(server, {
    get(target, prop) {
      const override = overrides[prop as string];
      if (override) return override();
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      let fn = bound.get(prop);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(prop, fn);
      }
      return fn;
    },
  });
}
