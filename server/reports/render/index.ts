import type { ReportDocument } from "../document";
import type { ReportFormat } from "../schema";
import { renderCsv } from "./csv";
import { renderJson } from "./json";
import { renderPdf } from "./pdf";
import { renderXlsx } from "./xlsx";

export interface RenderedFile {
  format: ReportFormat;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
  json: "application/json",
};

const RENDERERS: Record<ReportFormat, (doc: ReportDocument) => Buffer | Promise<Buffer>> = {
  csv: renderCsv,
  xlsx: renderXlsx,
  pdf: renderPdf,
  json: renderJson,
};

/** "daily-revenue-2026-11-21": the report name and the period start, safe in any file system. */
export function fileStem(doc: ReportDocument): string {
  const slug = doc.title.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "report";
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: doc.timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(doc.period.from));
  return `${slug}-${day}`;
}

export async function renderReport(doc: ReportDocument, formats: ReportFormat[]): Promise<RenderedFile[]> {
  const stem = fileStem(doc);
  const out: RenderedFile[] = [];
  for (const format of formats) {
    out.push({ format, filename: `${stem}.${format}`, contentType: CONTENT_TYPES[format], bytes: await RENDERERS[format](doc) });
  }
  return out;
}
