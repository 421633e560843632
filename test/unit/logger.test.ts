// The log is a second line of defence behind "ids and codes only": a field named like personal data
// is censored wherever it sits — at the top level, nested, in arrays, in child bindings, inside an
// error — and Bolt's debug output (request and response bodies) never reaches the log.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, REDACTED_KEYS } from "../../src/lib/logger.ts";
import { boltLogger } from "../../src/slack/app.ts";

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => lines.join(""), lines };
}

// values that cannot turn up by chance in timestamps, pids or hostnames
const CLIENT = {
  name: "Olena Zvarych-Test",
  displayName: "Olena Z.",
  phone: "+49 521 0000 4711",
  text: "Mein Vermieter droht mir",
  chatId: 734_519_862,
  token: "123456:SECRET-token-value",
  body: "v1.abc.ciphertext-body",
  secret: "shh-the-secret",
  address: "Hauptstr. 99, Bielefeld",
  notes: "schwanger, Arzttermin",
};
const VALUES = Object.values(CLIENT).map(String);

function expectClean(out: string) {
  for (const v of VALUES) expect(out, `log contains ${v}`).not.toContain(v);
}

describe("logger redaction", () => {
  it("censors personal fields at the top level, nested, deep and in arrays", () => {
    const s = sink();
    const log = createLogger("debug", "test", s.stream);
    log.info(CLIENT, "top level");
    log.info({ client: CLIENT }, "nested");
    log.info({ job: { data: { client: CLIENT } } }, "deep");
    log.info({ batch: [CLIENT, { inner: [CLIENT] }] }, "in arrays");
    log.debug({ update: { message: { chat: { id: 1 }, ...CLIENT } } }, "debug too");
    const out = s.text();
    expectClean(out);
    expect(s.lines).toHaveLength(5);
    // the rest of the record survives, the censored fields say so
    const first = JSON.parse(s.lines[0]!);
    expect(first.msg).toBe("top level");
    // the record's own "name" is censored, the logger's name stays
    expect(s.lines[0]).toContain('"name":"test"');
    for (const k of Object.keys(CLIENT)) expect(first[k]).toBe("[redacted]");
    expect(JSON.parse(s.lines[2]!).job.data.client.phone).toBe("[redacted]");
  });

  it("does not change the object the caller logged", () => {
    const s = sink();
    const record = { caseId: "c1", client: { ...CLIENT } };
    createLogger("info", "test", s.stream).info(record, "x");
    expect(record.client.phone).toBe(CLIENT.phone);
    expect(JSON.parse(s.lines[0]!).caseId).toBe("c1");
  });

  it("censors child bindings and properties of logged errors", () => {
    const s = sink();
    const log = createLogger("info", "test", s.stream);
    const child = log.child({ chatId: CLIENT.chatId, token: CLIENT.token, client: { phone: CLIENT.phone } });
    child.info("child");
    child.child({ deep: { a: { b: { address: CLIENT.address } } } }).info({ caseId: "c1" }, "grandchild");
    // a Bot API error carries the request payload (chat_id, text) as a property
    const err = Object.assign(new Error("Bad Request"), {
      payload: { chat_id: CLIENT.chatId, text: CLIENT.text, name: CLIENT.name },
    });
    log.error({ err }, "send failed");
    log.error({ wrapped: { err } }, "send failed nested");
    const out = s.text();
    expectClean(out);
    expect(JSON.parse(s.lines[1]!).caseId).toBe("c1");
    const logged = JSON.parse(s.lines[2]!);
    expect(logged.err).toMatchObject({ type: "Error", message: "Bad Request" });
    expect(logged.err.payload.chat_id).toBe("[redacted]");
  });

  it("survives cycles and very deep objects", () => {
    const s = sink();
    const a: Record<string, unknown> = { phone: CLIENT.phone };
    a.self = a;
    let deep: Record<string, unknown> = { text: CLIENT.text };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    createLogger("info", "test", s.stream).info({ a, deep }, "odd shapes");
    expectClean(s.text());
    expect(s.lines).toHaveLength(1);
  });

  it("lists the keys it censors", () => {
    for (const k of [
      "text",
      "phone",
      "name",
      "chatId",
      "token",
      "displayName",
      "body",
      "secret",
      "address",
      "notes",
    ])
      expect(REDACTED_KEYS).toContain(k);
  });
});

describe("Bolt's logger", () => {
  it("drops Bolt's and the Web API client's debug output, even at LOG_LEVEL=debug", () => {
    const s = sink();
    const bolt = boltLogger(createLogger("debug", "test", s.stream));
    bolt.debug(JSON.stringify({ event: { type: "message", text: CLIENT.text, user: "U1" } }));
    bolt.debug(`http request body: ${JSON.stringify({ channel: "D1", text: CLIENT.text })}`);
    bolt.debug(`ack() response sent (body: ${CLIENT.name})`);
    expect(s.lines).toHaveLength(0);
    expect(bolt.getLevel()).not.toBe("debug");
  });

  it("keeps warnings and errors, short", () => {
    const s = sink();
    const bolt = boltLogger(createLogger("debug", "test", s.stream));
    bolt.warn("An incoming event was not acknowledged within 3 seconds.");
    bolt.error(new Error(`An API error occurred: ${"x".repeat(5000)}`));
    expect(s.lines).toHaveLength(2);
    expect(JSON.parse(s.lines[0]!).msg).toContain("not acknowledged");
    expect(JSON.parse(s.lines[1]!).msg.length).toBeLessThan(400);
  });
});
