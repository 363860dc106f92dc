import Papa from "papaparse";
import type { Cell, ReportDocument } from "../document";

/**
 * One CSV file: a header block (report, period, time zone, generated), then each table as a title
 * row, a header row and its rows, tables separated by an empty line. Numbers are written raw
 * (full precision, no thousands separators) so spreadsheets read them as numbers; text that
 * would start a formula is escaped.
 */
export function renderCsv(doc: ReportDocument): Buffer {
  const lines: Cell[][] = [
    ["Report", doc.title],
    ["Period", doc.periodLabel],
    ["From", doc.period.from],
    ["To", doc.period.to],
    ["Time zone", doc.timezone],
    ["Generated", doc.generatedAt],
  ];
  for (const t of doc.tables) {
    lines.push([], [t.title], t.columns.map((c) => c.label), ...t.rows);
  }
  const text = Papa.unparse(lines.map((r) => r.map((c) => (c === null ? "" : c))), { newline: "\r\n", escapeFormulae: true });
  return Buffer.from(`${text}\r\n`, "utf8");
}
