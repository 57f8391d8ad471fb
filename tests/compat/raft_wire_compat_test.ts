/**
 * @module
 * The RAFT wire formats against real nats-server 2.9.10 traffic: a 3-server JetStream cluster
 * runs its meta group and an R3 stream group while a system-account client listens on
 * `$NRG.>`. Every vote request/response, append entry, append entry response and peer state it
 * sees must decode with server/raft's codecs and re-encode to the same bytes, carry node ids
 * equal to `nodeId(server_name)`, and use the group subjects and inboxes server/raft builds.
 * Skipped when nats-server is not installed. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { type Delivery, RawClient } from "../helpers/raw_client.ts";
import { natsServerAvailable } from "../helpers/spawn_server.ts";
import { bytesOf, createStream, NAMES, nextMsg, planCluster, spawn } from "./_raft_cluster.ts";
import { nodeId } from "../../server/raft/subjects.ts";
import {
  decodeAppendEntry,
  decodeAppendEntryResponse,
  encodeAppendEntry,
  encodeAppendEntryResponse,
  EntryType,
} from "../../server/raft/wire.ts";
import {
  decodeVoteRequest,
  decodeVoteResponse,
  encodeVoteRequest,
  encodeVoteResponse,
} from "../../server/raft/vote_wire.ts";
import { decodePeerState, encodePeerState } from "../../server/raft/peer_state.ts";
import { RaftNode } from "../../server/raft/node.ts";
import { MemoryLog } from "../../server/raft/log.ts";

Deno.test({
  name: "nats-server's $NRG traffic decodes and re-encodes byte for byte with server/raft",
  ignore: !natsServerAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { storeDir, confs } = await planCluster();
    const ids = new Set(NAMES.map(nodeId));
    // The first server alone has no quorum: listen on it before the others start, so the
    // meta group's traffic is seen from its first entry.
    const servers = [await spawn(confs[0])];
    try {
      await using sys = await RawClient.open({ host: "127.0.0.1", port: servers[0].port }, {
        user: "sys",
        pass: "sys",
      });
      await sys.send("SUB $NRG.> 1\r\n");
      await sys.flush();
      servers.push(await spawn(confs[1]), await spawn(confs[2]));
      // A denats node that only listens to the meta group's append entries (its answers go
      // nowhere) must follow the Go leader: same log, same commits, no catch-up needed.
      const passiveLog = new MemoryLog();
      const applied: string[] = [];
      const passive = new RaftNode({
        group: "_meta_",
        id: "PASSIVE1",
        peers: [...ids],
        log: passiveLog,
        random: Math.random,
        observer: true,
      });
      const t0 = Date.now();
      passive.start(0);
      const stored = new Map<number, Uint8Array>();
      let lastCommit = 0;
      await using user = await RawClient.open({ host: "127.0.0.1", port: servers[1].port }, {
        user: "a",
        pass: "a",
      });
      await createStream(user, Date.now() + 20_000);

      const seen = new Map<string, Delivery[]>();
      const kinds = () => [...seen.keys()];
      const deadline = Date.now() + 15_000;
      const want = ["vreq", "vresp", "ae-meta", "ae-stream", "aer", "peerstate"];
      const done = () =>
        want.every((k) => seen.has(k)) && applied.some((a) => a.includes('"RAFTS"'));
      while (Date.now() < deadline && !done()) {
        let d: Delivery;
        try {
          d = await nextMsg(sys, 1000);
        } catch {
          continue;
        }
        const data = bytesOf(d.payload);
        const add = (kind: string) => seen.set(kind, [...(seen.get(kind) ?? []), d]);
        if (d.subject.startsWith("$NRG.V.")) {
          const vr = decodeVoteRequest(data);
          assert.ok(vr, `vote request of ${data.length} bytes`);
          assert.deepEqual(encodeVoteRequest(vr), data);
          assert.ok(ids.has(vr.candidate), `candidate ${vr.candidate}`);
          assert.match(d.reply ?? "", /^\$NRG\.R\.[0-9A-Za-z]{8}$/);
          add("vreq");
        } else if (d.subject.startsWith("$NRG.AE.")) {
          const ae = decodeAppendEntry(data);
          assert.deepEqual(encodeAppendEntry(ae), data);
          assert.ok(ids.has(ae.leader), `leader ${ae.leader}`);
          assert.match(d.reply ?? "", /^\$NRG\.R\.[0-9A-Za-z]{8}$/);
          for (const e of ae.entries) {
            if (e.type !== EntryType.PeerState) continue;
            const ps = decodePeerState(e.data);
            assert.deepEqual(encodePeerState(ps), e.data);
            assert.equal(ps.clusterSize, 3);
            for (const peer of ps.knownPeers) assert.ok(ids.has(peer), `peer ${peer}`);
            add("peerstate");
          }
          if (d.subject === "$NRG.AE._meta_") {
            add("ae-meta");
            if (ae.entries.length > 0) stored.set(ae.pindex + 1, data);
            lastCommit = Math.max(lastCommit, ae.commit);
            const out = passive.step(Date.now() - t0, { subject: d.subject, reply: "", data });
            for (const o of out) {
              if (o.kind !== "apply") continue;
              for (const e of o.entries) applied.push(new TextDecoder().decode(e.data));
              passive.applied(o.index);
            }
          } else {
            assert.match(d.subject, /^\$NRG\.AE\.S-R3F-[0-9A-Za-z]{8}$/);
            add("ae-stream");
          }
        } else if (d.subject.startsWith("$NRG.R.") && data.length === 25) {
          const ar = decodeAppendEntryResponse(data)!;
          assert.deepEqual(encodeAppendEntryResponse(ar), data);
          assert.ok(ids.has(ar.peer), `responder ${ar.peer}`);
          add("aer");
        } else if (d.subject.startsWith("$NRG.R.") && data.length === 17) {
          const vr = decodeVoteResponse(data)!;
          assert.deepEqual(encodeVoteResponse(vr), data);
          assert.ok(ids.has(vr.peer), `voter ${vr.peer}`);
          add("vresp");
        }
      }
      for (const k of want) assert.ok(seen.has(k), `never saw ${k} (saw ${kinds()})`);
      assert.equal(passive.catchingUp, false);
      assert.ok(passive.commit > 0 && passive.commit >= lastCommit, `commit ${passive.commit}`);
      assert.equal(passive.lastIndex, Math.max(...stored.keys()));
      assert.equal(passive.leader.length, 8);
      assert.ok(ids.has(passive.leader));
      for (const [index, bytes] of stored) {
        assert.deepEqual(passiveLog.get(index)?.bytes, bytes, `entry ${index}`);
      }
      // The meta group's committed stream assignment reached the passive node's apply output.
      assert.ok(applied.some((a) => a.includes('"RAFTS"')), "stream assignment not applied");
    } finally {
      for (const s of servers) await s.close();
      await Deno.remove(storeDir, { recursive: true }).catch(() => {});
    }
  },
});
