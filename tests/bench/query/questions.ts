/**
 * The questions every engine answers, their exact definitions, and the one shape answers are
 * compared in: a map from a key (day|country, step, cohort|period) to a count, zeros left out.
 */

export type Question = "daily_uniques_by_country" | "funnel" | "retention" | "daily_uniques";
export const QUESTIONS: Question[] = ["daily_uniques_by_country", "funnel", "retention", "daily_uniques"];

export type Answer = Map<string, number>;

/** Inclusive start, exclusive end, epoch ms (UTC midnights). */
export interface Range {
  from: number;
  to: number;
}

export const FUNNEL_STEPS = ["search", "flight_selected", "checkout_started", "booking_completed"] as const;
/** Periods after the cohort's week: k = 0 (the cohort itself) .. 4. */
export const RETENTION_PERIODS = 4;

export const TITLES: Record<Question, string> = {
  daily_uniques_by_country: "(a) daily unique users by country",
  funnel: "(b) 4-step ordered funnel, 1-day window",
  retention: "(c) weekly retention, 4 weeks",
  daily_uniques: "(d') daily unique users, no breakdown",
};

export const DEFINITIONS = [
  "Definitions (identical in every engine; days and weeks in UTC, the project's timezone; weeks start on Monday):",
  "  users = distinct persons with any event; the range is the whole generated month [from, to).",
  "  (a) per UTC day and per event country: distinct persons with at least one event that day in that country",
  "      (a person abroad counts in each country they had events in). Foresight: trends, unique_persons of $all,",
  "      breakdown by $geoip_country_code (limit above the number of countries, so there is no 'other').",
  `  (b) steps ${FUNNEL_STEPS.join(" -> ")}, in order (other events between allowed), the last step at most`,
  "      86,400,000 ms after the first (inclusive); a person counts at step k when some first-step event starts",
  "      a chain reaching step k; persons per step. chdb: windowFunnel(86400000) over epoch ms; DuckDB: ASOF joins.",
  `  (c) cohort = Monday of the person's first event (any event); period k = 0..${RETENTION_PERIODS}: persons of the cohort with`,
  "      any event in the cohort's week + k. chdb: retention(w = fw, w = fw + 7, ...); DuckDB: distinct person-weeks.",
  "  (d') as (a) without the breakdown: the trends query the rollups are made for.",
  "  Timestamps are distinct within each person (millisecond resolution), so no engine breaks a tie.",
];

export function dropZeros(a: Answer): Answer {
  return new Map([...a].filter(([, v]) => v !== 0));
}

/** Differences between two answers (missing = 0), sorted by key. */
export function differences(a: Answer, b: Answer): Array<{ key: string; a: number; b: number }> {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const out: Array<{ key: string; a: number; b: number }> = [];
  for (const k of [...keys].sort()) {
    const x = a.get(k) ?? 0;
    const y = b.get(k) ?? 0;
    if (x !== y) out.push({ key: k, a: x, b: y });
  }
  return out;
}

/** A short digest of an answer for the output: how many cells and their sum. */
export function digest(a: Answer): string {
  let sum = 0;
  for (const v of a.values()) sum += v;
  return `${a.size} values, sum ${sum.toLocaleString("en-US")}`;
}
