import { cellType, formatCell, type ReportDocument } from "./document";

/** Subject and the plain-text summary of an emailed report: its first table, line by line. */
export function emailText(doc: ReportDocument): { subject: string; summary: string } {
  const lines = [doc.title, `Period: ${doc.periodLabel} (${doc.timezone})`, ""];
  const first = doc.tables[0];
  if (first) {
    lines.push(`${first.title}:`);
    first.rows.slice(0, 15).forEach((row, r) => {
      const [head, ...rest] = row;
      const values = rest.map((v, i) => `${first.columns[i + 1]!.label}: ${formatCell(v, cellType(first, r, i + 1))}`);
      lines.push(`  ${formatCell(head ?? null, "text")}: ${values.join(", ")}`);
    });
  }
  return { subject: `[Foresight] ${doc.title} - ${doc.periodLabel}`, summary: lines.join("\n") };
}
