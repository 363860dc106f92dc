// Builds the shared zod input (server/reports/schema) from the report form.
import { reportInput } from "../../../server/reports/schema";
import { parseForm, text } from "~/lib/forms.server";

export function reportFromForm(form: FormData) {
  const kind = text(form, "kind");
  const insightId = text(form, "insightId");
  return parseForm(reportInput, {
    name: text(form, "name"),
    kind,
    params: kind === "insight" && insightId ? { insightId } : {},
    cron: text(form, "cron"),
    timezone: text(form, "timezone").trim() || undefined,
    formats: form.getAll("formats").filter((f): f is string => typeof f === "string"),
    recipients: text(form, "recipients").split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean),
    delivery: text(form, "delivery") || "attachment",
    enabled: form.get("enabled") === "on",
  });
}
