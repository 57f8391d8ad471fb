/**
 * @module
 * Runs the shared protocol cases against denats (in-process `startServer`).
 */
import { protocolSuites } from "../cases/mod.ts";
import { registerSuites } from "../helpers/cases.ts";
import { denatsTarget } from "../helpers/denats_target.ts";

registerSuites("denats", denatsTarget, protocolSuites);
