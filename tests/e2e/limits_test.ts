/**
 * @module
 * Runs the shared limits cases against denats (in-process `startServer`).
 */
import { limitSuites } from "../cases/mod.ts";
import { registerSuites } from "../helpers/cases.ts";
import { denatsTarget } from "../helpers/denats_target.ts";

registerSuites("denats", denatsTarget, limitSuites);
