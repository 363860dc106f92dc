import Papa from "papaparse";
import type pg from "pg";
import { QueryInputError } from "../errors";
import { sql } from "../sql";
import { inTransaction, recordCount, replaceMembers } from "./membership";
import { CSV_LIMITS, type UploadCsvInput } from "./schema";

export type IdType = "distinct_id" | "person_id";

export interface ParsedIds {
  idType: IdType;
  /** Distinct ids in file order. */
  ids: string[];
  rows: number;
  hasHeader: boolean;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEADER_NAMES = new Set(["distinct_id", "person_id", "id"]);

/**
 * Reads ids from CSV text: one id per row (the first column), or, when the first row is a header
 * naming `distinct_id`, `person_id` or `id`, the column it names (a `person_id` or `distinct_id`
 * header also sets what the ids are). Blank lines are skipped; anything else that is not a usable
 * id is an error naming its row (1-based, the header included).
 */
export function parseIdCsv(csv: string, idType: IdType): ParsedIds {
  const text = csv.replace(/^\uFEFF/, "");
  // Comma unless the first line is tab-separated; guessing from the data would split ids with `;` in them.
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes("\t") && !firstLine.includes(",") ? "\t" : ",";
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: "greedy", delimiter });
  const fatal = parsed.errors[0];
  if (fatal) throw new QueryInputError("csv", `row ${(fatal.row ?? 0) + 1}: ${fatal.message}`);
  const rows = parsed.data;
  if (rows.length > CSV_LIMITS.rows + 1) {
    throw new QueryInputError("csv", `row ${CSV_LIMITS.rows + 2}: more than ${CSV_LIMITS.rows} rows; split the file`);
  }
  let column = 0;
  let hasHeader = false;
  const first = (rows[0] ?? []).map((c) => c.trim().toLowerCase());
  if (first.some((c) => HEADER_NAMES.has(c))) {
    hasHeader = true;
    const named = first.indexOf(idType);
    const other = first.indexOf(idType === "distinct_id" ? "person_id" : "distinct_id");
    if (named >= 0) column = named;
    else if (other >= 0) {
      column = other;
      idType = idType === "distinct_id" ? "person_id" : "distinct_id";
    } else column = first.indexOf("id");
  }
  const seen = new Set<string>();
  const ids: string[] = [];
  const dataRows = hasHeader ? rows.slice(1) : rows;
  if (dataRows.length > CSV_LIMITS.rows) {
    throw new QueryInputError("csv", `row ${CSV_LIMITS.rows + (hasHeader ? 2 : 1)}: more than ${CSV_LIMITS.rows} rows; split the file`);
  }
  dataRows.forEach((cells, i) => {
    const rowNumber = i + 1 + (hasHeader ? 1 : 0);
    const id = (cells[column] ?? "").trim();
    if (id === "") throw new QueryInputError("csv", `row ${rowNumber}: no id in column ${column + 1}`);
    if (id.length > CSV_LIMITS.idLength) throw new QueryInputError("csv", `row ${rowNumber}: id longer than ${CSV_LIMITS.idLength} characters`);
    if (idType === "person_id" && !UUID_RE.test(id)) {
      throw new QueryInputError("csv", `row ${rowNumber}: ${JSON.stringify(id.slice(0, 60))} is not a person id (a UUID)`);
    }
    const key = idType === "person_id" ? id.toLowerCase() : id;
    if (!seen.has(key)) {
      seen.add(key);
      ids.push(key);
    }
  });
  if (ids.length === 0) throw new QueryInputError("csv", "the file has no ids");
  return { idType, ids, rows: dataRows.length, hasHeader };
}

/** Canonical person ids for the given ids of the project, and the ids that matched no one. */
export async function resolveIds(client: pg.ClientBase | pg.Pool, projectId: string, idType: IdType, ids: string[]) {
  const { rows } =
    idType === "distinct_id"
      ? await client.query(
          `select d.distinct_id as id, coalesce(pm.to_person_id, d.person_id) as person_id
             from unnest($2::text[]) u(id)
             join person_distinct_ids d on d.project_id = $1 and d.distinct_id = u.id
             left join person_merges pm on pm.project_id = d.project_id and pm.from_person_id = d.person_id`,
          [projectId, ids],
        )
      : await client.query(
          `select u.id::text as id, p.id as person_id
             from unnest($2::uuid[]) u(id)
             left join person_merges pm on pm.project_id = $1 and pm.from_person_id = u.id
             join persons p on p.project_id = $1 and p.id = coalesce(pm.to_person_id, u.id)`,
          [projectId, ids],
        );
  const found = new Set(rows.map((r) => r.id as string));
  return {
    personIds: [...new Set(rows.map((r) => r.person_id as string))],
    unknown: ids.filter((id) => !found.has(id)),
  };
}

export interface UploadResult {
  idType: IdType;
  rows: number;
  distinctIds: number;
  matchedPersons: number;
  /** Ids that matched no person of the project (the first 1000), and how many there were. */
  unknown: string[];
  unknownCount: number;
  added: number;
  removed: number;
  memberCount: number;
}

/**
 * Sets (replace) or extends (append) a static cohort's members from a CSV of ids, in one
 * transaction. Ids that match no person are reported back, not silently dropped.
 * Null when the cohort does not exist in the project.
 */
export async function uploadCohortCsv(pool: pg.Pool, projectId: string, input: UploadCsvInput): Promise<UploadResult | null> {
  const parsed = parseIdCsv(input.csv, input.idType);
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query(`select kind from cohorts where project_id = $1 and id = $2 for update`, [projectId, input.id]);
    if (!rows[0]) return null;
    if (rows[0].kind !== "static") throw new QueryInputError("id", "only a static cohort takes a CSV upload; a dynamic one follows its rules");
    const { personIds, unknown } = await resolveIds(client, projectId, parsed.idType, parsed.ids);
    const fresh = sql`select distinct unnest(${personIds}::uuid[]) as person_id`;
    let added = 0;
    let removed = 0;
    if (input.mode === "replace") ({ added, removed } = await replaceMembers(client, input.id, projectId, fresh));
    else {
      const res = await client.query(
        `insert into cohort_members (cohort_id, project_id, person_id) select $1, $2, unnest($3::uuid[])
         on conflict (cohort_id, person_id) do nothing`,
        [input.id, projectId, personIds],
      );
      added = res.rowCount ?? 0;
    }
    const { memberCount } = await recordCount(client, input.id);
    return {
      idType: parsed.idType,
      rows: parsed.rows,
      distinctIds: parsed.ids.length,
      matchedPersons: personIds.length,
      unknown: unknown.slice(0, 1000),
      unknownCount: unknown.length,
      added,
      removed,
      memberCount,
    };
  });
}
