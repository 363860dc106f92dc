// Feature flag evaluation: pure and deterministic. The Node SDK has a copy
// (sdk/node/src/flags-evaluate.ts, identical below the imports; a unit test compares them) and both
// are tested against server/flags/evaluation-vectors.json. See docs/decisions/0014-feature-flags.md.
//
// 1. A disabled flag is false; a flag limited to environments is false outside them.
// 2. Rules are tried in order; the first whose conditions all hold decides (no conditions: everyone).
// 3. The person is in that rule's rollout when bucket(flag key, distinct id, "") < rollout / 100;
//    outside it the flag is false (later rules are not tried).
// 4. Boolean flags are then true. Multivariate flags take the rule's variant override, or the
//    variant whose cumulative weight range holds bucket(flag key, distinct id, "variant").
// 5. No rule matched: false. A cohort condition without known memberships: "needs_cohorts".
import { flagBucket } from "./hash";

export type FlagScalar = string | number | boolean;

/** Person property condition: the operators and meaning of server/query/schema/common.ts propertyFilter. */
export type PersonCondition =
  | { type: "person"; key: string; operator: "equals" | "not_equals"; value: FlagScalar }
  | { type: "person"; key: string; operator: "contains" | "not_contains" | "regex" | "not_regex"; value: string }
  | { type: "person"; key: string; operator: "gt" | "gte" | "lt" | "lte"; value: number }
  | { type: "person"; key: string; operator: "between"; value: [number, number] }
  | { type: "person"; key: string; operator: "is_set" | "is_not_set" }
  | { type: "person"; key: string; operator: "in" | "not_in"; value: FlagScalar[] };

export type FlagCondition =
  | PersonCondition
  | { type: "cohort"; cohortId: string; negate?: boolean }
  | { type: "distinct_id"; values: string[] }
  | { type: "environment"; values: string[] };

export interface FlagRuleDef {
  conditions: FlagCondition[];
  /** Percent of the people matching the conditions who get the flag, 0 to 100. */
  rollout: number;
  /** Multivariate flags: everyone this rule lets in gets this variant. */
  variant?: string | null;
}

export interface FlagDef {
  key: string;
  type: "boolean" | "multivariate";
  enabled: boolean;
  rules: FlagRuleDef[];
  /** Multivariate flags: weights in percent, adding up to 100, in this order. */
  variants: { key: string; weight: number }[];
  /** Payload per variant key ("true" for boolean flags). */
  payloads: Record<string, unknown>;
  /** Empty: every environment. */
  environments: string[];
}

export interface EvaluationSubject {
  distinctId: string;
  properties?: Record<string, unknown>;
  environment?: string | null;
  /** Ids of the cohorts the person is in; absent: unknown (cohort conditions then need the server). */
  cohorts?: ReadonlySet<string> | readonly string[] | null;
}

export type FlagValue = string | boolean;
export type EvaluationReason = "disabled" | "environment" | "rule_match" | "out_of_rollout" | "no_rule_matched" | "needs_cohorts";

export interface FlagEvaluation {
  value: FlagValue;
  reason: EvaluationReason;
  /** Index of the deciding rule, null when none decided. */
  ruleIndex: number | null;
  payload: unknown;
}

export type BucketFn = (key: string, id: string, salt: string) => number;

const NUMBER_RE = /^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$/;
const regexCache = new Map<string, RegExp | null>();

/** The property as text, as PostgreSQL's `properties ->> key` gives it; null when absent or JSON null. */
function textOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function numberOf(text: string | null): number | null {
  return text !== null && NUMBER_RE.test(text) ? Number(text) : null;
}

function regexOf(source: string): RegExp | null {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

function personMatches(c: PersonCondition, properties: Record<string, unknown>): boolean {
  const text = textOf(Object.prototype.hasOwnProperty.call(properties, c.key) ? properties[c.key] : undefined);
  switch (c.operator) {
    case "equals":
      return typeof c.value === "number" ? numberOf(text) === c.value : text === String(c.value);
    case "not_equals":
      return typeof c.value === "number" ? numberOf(text) !== c.value : text !== String(c.value);
    case "contains":
      return text !== null && text.toLowerCase().includes(c.value.toLowerCase());
    case "not_contains":
      return text === null || !text.toLowerCase().includes(c.value.toLowerCase());
    case "regex": {
      const re = regexOf(c.value);
      return text !== null && re !== null && re.test(text);
    }
    case "not_regex": {
      const re = regexOf(c.value);
      return text === null || (re !== null && !re.test(text));
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const n = numberOf(text);
      if (n === null) return false;
      return c.operator === "gt" ? n > c.value : c.operator === "gte" ? n >= c.value : c.operator === "lt" ? n < c.value : n <= c.value;
    }
    case "between": {
      const n = numberOf(text);
      return n !== null && n >= c.value[0] && n <= c.value[1];
    }
    case "is_set":
      return text !== null;
    case "is_not_set":
      return text === null;
    case "in":
      return text !== null && c.value.some((v) => String(v) === text);
    case "not_in":
      return text === null || !c.value.some((v) => String(v) === text);
  }
}

function inSet(set: ReadonlySet<string> | readonly string[], id: string): boolean {
  return Array.isArray(set) ? set.includes(id) : (set as ReadonlySet<string>).has(id);
}

/** true / false, or null when a cohort condition cannot be decided without memberships. */
function conditionMatches(c: FlagCondition, s: EvaluationSubject, properties: Record<string, unknown>): boolean | null {
  switch (c.type) {
    case "person":
      return personMatches(c, properties);
    case "cohort":
      if (!s.cohorts) return null;
      return inSet(s.cohorts, c.cohortId) !== (c.negate === true);
    case "distinct_id":
      return c.values.includes(s.distinctId);
    case "environment":
      return s.environment != null && c.values.includes(s.environment);
  }
}

const NO_PROPERTIES: Record<string, unknown> = {};

/** Evaluates one flag for one person. `bucket` defaults to the documented hash (tests and caches may pass their own). */
export function evaluateFlag(flag: FlagDef, subject: EvaluationSubject, bucket: BucketFn = flagBucket): FlagEvaluation {
  if (!flag.enabled) return { value: false, reason: "disabled", ruleIndex: null, payload: null };
  if (flag.environments.length > 0 && (subject.environment == null || !flag.environments.includes(subject.environment))) {
    return { value: false, reason: "environment", ruleIndex: null, payload: null };
  }
  const properties = subject.properties ?? NO_PROPERTIES;
  for (let i = 0; i < flag.rules.length; i++) {
    const rule = flag.rules[i]!;
    let matched = true;
    for (const c of rule.conditions) {
      const m = conditionMatches(c, subject, properties);
      if (m === null) return { value: false, reason: "needs_cohorts", ruleIndex: i, payload: null };
      if (!m) {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    if (!(rule.rollout >= 100 || bucket(flag.key, subject.distinctId, "") < rule.rollout / 100)) {
      return { value: false, reason: "out_of_rollout", ruleIndex: i, payload: null };
    }
    const value = flag.type === "boolean" ? true : (rule.variant ?? pickVariant(flag, subject.distinctId, bucket));
    if (value === null) return { value: false, reason: "out_of_rollout", ruleIndex: i, payload: null };
    const payload = flag.payloads[String(value)];
    return { value, reason: "rule_match", ruleIndex: i, payload: payload === undefined ? null : payload };
  }
  return { value: false, reason: "no_rule_matched", ruleIndex: null, payload: null };
}

/** The variant whose cumulative weight range holds the person's "variant" bucket (server/flags/hash.ts pickVariant). */
function pickVariant(flag: FlagDef, distinctId: string, bucket: BucketFn): string | null {
  const b = bucket(flag.key, distinctId, "variant");
  let upper = 0;
  for (const v of flag.variants) {
    upper += v.weight / 100;
    if (b < upper) return v.key;
  }
  return null;
}
