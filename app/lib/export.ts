import Papa from "papaparse";
import { resultTable } from "./export-table";

/** The CSV of a result (header row, then rows); the same text the CLI prints with --format csv. */
export function resultCsv(kind: string, result: unknown): string {
  const table = resultTable(kind, result);
  return Papa.unparse({ fields: table.columns, data: table.rows.map((r) => r.map((c) => (c === null ? "" : c))) }, { newline: "\n", escapeFormulae: true });
}

export function resultJson(answer: unknown): string {
  return JSON.stringify(answer, null, 2) + "\n";
}

/** A client-side download of `text` as a file (browser only). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function exportName(name: string, ext: "csv" | "json"): string {
  const base = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "insight";
  return `${base}.${ext}`;
}
