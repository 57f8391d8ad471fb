/**
 * @module
 * Checks of an unpacked archive before it becomes a stream: every record of every block file
 * (`blk/*.blk`) must be whole and pass its checksum (a snapshot is taken after a flush, so a
 * block never ends torn), and every consumer directory under `obs/` must hold a readable saved
 * config; nats-server 2.9.10 fails the restore for such a consumer with
 * `error restoring consumer ["<name>"]: <reason>` (stream.go RestoreStream). The block check is
 * denats' own (nats-server's file store would drop the bad records on recovery).
 * IO shell: synchronous file calls. Runs in the isolate that owns the streams.
 */
import { goQuote } from "../../protocol/wire_errors.ts";
import { readConsumerMetas, savedConsumerDirs } from "../consumer/consumer_meta.ts";
import { RecordScanner } from "../store/record_codec.ts";

function blockFiles(dir: string): string[] {
  try {
    return [...Deno.readDirSync(`${dir}/blk`)]
      .filter((e) => e.isFile && e.name.endsWith(".blk"))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Throws an `Error` with the restore failure text when `dir` cannot become a stream. */
export function checkRestoredDir(dir: string): void {
  for (const name of blockFiles(dir)) {
    const bytes = Deno.readFileSync(`${dir}/blk/${name}`);
    const scanner = new RecordScanner(bytes);
    for (let at = 0; at < bytes.length;) {
      const n = scanner.read(at, bytes.length);
      if (typeof n === "string") {
        throw new Error(`message block ${goQuote(`blk/${name}`)} is ${n} at offset ${at}`);
      }
      at += n;
    }
  }
  const obs = `${dir}/obs`;
  for (const name of savedConsumerDirs(obs)) {
    const path = `${obs}/${name}/meta.inf`;
    try {
      Deno.statSync(path);
    } catch {
      throw new Error(
        `error restoring consumer [${goQuote(name)}]: stat ${path}: no such file or directory`,
      );
    }
  }
  const problems: string[] = [];
  readConsumerMetas(obs, (text) => problems.push(text.trim()));
  if (problems.length > 0) {
    const quoted = /"[^"]*\/([^/"]+)\/meta\.inf"/.exec(problems[0]);
    const name = quoted?.[1] ?? "";
    const reason = problems[0].replace(/^.*?meta\.inf": /, "");
    throw new Error(`error restoring consumer [${goQuote(name)}]: ${reason}`);
  }
}
