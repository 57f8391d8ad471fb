import assert from "node:assert/strict";
import { isMoveRequest, movePeerSet, moveProgressText, moveStep } from "./stream_move.ts";
import type { StreamConfig } from "../api/stream_config.ts";

const cfg = (placement?: StreamConfig["placement"]) => ({ name: "S", placement }) as StreamConfig;

Deno.test("stream move: a placement given and different is a move", () => {
  assert.equal(isMoveRequest(cfg(), cfg()), false);
  assert.equal(isMoveRequest(cfg({ cluster: "A" }), cfg()), false, "no placement: no move");
  assert.equal(isMoveRequest(cfg({ cluster: "A" }), cfg({ cluster: "A" })), false);
  assert.equal(isMoveRequest(cfg({ cluster: "A" }), cfg({ cluster: "B" })), true);
  assert.equal(isMoveRequest(cfg(), cfg({ tags: ["az:b"] })), true);
  assert.equal(isMoveRequest(cfg({ tags: ["x"] }), cfg({ tags: ["x"] })), false);
});

Deno.test("stream move: old members not chosen again, then the chosen ones", () => {
  assert.deepEqual(movePeerSet(["a", "b"], ["c", "d"]), ["a", "b", "c", "d"]);
  assert.deepEqual(movePeerSet(["a", "b"], ["b", "c"]), ["a", "b", "c"]);
});

Deno.test("stream move: 10124's progress text", () => {
  assert.equal(moveProgressText(4, null, true), "all 4 peers offline");
  assert.equal(moveProgressText(4, null, false, "timeout"), "error retrieving info: timeout");
  const info = { leader: "a", replicas: [{ current: true, lag: 0 }, { current: false, lag: 7 }] };
  assert.equal(
    moveProgressText(3, info, false),
    "total peers: 3, current peers: 2, combined lag: 7",
  );
});

Deno.test("stream move: the old leader hands over on a quorum of new members, a new one scales down", () => {
  const peers = ["o1", "o2", "o3", "n1", "n2", "n3"];
  assert.equal(moveStep("o1", ["o1", "o2", "o3"], 3, new Set()), null, "not moving");
  assert.equal(moveStep("o1", peers, 3, new Set(["n1"])), null, "one of three current");
  assert.deepEqual(moveStep("o1", peers, 3, new Set(["o2", "n2", "n3"])), {
    kind: "transfer",
    to: "n2",
  });
  assert.deepEqual(moveStep("n2", peers, 3, new Set()), {
    kind: "scale-down",
    peers: ["n1", "n2", "n3"],
    old: ["o1", "o2", "o3"],
  });
});
