/**
 * @module
 * Runs the shared protocol cases against the reference nats-server binary.
 */
import { protocolSuites } from "../cases/mod.ts";
import { registerCompat } from "./_register.ts";

registerCompat(protocolSuites);
