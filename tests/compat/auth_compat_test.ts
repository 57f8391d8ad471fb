/**
 * @module
 * Runs the shared auth cases against the reference nats-server binary.
 */
import { authSuites } from "../cases/mod.ts";
import { registerCompat } from "./_register.ts";

registerCompat(authSuites);
