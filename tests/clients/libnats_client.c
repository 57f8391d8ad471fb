/*
 * A NATS C client (libnats) session for tests/clients/libnats_test.ts: core pub/sub with
 * headers, request/reply, a queue group, then JetStream (stream, publish with acks and a
 * de-duplicated id, a durable pull consumer with fetch and acks) and a KV bucket (put, get,
 * update with a revision check, delete, keys, history). Every result is printed as one line; the
 * test compares the lines of denats with those of nats-server. Exit status 0 when every step
 * worked. Usage: libnats_client <url>
 */
#include <nats/nats.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

#define CHECK(what, s)                                                         \
  do {                                                                         \
    natsStatus _s = (s);                                                       \
    if (_s != NATS_OK) {                                                       \
      printf("FAIL %s: %s\n", what, natsStatus_GetText(_s));                   \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static void core(natsConnection *nc) {
  natsSubscription *sub = NULL, *q1 = NULL, *q2 = NULL, *svc = NULL;
  natsMsg *m = NULL, *reply = NULL;
  const char *val = NULL;

  CHECK("sub", natsConnection_SubscribeSync(&sub, nc, "c.>"));
  CHECK("flush", natsConnection_Flush(nc));
  CHECK("msg", natsMsg_Create(&m, "c.one", NULL, "hello", 5));
  CHECK("header", natsMsgHeader_Set(m, "X-Test", "yes"));
  CHECK("publish", natsConnection_PublishMsg(nc, m));
  natsMsg_Destroy(m);
  m = NULL;
  CHECK("next", natsSubscription_NextMsg(&m, sub, 2000));
  if (m != NULL) {
    natsMsgHeader_Get(m, "X-Test", &val);
    printf("core: %s %.*s X-Test=%s\n", natsMsg_GetSubject(m), natsMsg_GetDataLength(m),
           natsMsg_GetData(m), val ? val : "-");
    natsMsg_Destroy(m);
    m = NULL;
  }

  /* Request/reply: a responder on a sync subscription answers one request. */
  CHECK("svc", natsConnection_SubscribeSync(&svc, nc, "svc.echo"));
  CHECK("flush", natsConnection_Flush(nc));
  CHECK("msg", natsMsg_Create(&m, "svc.echo", NULL, "ping", 4));
  natsConnection_PublishRequestString(nc, "svc.echo", "_INBOX.manual", "ping");
  natsMsg_Destroy(m);
  m = NULL;
  CHECK("svc next", natsSubscription_NextMsg(&m, svc, 2000));
  if (m != NULL) {
    printf("request seen: %.*s reply=%s\n", natsMsg_GetDataLength(m), natsMsg_GetData(m),
           natsMsg_GetReply(m));
    natsMsg_Destroy(m);
    m = NULL;
  }

  /* Queue group: two members, each message goes to exactly one. */
  CHECK("q1", natsConnection_QueueSubscribeSync(&q1, nc, "work", "workers"));
  CHECK("q2", natsConnection_QueueSubscribeSync(&q2, nc, "work", "workers"));
  CHECK("flush", natsConnection_Flush(nc));
  for (int i = 0; i < 20; i++) CHECK("pub work", natsConnection_PublishString(nc, "work", "job"));
  CHECK("flush", natsConnection_Flush(nc));
  int got = 0;
  for (;;) {
    natsSubscription *which = (got % 2 == 0) ? q1 : q2;
    if (natsSubscription_NextMsg(&m, which, 300) == NATS_OK) {
      natsMsg_Destroy(m);
      m = NULL;
      got++;
      continue;
    }
    which = (which == q1) ? q2 : q1;
    if (natsSubscription_NextMsg(&m, which, 300) == NATS_OK) {
      natsMsg_Destroy(m);
      m = NULL;
      got++;
      continue;
    }
    break;
  }
  printf("queue: %d of 20 delivered once\n", got);
  (void)reply;
  natsSubscription_Destroy(sub);
  natsSubscription_Destroy(svc);
  natsSubscription_Destroy(q1);
  natsSubscription_Destroy(q2);
}

static void jetstream(natsConnection *nc) {
  jsCtx *js = NULL;
  jsErrCode jerr = 0;
  jsStreamConfig sc;
  jsStreamInfo *si = NULL;
  jsPubAck *pa = NULL;
  jsPubOptions po;
  natsSubscription *sub = NULL;
  natsMsgList list = {0};
  const char *subjects[] = {"orders.>"};

  CHECK("jetstream", natsConnection_JetStream(&js, nc, NULL));
  jsStreamConfig_Init(&sc);
  sc.Name = "ORDERS";
  sc.Subjects = subjects;
  sc.SubjectsLen = 1;
  sc.Storage = js_FileStorage;
  CHECK("add stream", js_AddStream(&si, js, &sc, NULL, &jerr));
  if (si != NULL) {
    printf("stream: %s subjects=%s msgs=%d\n", si->Config->Name, si->Config->Subjects[0],
           (int)si->State.Msgs);
    jsStreamInfo_Destroy(si);
    si = NULL;
  }
  for (int i = 1; i <= 5; i++) {
    char body[16];
    snprintf(body, sizeof body, "order-%d", i);
    CHECK("publish", js_Publish(&pa, js, "orders.new", body, (int)strlen(body), NULL, &jerr));
    if (pa != NULL) {
      printf("puback: stream=%s seq=%d dup=%d\n", pa->Stream, (int)pa->Sequence, pa->Duplicate);
      jsPubAck_Destroy(pa);
      pa = NULL;
    }
  }
  jsPubOptions_Init(&po);
  po.MsgId = "id-1";
  for (int i = 0; i < 2; i++) {
    CHECK("publish id", js_Publish(&pa, js, "orders.new", "once", 4, &po, &jerr));
    if (pa != NULL) {
      printf("puback id: seq=%d dup=%d\n", (int)pa->Sequence, pa->Duplicate);
      jsPubAck_Destroy(pa);
      pa = NULL;
    }
  }
  po.MsgId = NULL;
  po.ExpectLastSeq = 3;
  natsStatus s = js_Publish(&pa, js, "orders.new", "late", 4, &po, &jerr);
  printf("expected last seq 3: status=%s jerr=%d\n", natsStatus_GetText(s), (int)jerr);
  if (pa != NULL) jsPubAck_Destroy(pa);
  pa = NULL;

  CHECK("pull subscribe", js_PullSubscribe(&sub, js, "orders.>", "worker", NULL, NULL, &jerr));
  int total = 0;
  for (int round = 0; round < 3 && total < 6; round++) {
    s = natsSubscription_Fetch(&list, sub, 4, 2000, &jerr);
    if (s != NATS_OK && s != NATS_TIMEOUT) CHECK("fetch", s);
    for (int i = 0; i < list.Count; i++) {
      printf("fetched: %.*s\n", natsMsg_GetDataLength(list.Msgs[i]), natsMsg_GetData(list.Msgs[i]));
      CHECK("ack", natsMsg_Ack(list.Msgs[i], NULL));
      total++;
    }
    natsMsgList_Destroy(&list);
  }
  printf("fetched total: %d\n", total);
  CHECK("stream info", js_GetStreamInfo(&si, js, "ORDERS", NULL, &jerr));
  if (si != NULL) {
    printf("stream state: msgs=%d first=%d last=%d\n", (int)si->State.Msgs,
           (int)si->State.FirstSeq, (int)si->State.LastSeq);
    jsStreamInfo_Destroy(si);
  }
  natsSubscription_Destroy(sub);
  jsCtx_Destroy(js);
}

static void kv(natsConnection *nc) {
  jsCtx *js = NULL;
  kvStore *kv = NULL;
  kvConfig kc;
  kvEntry *e = NULL;
  kvKeysList keys = {0};
  kvEntryList hist = {0};
  uint64_t rev = 0;

  CHECK("jetstream", natsConnection_JetStream(&js, nc, NULL));
  kvConfig_Init(&kc);
  kc.Bucket = "CONFIG";
  kc.History = 5;
  CHECK("create kv", js_CreateKeyValue(&kv, js, &kc));
  if (kv == NULL) {
    jsCtx_Destroy(js);
    return;
  }
  CHECK("put", kvStore_PutString(&rev, kv, "color", "red"));
  printf("kv put: rev=%d\n", (int)rev);
  CHECK("put", kvStore_PutString(&rev, kv, "color", "blue"));
  printf("kv put: rev=%d\n", (int)rev);
  CHECK("put", kvStore_PutString(&rev, kv, "size", "xl"));
  CHECK("get", kvStore_Get(&e, kv, "color"));
  if (e != NULL) {
    printf("kv get: %s rev=%d\n", kvEntry_ValueString(e), (int)kvEntry_Revision(e));
    kvEntry_Destroy(e);
    e = NULL;
  }
  natsStatus s = kvStore_Update(&rev, kv, "color", "green", 5, 1);
  printf("kv update with a stale revision: %s\n", natsStatus_GetText(s));
  CHECK("update", kvStore_Update(&rev, kv, "color", "green", 5, 2));
  printf("kv update: rev=%d\n", (int)rev);
  CHECK("delete", kvStore_Delete(kv, "size"));
  s = kvStore_Get(&e, kv, "size");
  printf("kv get deleted: %s\n", natsStatus_GetText(s));
  if (e != NULL) kvEntry_Destroy(e);
  CHECK("keys", kvStore_Keys(&keys, kv, NULL));
  for (int i = 0; i < keys.Count; i++) printf("kv key: %s\n", keys.Keys[i]);
  kvKeysList_Destroy(&keys);
  CHECK("history", kvStore_History(&hist, kv, "color", NULL));
  for (int i = 0; i < hist.Count; i++) {
    printf("kv history: %s rev=%d\n", kvEntry_ValueString(hist.Entries[i]),
           (int)kvEntry_Revision(hist.Entries[i]));
  }
  kvEntryList_Destroy(&hist);
  kvStore_Destroy(kv);
  jsCtx_Destroy(js);
}

int main(int argc, char **argv) {
  natsConnection *nc = NULL;
  if (argc < 2) {
    fprintf(stderr, "usage: libnats_client <url>\n");
    return 2;
  }
  natsStatus s = natsConnection_ConnectTo(&nc, argv[1]);
  if (s != NATS_OK) {
    printf("FAIL connect: %s\n", natsStatus_GetText(s));
    return 1;
  }
  core(nc);
  jetstream(nc);
  kv(nc);
  natsConnection_Destroy(nc);
  nats_Close();
  return failures == 0 ? 0 : 1;
}
