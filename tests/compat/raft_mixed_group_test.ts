/**
 * @module
 * A denats RAFT node inside a nats-server 2.9.10 group: three Go servers run an R3 stream; a
 * denats node joins the stream's group over a system-account connection (its `$NRG`
 * subscriptions and publishes bridged by this test), is caught up by the Go leader and added as
 * a peer, wins an election, has the Go followers acknowledge and commit its entries, catches up
 * a Go server that was down, then hands leadership back with a LeaderTransfer entry that a Go
 * server acts on. Skipped when nats-server
 * is not installed. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import { natsServerAvailable } from "../helpers/spawn_server.ts";
import { bytesOf, createStream, NAMES, nextMsg, planCluster, spawn } from "./_raft_cluster.ts";
import { MemoryLog, nodeId, RaftNode, type RaftOutput } from "../../server/raft/mod.ts";
import { decodeAppendEntryResponse, EntryType } from "../../server/raft/wire.ts";

const ME = "DENATS01";

Deno.test({
  name: "a denats node is caught up, elected and followed inside a nats-server RAFT group",
  ignore: !natsServerAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { storeDir, confs } = await planCluster();
    const goIds = NAMES.map(nodeId);
    const servers = [];
    for (const conf of confs) servers.push(await spawn(conf));
    try {
      await using sys = await RawClient.open({ host: "127.0.0.1", port: servers[0].port }, {
        user: "sys",
        pass: "sys",
      });
      await sys.send("SUB $NRG.AE.* 1\r\n");
      await sys.flush();
      await using user = await RawClient.open({ host: "127.0.0.1", port: servers[1].port }, {
        user: "a",
        pass: "a",
      });
      await createStream(user, Date.now() + 20_000);
      for (let i = 0; i < 5; i++) await user.send(`PUB raft.s 2\r\nm${i}\r\n`);

      // The stream's group name, from its leader's append entries.
      let group = "";
      const findBy = Date.now() + 10_000;
      while (group === "" && Date.now() < findBy) {
        const d = await nextMsg(sys, 2000).catch(() => undefined);
        if (d && d.subject !== "$NRG.AE._meta_") group = d.subject.slice("$NRG.AE.".length);
      }
      assert.match(group, /^S-R3F-[0-9A-Za-z]{8}$/);
      await sys.send("UNSUB 1\r\n");

      const node = new RaftNode({
        group,
        id: ME,
        peers: goIds,
        log: new MemoryLog(),
        random: Math.random,
        observer: true,
      });
      const t0 = Date.now();
      const now = () => Date.now() - t0;
      const sids = new Map<string, number>();
      const bySid = new Map<string, string>();
      let nextSid = 100;
      const applied: { index: number; type: number; data: string }[] = [];
      const acks = new Set<string>();
      const lagAcks: { peer: string; index: number }[] = [];
      const catchupAsks = new Set<string>();
      const bridge = async (outputs: RaftOutput[]) => {
        for (const o of outputs) {
          if (o.kind === "subscribe") {
            const sid = nextSid++;
            sids.set(o.subject, sid);
            bySid.set(String(sid), o.subject);
            await sys.send(`SUB ${o.subject} ${sid}\r\n`);
          } else if (o.kind === "unsubscribe") {
            const sid = sids.get(o.subject);
            if (sid !== undefined) await sys.send(`UNSUB ${sid}\r\n`);
            sids.delete(o.subject);
          } else if (o.kind === "send") {
            const head = new TextEncoder().encode(
              `PUB ${o.subject} ${o.reply} ${o.data.length}\r\n`.replace("  ", " "),
            );
            const frame = new Uint8Array(head.length + o.data.length + 2);
            frame.set(head);
            frame.set(o.data, head.length);
            frame.set([13, 10], head.length + o.data.length);
            await sys.send(frame);
          } else if (o.kind === "apply") {
            for (const e of o.entries) {
              applied.push({
                index: o.index,
                type: e.type,
                data: new TextDecoder().decode(e.data),
              });
            }
            node.applied(o.index);
          }
        }
      };
      const pump = async (until: () => boolean, ms: number) => {
        const deadline = Date.now() + ms;
        while (!until() && Date.now() < deadline) {
          const d = await nextMsg(sys, 20).catch(() => undefined);
          if (d && bySid.has(d.sid) && sids.has(bySid.get(d.sid)!)) {
            const data = bytesOf(d.payload);
            if (data.length === 25 && d.subject.startsWith("$NRG.R.")) {
              const ar = decodeAppendEntryResponse(data);
              if (ar?.success && goIds.includes(ar.peer)) acks.add(ar.peer);
              if (ar?.success) lagAcks.push({ peer: ar.peer, index: ar.index });
              if (ar && !ar.success && d.reply?.startsWith("$NRG.CR.")) catchupAsks.add(ar.peer);
            }
            await bridge(node.step(now(), { subject: d.subject, reply: d.reply ?? "", data }));
          }
          if (now() >= node.nextDeadline()) await bridge(node.tick(now()));
        }
        return until();
      };
      await bridge(node.start(now()));

      // 1. The Go leader catches us up from its log and proposes us as a peer.
      const added = () =>
        applied.some((a) => a.type === EntryType.AddPeer && a.data === ME) && !node.catchingUp;
      assert.ok(await pump(added, 20_000), `not added (index ${node.lastIndex})`);
      assert.ok(goIds.includes(node.leader), `leader ${node.leader}`);
      assert.equal(node.clusterSize, 4);
      const goLeader = node.leader;

      // 2. We campaign and the Go servers vote for us (we campaign again when a Go member
      //    won the round first).
      node.setObserver(false, now());
      let won = false;
      for (let round = 0; round < 3 && !won; round++) {
        if (node.state === "FOLLOWER") await bridge(node.campaign(now()));
        won = await pump(() => node.state === "LEADER", 10_000);
      }
      assert.ok(won, `state ${node.state}`);
      const ourFirst = node.lastIndex; // our peer state entry

      // 3. Go followers acknowledge and our entries commit with their votes of confidence.
      acks.clear();
      assert.ok(
        await pump(() => node.commit >= ourFirst && acks.size >= 2, 10_000),
        `commit ${node.commit} < ${ourFirst}, acks from ${[...acks]}`,
      );

      // 4. A Go server that was down while we appended entries is caught up from our log: it
      //    asks on a catch-up inbox and acknowledges our last index.
      const lagging = 2;
      await servers[lagging].close();
      const lagId = goIds[lagging];
      const encoder = new TextEncoder();
      for (let i = 0; i < 5; i++) {
        // Peer state entries: replicated and applied by the Go side without touching the stream.
        const peers = [...goIds, ME];
        const data = new Uint8Array(8 + 8 * peers.length + 2);
        new DataView(data.buffer).setUint32(0, 4, true);
        new DataView(data.buffer).setUint32(4, peers.length, true);
        peers.forEach((p, k) => data.set(encoder.encode(p), 8 + 8 * k));
        await bridge(node.proposeEntries(now(), [{ type: EntryType.PeerState, data }]));
      }
      const last = node.lastIndex;
      assert.ok(await pump(() => node.commit >= last, 10_000), `commit ${node.commit} < ${last}`);
      lagAcks.length = 0;
      servers[lagging] = await spawn(confs[lagging]);
      assert.ok(
        await pump(() => lagAcks.some((a) => a.peer === lagId && a.index >= last), 20_000),
        `${lagId} acknowledged ${JSON.stringify(lagAcks.filter((a) => a.peer === lagId))}`,
      );
      assert.ok(catchupAsks.has(lagId), "the restarted server did not ask for a catch-up");
      assert.equal(node.state, "LEADER");

      // 5. We hand leadership to a Go server with a LeaderTransfer entry; it takes over.
      const target = goIds.find((id) => id !== goLeader && id !== lagId) ?? goIds[0];
      await bridge(node.stepDown(now(), target));
      assert.ok(
        await pump(() => node.state === "FOLLOWER" && goIds.includes(node.leader), 15_000),
        `after transfer: ${node.state}, leader ${node.leader}`,
      );
      assert.equal(node.leader, target);
    } finally {
      for (const s of servers) await s.close();
      await Deno.remove(storeDir, { recursive: true }).catch(() => {});
    }
  },
});
