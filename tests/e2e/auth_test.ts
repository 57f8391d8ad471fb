/**
 * @module
 * Runs the shared auth cases against denats (in-process `startServer`).
 */
import { authSuites } from "../cases/mod.ts";
import { registerSuites } from "../helpers/cases.ts";
import { denatsTarget } from "../helpers/denats_target.ts";

registerSuites("denats", denatsTarget, authSuites);
