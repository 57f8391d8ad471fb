/**
 * @module
 * Test targets: one way to start a NATS server for the shared e2e cases (hono-style conformance).
 * A target starts a server on a random loopback port and returns a {@link Target}; see
 * `denats_target.ts` (denats in-process) and `nats_server_target.ts` (the reference binary).
 * This file holds only the shared types, so the compat runner does not depend on denats
 * compiling. Runs in the test isolate.
 */
import type { ServerOptions } from "../../server/options.ts";

/** A running server under test. Dispose of it with `await using`. */
export interface Target {
  /** Host the tests connect to (always loopback). */
  readonly host: string;
  /** Client port. */
  readonly port: number;
  /** `nats://host:port`, for real clients. */
  readonly url: string;
  /** Stops the server and frees every resource it holds. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options a case may ask for: the subset of denats `ServerOptions` both targets understand. */
export type TargetOptions = Partial<
  Pick<
    ServerOptions,
    | "serverName"
    | "maxPayload"
    | "maxControlLine"
    | "maxConnections"
    | "maxSubscriptions"
    | "maxPending"
    | "writeDeadlineMs"
    | "pingIntervalMs"
    | "pingMax"
    | "username"
    | "password"
    | "authorizationToken"
    | "authTimeout"
    | "users"
    | "noAuthUser"
    | "noHeaderSupport"
  >
>;

/** Starts one server; every case receives one of these. */
export type TargetFactory = (opts?: TargetOptions) => Promise<Target>;

/** Every target listens on loopback. */
export const LOOPBACK = "127.0.0.1";
