import { allow, type AllowListed } from "../query/sql";

/** The rollup tables this module keeps; `rollup_day_states.rollup` names them. */
export const ROLLUPS = ["event_days", "person_days"] as const;
export type RollupName = (typeof ROLLUPS)[number];

/** `rollup_day_states` row (rollup = SCAN_ROLLUP, day = SCAN_DAY) holding the project's scan line. */
export const SCAN_ROLLUP = "$scan";
export const SCAN_DAY = "1970-01-01";
/** `rollup_day_states` row (rollup = FIRST_ROLLUP) whose day is the project's first day with events. */
export const FIRST_ROLLUP = "$first";

/** The event name under which `rollup_event_days` keeps the totals over every event. */
export const ALL_EVENTS_ROW = "$all";

/**
 * Dimensions of `rollup_event_days`: dim name -> events column (allow-listed). Dim '' is the
 * total row (value ''); a missing value is stored as ''.
 */
export const ROLLUP_DIMS: Readonly<Record<string, AllowListed>> = {
  country: allow("country"),
  device: allow("device"),
  browser: allow("browser"),
  os: allow("os"),
  utm_source: allow("utm_source"),
  referring_domain: allow("referring_domain"),
};
export type RollupDim = keyof typeof ROLLUP_DIMS | "";
export const DIM_NAMES = ["", ...Object.keys(ROLLUP_DIMS)] as RollupDim[];

/** Event property key (as queries name it) -> rollup dim. */
export const DIM_OF_PROPERTY: Readonly<Record<string, string>> = {
  $geoip_country_code: "country",
  $device_type: "device",
  $browser: "browser",
  $os: "os",
  utm_source: "utm_source",
  $referring_domain: "referring_domain",
};

export function dimOfProperty(key: string): string | null {
  return Object.prototype.hasOwnProperty.call(DIM_OF_PROPERTY, key) ? DIM_OF_PROPERTY[key]! : null;
}

/**
 * Write transactions stamp `inserted_at` when they start and may commit later: anything stamped
 * within this many milliseconds before a snapshot may still be invisible to it.
 */
export const SLACK_MS = 10_000;
