/**
 * @module
 * What `--help` prints after nats-server's own usage text: the flags only denats has, and which
 * denats version implements which nats-server version. Main isolate (CLI).
 */
import { DENATS_VERSION, SERVER_VERSION } from "../version.ts";

/** denats' own options, in nats-server's usage layout; printed after nats-server's text. */
export const denatsUsageText: string = `denats Options:
        --shards <number>            Shard workers sharing the client port (default: 1)

denats v${DENATS_VERSION}, implementing nats-server v${SERVER_VERSION}
`;
