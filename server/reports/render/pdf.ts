import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { cellType, formatCell, type ReportDocument, type ReportTable } from "../document";

const MARGIN = 40;
const ROW_H = 16;
const FONT = "Body";
const BOLD = "Body-Bold";
/**
 * DejaVu Sans (embedded, subset by pdfkit) rather than the standard Helvetica, whose WinAnsi
 * encoding turned every character outside Latin-1 into "?": city and product names in Polish,
 * Czech, Turkish, Greek or Russian now print as they are.
 */
const FONT_FILES = { [FONT]: "DejaVuSans.ttf", [BOLD]: "DejaVuSans-Bold.ttf" };
let fontBytes: Array<[string, Buffer]> | null = null;
/** The two font files, read once per process at the first PDF (not at start-up). */
function fonts(): Array<[string, Buffer]> {
  const resolve = createRequire(import.meta.url).resolve;
  return (fontBytes ??= Object.entries(FONT_FILES).map(([name, file]) => [name, readFileSync(resolve(`dejavu-fonts-ttf/ttf/${file}`))]));
}

/**
 * What DejaVu Sans draws: Latin (with Extended-A/B and Additional), IPA, Greek, Cyrillic,
 * punctuation, currency, letterlike symbols, arrows and math operators. Anything else (CJK, say)
 * would print as empty boxes; it becomes "?" so that the gap is visible and copyable.
 */
function pdfText(s: string): string {
  return s.replace(/[^\x20-\x7e\xa0-\u052f\u1e00-\u1fff\u2000-\u206f\u20a0-\u20bf\u2100-\u22ff]/gu, "?");
}

function drawTable(pdf: PDFKit.PDFDocument, table: ReportTable) {
  const width = pdf.page.width - 2 * MARGIN;
  const n = table.columns.length;
  const firstShare = n > 1 ? Math.min(0.34, 1.8 / (n + 0.8)) : 1;
  const widths = table.columns.map((_, i) => (i === 0 ? width * firstShare : (width * (1 - firstShare)) / (n - 1)));
  const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const bottom = () => pdf.page.height - MARGIN;

  const row = (cells: string[], opts: { bold?: boolean; shade?: boolean; numeric?: boolean[]; wrap?: boolean }) => {
    pdf.font(opts.bold ? BOLD : FONT).fontSize(8);
    // Header labels wrap onto as many lines as they need; body cells stay on one line.
    const height = opts.wrap ? Math.max(ROW_H, ...cells.map((t, i) => pdf.heightOfString(pdfText(t), { width: widths[i]! - 6 }) + 8)) : ROW_H;
    if (pdf.y + height > bottom()) {
      pdf.addPage();
      header();
    }
    const y = pdf.y;
    if (opts.shade) pdf.save().rect(MARGIN, y, width, height).fill("#f1f3f6").restore();
    pdf.font(opts.bold ? BOLD : FONT).fontSize(8).fillColor("#111111");
    cells.forEach((text, i) => {
      const box = { width: widths[i]! - 6, align: opts.numeric?.[i] ? ("right" as const) : ("left" as const) };
      pdf.text(pdfText(text), xs[i]! + 3, y + 4, opts.wrap ? box : { ...box, height: ROW_H, lineBreak: false, ellipsis: true });
    });
    pdf.moveTo(MARGIN, y + height).lineTo(MARGIN + width, y + height).lineWidth(0.3).strokeColor("#d0d5dd").stroke();
    pdf.x = MARGIN;
    pdf.y = y + height;
  };
  const numeric = table.columns.map((c) => c.type !== "text");
  const header = () => row(table.columns.map((c) => c.label), { bold: true, shade: true, numeric, wrap: true });

  if (pdf.y + 3 * ROW_H + 20 > bottom()) pdf.addPage();
  pdf.font(BOLD).fontSize(12).fillColor("#111111").text(pdfText(table.title), MARGIN, pdf.y);
  pdf.moveDown(0.3);
  header();
  if (!table.rows.length) row(["No data for this period"], {});
  table.rows.forEach((r, ri) => row(r.map((v, ci) => formatCell(v, cellType(table, ri, ci))), { numeric }));
  if (table.note) {
    pdf.moveDown(0.3);
    pdf.font(FONT).fontSize(7.5).fillColor("#555555").text(pdfText(table.note), MARGIN, pdf.y, { width });
  }
  pdf.moveDown(1.2);
}

/** A4 PDF drawn with pdfkit (pure JS, no browser): title, period, then every table with its header. */
export function renderPdf(doc: ReportDocument): Promise<Buffer> {
  const pdf = new PDFDocument({ size: "A4", margin: MARGIN, info: { Title: pdfText(doc.title), Subject: pdfText(doc.periodLabel), Creator: "Foresight" } });
  for (const [name, bytes] of fonts()) pdf.registerFont(name, bytes);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on("data", (c: Buffer) => chunks.push(c));
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  pdf.font(BOLD).fontSize(18).fillColor("#111111").text(pdfText(doc.title));
  pdf.moveDown(0.2);
  pdf.font(FONT).fontSize(10).fillColor("#333333").text(pdfText(`Period: ${doc.periodLabel}`));
  const when = new Intl.DateTimeFormat("en-GB", { timeZone: doc.timezone, dateStyle: "medium", timeStyle: "short" }).format(new Date(doc.generatedAt));
  pdf.fontSize(8).fillColor("#666666").text(pdfText(`Time zone ${doc.timezone} - generated ${when} by Foresight`));
  pdf.moveDown(1);
  for (const table of doc.tables) drawTable(pdf, table);
  if (!doc.tables.length) pdf.font(FONT).fontSize(10).text("This report has no tables.");
  pdf.end();
  return done;
}
