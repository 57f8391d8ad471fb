/**
 * @module
 * denats: a NATS server for Deno. Public API for embedding.
 *
 * @example Start an embedded server on a random port
 * ```ts
 * import { startServer } from "./mod.ts";
 * await using server = await startServer({ port: -1 });
 * console.log(server.clientUrl);
 * ```
 */
export { startServer } from "./server/start.ts";
export type { ServerHandle, StartOptions } from "./server/start.ts";
export { defaultOptions } from "./server/options.ts";
export type { Permissions, ServerOptions, UserOptions } from "./server/options.ts";
