// The payload of telegram.send names a template: a key of the client namespace or of another
// namespace ("casework:goodbye" at closure, "casework:checkin" for a silent case); nothing else.
import { describe, expect, it } from "vitest";
import { GOODBYE_TEMPLATE } from "../../src/modules/cases/casework.service.ts";
import { CHECKIN_TEMPLATE } from "../../src/modules/cases/monitoring.service.ts";
import { JOBS } from "../../src/queue/jobs.ts";

const payload = (template: string) => ({
  clientId: "0190a5a2-7c1e-7000-8000-000000000001",
  template,
  key: "k1",
});

describe("telegram.send template", () => {
  it.each([
    ["relay.forwarded", true],
    [GOODBYE_TEMPLATE, true],
    [CHECKIN_TEMPLATE, true],
    ["appointments-x:offer.title", true],
    ["Relay.forwarded", false],
    ["casework:", false],
    [":goodbye", false],
    ["a:b:c", false],
    ["relay forwarded", false],
    ["{{x}}", false],
  ])("%s → %s", (template, ok) => {
    expect(JOBS["telegram.send"].schema.safeParse(payload(template)).success).toBe(ok);
  });
});
