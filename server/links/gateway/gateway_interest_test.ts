/**
 * @module
 * Gateway interest state: the outbound side's optimistic, transitioning and interest-only
 * modes (A-/A+/RS-/RS+, queue interest always explicit) and the inbound side's answers
 * (RS- once per subject, A- once, the switch past the threshold, RS+/A+ notices).
 */
import assert from "node:assert/strict";
import {
  InboundInterest,
  InterestMode,
  InterestNotice,
  NoInterestReply,
  OutboundInterest,
} from "./gateway_interest.ts";
import { parseRouteSub } from "../route/route_protocol.ts";

const enc = new TextEncoder();

function rsPlus(args: string) {
  const r = parseRouteSub(enc.encode(args), false);
  if (typeof r === "string") throw new Error(r);
  return r;
}

function wants(o: OutboundInterest, account: string, subject: string) {
  const b = enc.encode(subject);
  return o.interest(account, b, 0, b.length);
}

Deno.test("outbound optimistic mode sends until RS- or A-, and again after RS+ or A+", () => {
  const o = new OutboundInterest(false);
  assert.equal(wants(o, "$G", "foo").plain, true);
  o.subjectUnsub("$G", "foo", null, "$G foo");
  assert.equal(wants(o, "$G", "foo").plain, false);
  assert.equal(wants(o, "$G", "bar").plain, true);
  o.subjectSub(rsPlus("$G foo"));
  assert.equal(wants(o, "$G", "foo").plain, true, "RS+ clears the no-interest mark");
  o.subjectUnsub("$G", "a.b", null, "$G a.b");
  o.subjectSub(rsPlus("$G a.*"));
  assert.equal(wants(o, "$G", "a.b").plain, true, "a wildcard RS+ clears its subsets");
  o.accountUnsub("$G");
  assert.equal(wants(o, "$G", "bar").plain, false);
  o.accountSub("$G");
  assert.equal(wants(o, "$G", "bar").plain, true);
});

Deno.test("outbound interest-only: nothing without a matching RS+ once the remote says so", () => {
  const iom = new OutboundInterest(true);
  assert.equal(wants(iom, "$G", "foo").plain, false, "gateway_iom: no optimistic sends");
  const o = new OutboundInterest(false);
  o.allSubsStart("$G");
  o.subjectSub(rsPlus("$G foo.>"));
  o.allSubsComplete("$G");
  assert.equal(o.accounts.get("$G")?.mode, InterestMode.InterestOnly);
  assert.equal(wants(o, "$G", "foo.x").plain, true);
  assert.equal(wants(o, "$G", "bar").plain, false);
  o.subjectUnsub("$G", "foo.>", null, "$G foo.>");
  assert.equal(wants(o, "$G", "foo.x").plain, false);
});

Deno.test("outbound queue interest is explicit in every mode and survives A-", () => {
  const o = new OutboundInterest(true);
  o.subjectSub(rsPlus("$G work.* workers 1"));
  assert.equal(o.queueSubs, 1);
  const w = wants(o, "$G", "work.1");
  assert.equal(w.plain, false);
  assert.equal(w.queues?.qsubs[0][0].queue, "workers");
  o.accountUnsub("$G");
  assert.notEqual(wants(o, "$G", "work.1").queues, null, "queue entry kept");
  o.subjectUnsub("$G", "work.*", "workers", "$G work.* workers");
  assert.equal(o.queueSubs, 0);
  assert.equal(wants(o, "$G", "work.1").queues, null);
});

Deno.test("inbound: RS- once per subject, A- without subscriptions, switch past the threshold", () => {
  const i = new InboundInterest(3);
  assert.equal(i.noSubjectInterest("$G", "a", true), NoInterestReply.SubjectUnsub);
  assert.equal(i.noSubjectInterest("$G", "a", true), NoInterestReply.None);
  assert.equal(i.noSubjectInterest("$G", "b", true), NoInterestReply.SubjectUnsub);
  assert.equal(i.noSubjectInterest("$G", "c", true), NoInterestReply.SubjectUnsub);
  assert.equal(i.noSubjectInterest("$G", "d", true), NoInterestReply.SwitchToInterestOnly);
  assert.equal(i.beginInterestOnly("$G"), true);
  assert.equal(i.beginInterestOnly("$G"), false, "only once");
  assert.equal(i.noSubjectInterest("$G", "e", true), NoInterestReply.None);
  assert.equal(i.plainInterestChanged("$G", "x", true), InterestNotice.SubjectSub);
  assert.equal(i.plainInterestChanged("$G", "x", false), InterestNotice.SubjectUnsub);
  assert.equal(i.noSubjectInterest("ACC", "a", false), NoInterestReply.AccountUnsub);
  assert.equal(i.noAccountInterest("ACC"), false, "A- once");
  assert.equal(i.plainInterestChanged("ACC", "y", true), InterestNotice.AccountSub);
  assert.equal(i.noAccountInterest("ACC"), true, "A- again after A+");
});

Deno.test("inbound optimistic: a new subscription clears an RS- with an RS+", () => {
  const i = new InboundInterest();
  i.noSubjectInterest("$G", "foo.bar", true);
  assert.equal(i.plainInterestChanged("$G", "other", true), InterestNotice.None);
  assert.equal(i.plainInterestChanged("$G", "foo.*", true), InterestNotice.SubjectSub);
  assert.equal(i.plainInterestChanged("$G", "foo.*", false), InterestNotice.None);
});
