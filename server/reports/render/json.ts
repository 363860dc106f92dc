import type { ReportDocument } from "../document";

/** The document model itself: tables keep their column types, numbers stay numbers. */
export function renderJson(doc: ReportDocument): Buffer {
  return Buffer.from(`${JSON.stringify({ version: 1, ...doc }, null, 2)}\n`, "utf8");
}
