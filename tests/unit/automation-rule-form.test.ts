// The automation edit form: a stored rule -> the form's values -> the rule the procedures take
// gives back the same rule (with the secret kept, filters and on/off carried over).
import { describe, expect, it } from "vitest";
import { ruleFromForm, ruleToValues, ruleUpdateFromForm } from "~/components/automations/rule-form.server";
import { REDACTED, automationInput, automationUpdate } from "../../server/automations/schema";

function formOf(values: Record<string, string>, extra: Record<string, string> = {}) {
  const f = new FormData();
  for (const [k, v] of Object.entries({ ...values, ...extra })) f.set(k, v);
  return f;
}

describe("automation rule form", () => {
  it("round-trips a webhook rule with an absence window and a custom dedup period", () => {
    const stored = {
      name: "Abandoned checkout",
      trigger: {
        event: "checkout_started",
        filters: [{ type: "event" as const, key: "price", operator: "gt" as const, value: 100 }],
        absentEvent: "booking_completed",
        withinSeconds: 5400,
      },
      delaySeconds: 600,
      action: { kind: "webhook" as const, url: "https://crm.example/hook" },
      dedupSeconds: 3600,
    };
    const values = ruleToValues(stored);
    expect(values).toMatchObject({ withinMinutes: "90", delayMinutes: "10", dedup: "seconds:3600", url: "https://crm.example/hook" });
    const rule = ruleFromForm(formOf(values, { secret: "0123456789abcdef" }));
    expect(rule).toEqual({ ...stored, action: { ...stored.action, secret: "0123456789abcdef" } });
  });

  it("round-trips an email rule that sends at most once per person per week", () => {
    const stored = {
      name: "Win back",
      trigger: { event: "booking_cancelled", filters: [] },
      delaySeconds: 0,
      action: { kind: "email" as const, to: ["a@example.com", "b@example.com"], toPersonProperty: "email", subject: "Still travelling?" },
      dedupSeconds: 604_800,
    };
    const values = ruleToValues(stored);
    expect(values.dedup).toBe("week");
    expect(ruleFromForm(formOf(values))).toEqual(stored);
  });

  it("an update sends the form's filters, keeps the secret when left blank and leaves on/off out", () => {
    const values = ruleToValues({
      name: "R",
      trigger: { event: "search" },
      delaySeconds: 0,
      action: { kind: "webhook", url: "https://h.example/x" },
      dedupSeconds: null,
    });
    expect(values.filters).toBe("[]");
    const filters = [{ type: "event", key: "origin", operator: "equals", value: "LIS" }, { type: "person", key: "plan", operator: "is_set" }];
    const update = ruleUpdateFromForm(formOf(values, { secret: "", filters: JSON.stringify(filters) }));
    expect(update.action).toEqual({ kind: "webhook", url: "https://h.example/x", secret: REDACTED });
    expect(update.trigger).toEqual({ event: "search", filters });
    expect("enabled" in update).toBe(false);
    expect(update.dedupSeconds).toBeNull();
    expect(automationUpdate.safeParse(update).success).toBe(true);
    expect(ruleUpdateFromForm(formOf(values, { secret: "0123456789abcdef" })).action).toEqual({ kind: "webhook", url: "https://h.example/x", secret: "0123456789abcdef" });
  });

  it("filters that are not JSON reach the schema as they are and are refused at trigger.filters", () => {
    const values = ruleToValues({ name: "R", trigger: { event: "search" }, delaySeconds: 0, action: { kind: "webhook", url: "https://h.example/x" }, dedupSeconds: null });
    const rule = ruleFromForm(formOf(values, { secret: "0123456789abcdef", filters: "{not json" }));
    const parsed = automationInput.safeParse(rule);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(["trigger", "filters"]);
  });
});
