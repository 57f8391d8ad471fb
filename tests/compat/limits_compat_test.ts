/**
 * @module
 * Runs the shared limits cases against the reference nats-server binary.
 */
import { limitSuites } from "../cases/mod.ts";
import { registerCompat } from "./_register.ts";

registerCompat(limitSuites);
