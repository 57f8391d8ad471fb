/**
 * @module
 * RePublish of a stored message (nats-server 2.9.10 stream.go processJetStreamMsg's republish):
 * a message whose subject matches the republish source goes to the transformed destination
 * with `Nats-Stream`, `Nats-Subject`, `Nats-Sequence`, `Nats-Last-Sequence` (and, headers
 * only, `Nats-Msg-Size` with an empty payload). PURE: no Deno APIs, timers or console output.
 */
import type { SubjectTransform } from "../../accounts/mapping.ts";
import { subjectIsSubsetMatch } from "../api/_subjects.ts";
import { appendHeaders } from "./direct_get.ts";

/** What to publish for a stored message, or null when its subject is not republished. */
export function republishOf(
  t: SubjectTransform,
  headersOnly: boolean,
  stream: string,
  m: { subject: string; header: Uint8Array | null; data: Uint8Array; seq: number; last: number },
): { dest: string; data: Uint8Array; headers: Uint8Array } | null {
  if (!subjectIsSubsetMatch(m.subject, t.src)) return null;
  const pairs: [string, string][] = [
    ["Nats-Stream", stream],
    ["Nats-Subject", m.subject],
    ["Nats-Sequence", String(m.seq)],
    ["Nats-Last-Sequence", String(m.last)],
  ];
  if (headersOnly) pairs.push(["Nats-Msg-Size", String(m.data.length)]);
  return {
    dest: t.apply(m.subject.split(".")),
    data: headersOnly ? new Uint8Array(0) : m.data,
    headers: appendHeaders(m.header, pairs),
  };
}
