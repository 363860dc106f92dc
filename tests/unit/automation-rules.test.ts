import { describe, expect, it } from "vitest";
import { absenceHolds, automationInput, dedupSlot, dueAt, membersCsv, REDACTED } from "../../server/automations";
import { canonicalJson, emailRecipients } from "../../server/automations/send";

const base = { name: "Abandoned", action: { kind: "webhook", url: "https://hooks.example/a", secret: "0123456789abcdef" } };
const t = (iso: string) => new Date(iso);

describe("automation rule schema", () => {
  it("takes the abandoned-checkout rule and fills the defaults", () => {
    const rule = automationInput.parse({ ...base, trigger: { event: "checkout_started", absentEvent: "booking_completed", withinSeconds: 3600 }, delaySeconds: 3600 });
    expect(rule).toEqual({
      name: "Abandoned",
      trigger: { event: "checkout_started", filters: [], absentEvent: "booking_completed", withinSeconds: 3600 },
      delaySeconds: 3600,
      action: base.action,
      dedupSeconds: null,
      enabled: true,
    });
  });

  it("rejects bad rules naming the field", () => {
    const issue = (input: unknown) => {
      const r = automationInput.safeParse(input);
      return r.success ? null : r.error.issues.map((i) => i.path.join("."));
    };
    expect(issue({ ...base, trigger: { event: "checkout_started", absentEvent: "booking_completed" } })).toEqual(["trigger.withinSeconds"]);
    expect(issue({ ...base, trigger: { event: "checkout_started", withinSeconds: 60 } })).toEqual(["trigger.withinSeconds"]);
    expect(issue({ ...base, trigger: { event: "" } })).toEqual(["trigger.event"]);
    expect(issue({ ...base, trigger: { event: "x" }, delaySeconds: -1 })).toEqual(["delaySeconds"]);
    expect(issue({ ...base, trigger: { event: "x" }, delaySeconds: 91 * 86400 })).toEqual(["delaySeconds"]);
    expect(issue({ ...base, trigger: { event: "x" }, dedupSeconds: 10 })).toEqual(["dedupSeconds"]);
    expect(issue({ ...base, trigger: { event: "x" }, action: { kind: "webhook", url: "ftp://x", secret: "0123456789abcdef" } })).toEqual(["action.url"]);
    expect(issue({ ...base, trigger: { event: "x" }, action: { kind: "webhook", url: "https://x.test", secret: "short" } })).toEqual(["action.secret"]);
    expect(issue({ ...base, trigger: { event: "x" }, action: { kind: "email", subject: "Hi" } })).toEqual(["action.to"]);
    expect(issue({ ...base, trigger: { event: "x" }, action: { kind: "email", to: ["not-an-address"], subject: "Hi" } })).toEqual(["action.to.0"]);
    expect(issue({ ...base, trigger: { event: "x", filters: [{ type: "event", key: "price", operator: "gt", value: "a lot" }] } })).not.toBeNull();
    expect(issue({ ...base, trigger: { event: "x" }, extra: 1 })).toEqual([""]);
    // The redaction marker passes the schema (so an edit can keep the stored secret); the store refuses it for new rules.
    expect(issue({ ...base, trigger: { event: "x" }, action: { ...base.action, secret: REDACTED } })).toBeNull();
  });
});

describe("absence window on hand-made sequences", () => {
  const checkout = t("2026-03-01T10:00:00.000Z");
  const hour = 3600;
  it("holds when no booking follows within the hour", () => {
    expect(absenceHolds(checkout, [], hour)).toBe(true);
    // Before the checkout, or after the window: not in it.
    expect(absenceHolds(checkout, [t("2026-03-01T09:59:59.999Z"), t("2026-03-01T11:00:00.001Z")], hour)).toBe(true);
  });
  it("fails when a booking falls in the window, both ends included", () => {
    expect(absenceHolds(checkout, [t("2026-03-01T10:30:00.000Z")], hour)).toBe(false);
    expect(absenceHolds(checkout, [checkout], hour)).toBe(false);
    expect(absenceHolds(checkout, [t("2026-03-01T11:00:00.000Z")], hour)).toBe(false);
    expect(absenceHolds(checkout, [t("2026-02-28T10:00:00.000Z"), t("2026-03-01T10:59:00.000Z")], hour)).toBe(false);
  });
  it("a person with two checkouts: the booked one does not hold, the later abandoned one does", () => {
    const bookings = [t("2026-03-01T10:20:00.000Z")];
    expect(absenceHolds(checkout, bookings, hour)).toBe(false);
    expect(absenceHolds(t("2026-03-02T18:00:00.000Z"), bookings, hour)).toBe(true);
  });
  it("acts after the delay, and never before the window closes", () => {
    expect(dueAt(checkout, { delaySeconds: 3600, withinSeconds: 3600 })).toEqual(t("2026-03-01T11:00:00.000Z"));
    expect(dueAt(checkout, { delaySeconds: 600, withinSeconds: 3600 })).toEqual(t("2026-03-01T11:00:00.000Z"));
    expect(dueAt(checkout, { delaySeconds: 7200, withinSeconds: 3600 })).toEqual(t("2026-03-01T12:00:00.000Z"));
    expect(dueAt(checkout, { delaySeconds: 0 })).toEqual(checkout);
  });
  it("dedup slots: once ever, or one per fixed period", () => {
    expect(dedupSlot(checkout, null)).toBe("once");
    expect(dedupSlot(t("2026-03-01T00:00:00.000Z"), 86400)).toBe(dedupSlot(t("2026-03-01T23:59:59.999Z"), 86400));
    expect(dedupSlot(t("2026-03-01T23:59:59.999Z"), 86400)).not.toBe(dedupSlot(t("2026-03-02T00:00:00.000Z"), 86400));
    // 2026-03-01 is day 20513 since the epoch.
    expect(dedupSlot(checkout, 86400)).toBe("p86400:20513");
  });
});

describe("action helpers", () => {
  it("canonical JSON sorts keys at every level so retries sign the same bytes", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
  it("email goes to fixed addresses and the person's own, once each", () => {
    const action = { kind: "email" as const, to: ["crm@acme.test"], toPersonProperty: "email", subject: "Hi" };
    const person = (email: unknown) => ({ id: "p", distinctIds: [], properties: { email } });
    expect(emailRecipients(action, person("ann@x.test"))).toEqual(["crm@acme.test", "ann@x.test"]);
    expect(emailRecipients(action, person("crm@acme.test"))).toEqual(["crm@acme.test"]);
    expect(emailRecipients(action, person("not an address"))).toEqual(["crm@acme.test"]);
    expect(emailRecipients(action, person(42))).toEqual(["crm@acme.test"]);
  });
  it("the members CSV quotes as needed and defuses formulas", () => {
    const csv = membersCsv(
      [{ personId: "p1", distinctIds: ["a", "b"], properties: { name: "Smith, Ann", plan: "=HYPERLINK(1)", n: 3 } }],
      ["name", "plan", "n", "missing"],
    );
    expect(csv).toBe('person_id,distinct_ids,name,plan,n,missing\np1,a b,"Smith, Ann",\'=HYPERLINK(1),3,\n');
  });
});
