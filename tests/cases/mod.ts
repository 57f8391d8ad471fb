/**
 * @module
 * The shared conformance suites, grouped the way the e2e and compat runners split them.
 * Runs in the test isolate.
 */
import type { Suite } from "../helpers/cases.ts";
import { infoConnectCases } from "./info_connect.ts";
import { pubsubCases } from "./pubsub.ts";
import { headersCases } from "./headers.ts";
import { queueCases } from "./queue.ts";
import { errorCases } from "./errors.ts";
import { authCases } from "./auth.ts";
import { limitCases } from "./limits.ts";
import { hostileCases } from "./hostile.ts";
import { clientCases } from "./clients.ts";

/** Handshake, pub/sub, headers, queues and protocol errors. */
export const protocolSuites: Suite[] = [
  infoConnectCases,
  pubsubCases,
  headersCases,
  queueCases,
  errorCases,
];

/** Authentication and authorization. */
export const authSuites: Suite[] = [authCases];

/** Limits, timers, slow consumers and hostile input. */
export const limitSuites: Suite[] = [limitCases, hostileCases];

/** Real client libraries (`@nats-io/transport-node`, `nats`). */
export const clientSuites: Suite[] = [clientCases];
