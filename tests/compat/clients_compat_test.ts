/**
 * @module
 * Runs the shared real-client cases against the reference nats-server binary.
 */
import { clientSuites } from "../cases/mod.ts";
import { registerCompat } from "./_register.ts";
import { ignoreConnectionResets } from "../helpers/node_resets.ts";

ignoreConnectionResets();

registerCompat(clientSuites);
