import { match, strictEqual } from "node:assert";
import { formatLogTime, Logger } from "./logger.ts";

Deno.test("log time is formatted like Go's 2006/01/02 15:04:05.000000", () => {
  const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 67));
  strictEqual(formatLogTime(d, true, 890), "2024/01/02 03:04:05.067890");
});

Deno.test("log lines carry the pid, time and level label; debug and trace are gated", () => {
  const lines: string[] = [];
  const log = new Logger((l) => lines.push(l), {
    pid: 42,
    debug: false,
    trace: true,
    logtime: true,
    logtimeUTC: true,
  });
  log.notice("hello");
  log.debug("hidden");
  log.trace("shown");
  strictEqual(lines.length, 2);
  match(lines[0], /^\[42\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} \[INF\] hello$/);
  match(lines[1], /\[TRC\] shown$/);
});

Deno.test("without logtime a line has no timestamp", () => {
  const lines: string[] = [];
  new Logger((l) => lines.push(l), {
    pid: 1,
    debug: true,
    trace: false,
    logtime: false,
    logtimeUTC: false,
  })
    .warn("w");
  strictEqual(lines[0], "[1] [WRN] w");
});
