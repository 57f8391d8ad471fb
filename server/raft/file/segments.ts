/**
 * @module
 * The segment files of a FileLog (`msgs/<id>.seg`, ids increasing) and their recovery on open:
 * every segment is scanned in id order with record.ts; the first short, corrupt or out-of-order
 * record cuts its segment there (the file is truncated and fsynced) and every later segment is
 * removed, as nats-server's filestore truncates at the first bad record. The surviving records
 * are then matched against the snapshot the way `RaftLog.installSnapshot` matches them.
 * Runs in the isolate that owns the RAFT group (sync Deno file APIs).
 */
import { readAt, removeIfExists, syncDir } from "./durable.ts";
import { scanRecords } from "./record.ts";

/** The write-ahead log folder inside a log directory (raft.go keeps its WAL in `msgs/`). */
export const MSGS_DIR = "msgs";

/** One segment file. */
export class Segment {
  readonly id: number;
  readonly path: string;
  /** Bytes of good records in the file (where the next append goes). */
  size: number;
  /** Index of the last record in the file (0 when it holds none). */
  lastIndex = 0;
  #file: Deno.FsFile | undefined;

  constructor(dir: string, id: number, size = 0) {
    this.id = id;
    this.path = `${dir}/${MSGS_DIR}/${id}.seg`;
    this.size = size;
  }

  /** The open file (read and append), opened on first use. */
  get file(): Deno.FsFile {
    this.#file ??= Deno.openSync(this.path, {
      read: true,
      append: true,
      create: true,
      mode: 0o640,
    });
    return this.#file;
  }

  /** Creates the (empty) file now, so a reopen finds the segment. */
  create(): void {
    void this.file;
  }

  /** Reads `length` bytes at `offset`. */
  read(offset: number, length: number): Uint8Array {
    return readAt(this.file, offset, length);
  }

  /** Cuts the file at `size` and makes the cut durable. */
  cut(size: number): void {
    this.file.truncateSync(size);
    this.file.syncSync();
    this.size = size;
  }

  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  /** Closes and deletes the file. */
  remove(): void {
    this.close();
    removeIfExists(this.path);
  }
}

/** Where one stored entry is. */
export interface Located {
  index: number;
  term: number;
  segment: Segment;
  offset: number;
  length: number;
}

/** What recovery found and did. */
export interface RecoveryReport {
  /** Where the log was cut and why (a torn tail or a corrupt record), if it was. */
  cut?: { segment: string; offset: number; reason: string };
  /** Records found on disk but dropped: after a cut segment, or not matching the snapshot. */
  discarded: number;
}

/** The recovered segments and the entries after the snapshot (`base`). */
export interface Recovered {
  segments: Segment[];
  entries: Located[];
  report: RecoveryReport;
  /** Id for the next new segment. */
  nextId: number;
}

/**
 * Recovers the segments of `dir` against a snapshot at `base`/`baseTerm` (0/0 without one):
 * entries must start at `base + 1` or include `base` with `baseTerm`, else all are dropped
 * (they cannot be joined to the snapshot); without a snapshot they must start at 1.
 */
export function recoverSegments(dir: string, base: number, baseTerm: number): Recovered {
  const ids: number[] = [];
  for (const entry of Deno.readDirSync(`${dir}/${MSGS_DIR}`)) {
    const m = /^(\d+)\.seg$/.exec(entry.name);
    if (m) ids.push(Number(m[1]));
  }
  ids.sort((a, b) => a - b);
  const segments: Segment[] = [];
  const found: Located[] = [];
  const report: RecoveryReport = { discarded: 0 };
  let prevIndex = 0;
  let prevTerm = 0;
  for (let k = 0; k < ids.length; k++) {
    const segment = new Segment(dir, ids[k]);
    const bytes = Deno.readFileSync(segment.path);
    const scan = scanRecords(bytes, prevIndex, prevTerm);
    segment.size = scan.validEnd;
    for (const r of scan.records) {
      found.push({ ...r, segment });
      segment.lastIndex = r.index;
      prevIndex = r.index;
      prevTerm = r.term;
    }
    segments.push(segment);
    if (scan.problem === undefined) continue;
    report.cut = { segment: segment.path, offset: scan.validEnd, reason: scan.problem };
    segment.cut(scan.validEnd);
    for (const later of ids.slice(k + 1)) {
      const dropped = new Segment(dir, later);
      report.discarded += scanRecords(Deno.readFileSync(dropped.path), 0, 0).records.length;
      dropped.remove();
    }
    syncDir(`${dir}/${MSGS_DIR}`);
    break;
  }
  const first = found[0]?.index ?? base + 1;
  const atBase = found.find((r) => r.index === base);
  const joins = base === 0
    ? first === 1
    : first === base + 1 || (first <= base && atBase?.term === baseTerm);
  const entries = joins ? found.filter((r) => r.index > base) : [];
  report.discarded += found.filter((r) => r.index > base).length - entries.length;
  // Segments holding nothing after the snapshot are not needed any more.
  const kept = segments.filter((s) => joins && s.lastIndex > base);
  for (const s of segments) if (!kept.includes(s)) s.remove();
  if (kept.length !== segments.length) syncDir(`${dir}/${MSGS_DIR}`);
  return { segments: kept, entries, report, nextId: (ids.at(-1) ?? 0) + 1 };
}
