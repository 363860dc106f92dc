import ExcelJS from "exceljs";
import { cellType, type CellType, type ReportDocument } from "../document";

const NUMBER_FORMAT: Record<CellType, string | undefined> = {
  text: undefined,
  integer: "#,##0",
  number: "#,##0.####",
  money: "#,##0.00",
  percent: "0.0%",
};

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[:\\/?*[\]]/g, " ").replace(/\s+/g, " ").trim().slice(0, 31) || "Sheet";
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/** One sheet per table: a bold frozen header row, numbers stored as numbers with a format per type. */
export async function renderXlsx(doc: ReportDocument): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Foresight";
  wb.title = doc.title;
  wb.subject = `${doc.periodLabel} (${doc.timezone})`;
  wb.created = new Date(doc.generatedAt);
  const taken = new Set<string>();
  for (const table of doc.tables) {
    const ws = wb.addWorksheet(sheetName(table.title, taken), { views: [{ state: "frozen", ySplit: 1 }] });
    ws.addRow(table.columns.map((c) => c.label)).font = { bold: true };
    table.rows.forEach((row, r) => {
      const added = ws.addRow(row.map((v) => (v === null ? null : v)));
      row.forEach((v, c) => {
        const fmt = NUMBER_FORMAT[cellType(table, r, c)];
        if (typeof v === "number" && fmt) added.getCell(c + 1).numFmt = fmt;
      });
    });
    table.columns.forEach((c, i) => {
      const widest = Math.max(c.label.length, ...table.rows.map((r) => String(r[i] ?? "").length));
      ws.getColumn(i + 1).width = Math.min(60, Math.max(10, widest + 2));
    });
  }
  if (!doc.tables.length) wb.addWorksheet("Report").addRow(["No data"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
