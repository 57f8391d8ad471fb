/**
 * @module
 * Convenience barrel for every test target. The shared types live in `target.ts`;
 * `denatsTarget` in `denats_target.ts` (imports denats); `natsServerTarget` in
 * `nats_server_target.ts` (spawns the reference binary). The compat runners import
 * `nats_server_target.ts` directly so they still run while denats does not compile.
 * Runs in the test isolate.
 */
export type { Target, TargetFactory, TargetOptions } from "./target.ts";
export { LOOPBACK } from "./target.ts";
export { denatsTarget } from "./denats_target.ts";
export {
  natsServerAvailable,
  natsServerBinary,
  natsServerTarget,
  toNatsServerConf,
} from "./nats_server_target.ts";
