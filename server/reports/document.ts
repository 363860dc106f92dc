/**
 * The one document model every report kind produces and every renderer (CSV, XLSX, PDF, JSON)
 * reads: a title, the period it covers and a list of plain tables.
 */
export type CellType = "text" | "integer" | "number" | "money" | "percent";
export type Cell = string | number | null;

export interface ReportColumn {
  label: string;
  type: CellType;
}

export interface ReportTable {
  title: string;
  columns: ReportColumn[];
  rows: Cell[][];
  /** One line shown under the table (e.g. what "previous" means). */
  note?: string;
  /** Metric tables: the type of each row's cells in columns typed "number" (money, count, rate). */
  rowTypes?: CellType[];
}

export interface ReportDocument {
  title: string;
  /** Human period, e.g. "Sat 21 Nov 2026" or "Q3 2026". */
  periodLabel: string;
  period: { from: string; to: string };
  timezone: string;
  generatedAt: string;
  tables: ReportTable[];
}

export const col = (label: string, type: CellType = "text"): ReportColumn => ({ label, type });

/** Relative change from `previous` to `current` (0.25 = +25%), null when undefined. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

/** The type a cell is shown and stored as. */
export function cellType(table: ReportTable, row: number, column: number): CellType {
  const type = table.columns[column]?.type ?? "text";
  return type === "number" && table.rowTypes?.[row] ? table.rowTypes[row]! : type;
}

/** A cell as text for CSV-free places (PDF, email body). */
export function formatCell(value: Cell, type: CellType): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "string") return value;
  if (type === "percent") return `${(value * 100).toFixed(1)}%`;
  if (type === "money") return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (type === "integer") return Math.round(value).toLocaleString("en-US");
  return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toLocaleString("en-US", { maximumFractionDigits: 4 });
}
