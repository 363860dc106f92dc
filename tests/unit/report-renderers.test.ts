import ExcelJS from "exceljs";
import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReportDocument } from "../../server/reports/document";
import { renderCsv } from "../../server/reports/render/csv";
import { fileStem, renderReport } from "../../server/reports/render";
import { renderJson } from "../../server/reports/render/json";
import { renderPdf } from "../../server/reports/render/pdf";
import { renderXlsx } from "../../server/reports/render/xlsx";

// A hand-made document: the figures below are what every renderer must carry unchanged.
const DOC: ReportDocument = {
  title: "Daily revenue summary",
  periodLabel: "Sat 21 Nov 2026",
  period: { from: "2026-11-20T23:00:00.000Z", to: "2026-11-21T23:00:00.000Z" },
  timezone: "Europe/Berlin",
  generatedAt: "2026-11-22T07:00:05.000Z",
  tables: [
    {
      title: "Summary",
      columns: [
        { label: "Metric", type: "text" },
        { label: "Sat 21 Nov 2026", type: "number" },
        { label: "Fri 20 Nov 2026", type: "number" },
        { label: "Change", type: "percent" },
      ],
      rowTypes: ["money", "integer", "percent"],
      rows: [
        ["Revenue", 12345.67, 10000, 0.234567],
        ["Bookings", 42, 40, 0.05],
        ["Search-to-booking conversion", 0.125, null, null],
      ],
      note: "Change: relative to Fri 20 Nov 2026.",
    },
    {
      title: "Revenue by provider",
      columns: [
        { label: "Provider", type: "text" },
        { label: "Revenue", type: "money" },
        { label: "Bookings", type: "integer" },
      ],
      rows: [
        ["Acme Air, \"the big one\"", 9000.5, 30],
        ["=HYPERLINK(\"x\")", -12.25, 1],
        ["(none)", 3357.42, 11],
      ],
    },
  ],
};

describe("CSV", () => {
  it("parses back to the same tables, numbers raw, formula-like text escaped", () => {
    const text = renderCsv(DOC).toString("utf8");
    const rows = Papa.parse<string[]>(text.trim(), { skipEmptyLines: false }).data;
    expect(rows[0]).toEqual(["Report", "Daily revenue summary"]);
    expect(rows[1]).toEqual(["Period", "Sat 21 Nov 2026"]);
    expect(rows[4]).toEqual(["Time zone", "Europe/Berlin"]);
    const summary = rows.findIndex((r) => r[0] === "Summary");
    expect(rows[summary + 1]).toEqual(["Metric", "Sat 21 Nov 2026", "Fri 20 Nov 2026", "Change"]);
    expect(rows[summary + 2]).toEqual(["Revenue", "12345.67", "10000", "0.234567"]);
    expect(rows[summary + 4]).toEqual(["Search-to-booking conversion", "0.125", "", ""]);
    const providers = rows.findIndex((r) => r[0] === "Revenue by provider");
    expect(rows[providers - 1]).toEqual([""]);
    expect(rows[providers + 2]).toEqual(['Acme Air, "the big one"', "9000.5", "30"]);
    expect(rows[providers + 3]).toEqual(["'=HYPERLINK(\"x\")", "-12.25", "1"]);
    expect(rows[providers + 4]).toEqual(["(none)", "3357.42", "11"]);
  });
});

describe("XLSX", () => {
  it("has one sheet per table with typed numbers and number formats", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(DOC)) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Summary", "Revenue by provider"]);
    expect(wb.title).toBe("Daily revenue summary");
    const s = wb.getWorksheet("Summary")!;
    expect(s.getRow(1).values).toEqual([undefined, "Metric", "Sat 21 Nov 2026", "Fri 20 Nov 2026", "Change"]);
    expect(s.getRow(1).font?.bold).toBe(true);
    expect(s.getCell("B2").value).toBe(12345.67);
    expect(s.getCell("B2").numFmt).toBe("#,##0.00");
    expect(s.getCell("B3").value).toBe(42);
    expect(s.getCell("B3").numFmt).toBe("#,##0");
    expect(s.getCell("B4").numFmt).toBe("0.0%");
    expect(s.getCell("C4").value).toBeNull();
    expect(s.getCell("D2").value).toBe(0.234567);
    expect(s.getCell("D2").numFmt).toBe("0.0%");
    const p = wb.getWorksheet("Revenue by provider")!;
    expect(p.rowCount).toBe(4);
    expect(p.getCell("A2").value).toBe('Acme Air, "the big one"');
    expect(p.getCell("B3").value).toBe(-12.25);
    expect(typeof p.getCell("C4").value).toBe("number");
  });

  it("keeps sheet names legal and unique", async () => {
    const doc: ReportDocument = {
      ...DOC,
      tables: [
        { title: "Funnel · a/b [test]: with a very long name indeed", columns: [{ label: "x", type: "text" }], rows: [["1"]] },
        { title: "Funnel · a/b [test]: with a very long name indeed", columns: [{ label: "x", type: "text" }], rows: [["2"]] },
      ],
    };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(doc)) as never);
    const names = wb.worksheets.map((w) => w.name);
    expect(new Set(names).size).toBe(2);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(31);
      expect(n).not.toMatch(/[:\\/?*[\]]/);
    }
  });
});

beforeAll(() => import("pdfjs-dist/legacy/build/pdf.mjs"), 60_000);

const STANDARD_FONTS = new URL("../../node_modules/pdfjs-dist/standard_fonts/", import.meta.url).pathname;

async function pdfText(bytes: Buffer): Promise<{ pages: number; text: string; pageTexts: string[] }> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: STANDARD_FONTS, isEvalSupported: false }).promise;
  const pageTexts: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pageTexts.push(content.items.map((it) => ("str" in it ? it.str : "")).join(" "));
  }
  const pages = pdf.numPages;
  await pdf.destroy();
  return { pages, text: pageTexts.join("\n"), pageTexts };
}

// pdf.js is a large module: loading it cold on a busy machine can take seconds.
describe("PDF", { timeout: 30_000 }, () => {
  it("parses with pdf.js; its text has the title, the period and the figures", async () => {
    const bytes = await renderPdf(DOC);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const { pages, text } = await pdfText(bytes);
    expect(pages).toBe(1);
    expect(text).toContain("Daily revenue summary");
    expect(text).toContain("Period: Sat 21 Nov 2026");
    expect(text).toContain("12,345.67");
    expect(text).toContain("23.5%");
    expect(text).toContain("Revenue by provider");
    expect(text).toContain("-12.25");
  });

  it("prints names outside Latin-1 (Polish, Greek, Russian) as they are, and marks what the font lacks", async () => {
    const doc: ReportDocument = {
      ...DOC,
      title: "Bookings by city — Łódź, Αθήνα, Москва",
      tables: [{ title: "Cities", columns: [{ label: "City", type: "text" }, { label: "Bookings", type: "number" }], rows: [["İstanbul", 12], ["Kraków", 7], ["東京", 3]] }],
    };
    const { text } = await pdfText(await renderPdf(doc));
    for (const s of ["Łódź", "Αθήνα", "Москва", "İstanbul", "Kraków"]) expect(text).toContain(s);
    expect(text).toContain("??");
    expect(text).not.toContain("東京");
  });

  it("breaks long tables across pages and repeats the header", async () => {
    const rows = Array.from({ length: 120 }, (_, i) => [`Route ${i + 1}`, 1000 + i]);
    const doc: ReportDocument = { ...DOC, tables: [{ title: "Routes", columns: [{ label: "Route", type: "text" }, { label: "Revenue", type: "money" }], rows }] };
    const { pages, text, pageTexts } = await pdfText(await renderPdf(doc));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(text).toContain("Route 120");
    expect(text).toContain("1,119.00");
    // "Revenue" is only ever the header's label: each page carries the header again.
    for (const page of pageTexts) expect(page).toMatch(/Route\s+Revenue/);
  });
});

describe("JSON and file names", () => {
  it("JSON is the document itself", () => {
    expect(JSON.parse(renderJson(DOC).toString("utf8"))).toEqual({ version: 1, ...DOC });
  });

  it("names files after the report and the local period start", async () => {
    expect(fileStem(DOC)).toBe("daily-revenue-summary-2026-11-21");
    const files = await renderReport(DOC, ["csv", "xlsx", "pdf", "json"]);
    expect(files.map((f) => [f.filename, f.contentType])).toEqual([
      ["daily-revenue-summary-2026-11-21.csv", "text/csv; charset=utf-8"],
      ["daily-revenue-summary-2026-11-21.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ["daily-revenue-summary-2026-11-21.pdf", "application/pdf"],
      ["daily-revenue-summary-2026-11-21.json", "application/json"],
    ]);
  });
});
