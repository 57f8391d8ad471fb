/**
 * @module
 * Runs the shared real-client cases against denats (in-process `startServer`).
 */
import { clientSuites } from "../cases/mod.ts";
import { registerSuites } from "../helpers/cases.ts";
import { denatsTarget } from "../helpers/denats_target.ts";
import { ignoreConnectionResets } from "../helpers/node_resets.ts";

ignoreConnectionResets();

registerSuites("denats", denatsTarget, clientSuites);
