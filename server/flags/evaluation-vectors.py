#!/usr/bin/env python3
# Regenerate with: python3 server/flags/evaluation-vectors.py > server/flags/evaluation-vectors.json
# Independent reference for flag evaluation (docs/decisions/0014-feature-flags.md), written from the
# rules in server/flags/evaluate.ts's header, not from its code. The server and Node SDK tests read it.
import hashlib, json, re

def bucket(key, id_, salt=""):
    h = hashlib.sha1(f"{key}.{id_}{salt}".encode("utf-8")).hexdigest()
    return min(int(h[:15], 16) / float(0xFFFFFFFFFFFFFFF), 1 - 2**-53)

NUM = re.compile(r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$")
def text(v):
    if v is None: return None
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, (int, float)): return repr(v) if isinstance(v, float) and not v.is_integer() else str(int(v)) if isinstance(v, float) else str(v)
    if isinstance(v, str): return v
    return json.dumps(v, separators=(",", ":"))
def num(t): return float(t) if t is not None and NUM.match(t) else None
def scal(v): return text(v)

def person(c, props):
    t = text(props.get(c["key"]))
    op, v = c["operator"], c.get("value")
    if op == "equals": return num(t) == v if isinstance(v, (int, float)) and not isinstance(v, bool) else t == scal(v)
    if op == "not_equals": return num(t) != v if isinstance(v, (int, float)) and not isinstance(v, bool) else t != scal(v)
    if op == "contains": return t is not None and v.lower() in t.lower()
    if op == "not_contains": return t is None or v.lower() not in t.lower()
    if op == "regex": return t is not None and re.search(v, t) is not None
    if op == "not_regex": return t is None or re.search(v, t) is None
    n = num(t)
    if op in ("gt", "gte", "lt", "lte"):
        if n is None: return False
        return {"gt": n > v, "gte": n >= v, "lt": n < v, "lte": n <= v}[op]
    if op == "between": return n is not None and v[0] <= n <= v[1]
    if op == "is_set": return t is not None
    if op == "is_not_set": return t is None
    if op == "in": return t is not None and any(scal(x) == t for x in v)
    if op == "not_in": return t is None or not any(scal(x) == t for x in v)
    raise ValueError(op)

def cond(c, s):
    if c["type"] == "person": return person(c, s.get("properties", {}))
    if c["type"] == "cohort":
        if s.get("cohorts") is None: return None
        return (c["cohortId"] in s["cohorts"]) != c.get("negate", False)
    if c["type"] == "distinct_id": return s["distinctId"] in c["values"]
    if c["type"] == "environment": return s.get("environment") in c["values"]

def evaluate(f, s):
    no = lambda reason, i=None: {"value": False, "reason": reason, "ruleIndex": i, "payload": None}
    if not f["enabled"]: return no("disabled")
    if f["environments"] and s.get("environment") not in f["environments"]: return no("environment")
    for i, r in enumerate(f["rules"]):
        ok = True
        for c in r["conditions"]:
            m = cond(c, s)
            if m is None: return no("needs_cohorts", i)
            if not m: ok = False; break
        if not ok: continue
        if not bucket(f["key"], s["distinctId"]) < r["rollout"] / 100: return no("out_of_rollout", i)
        if f["type"] == "boolean": value = True
        elif r.get("variant"): value = r["variant"]
        else:
            b, up, value = bucket(f["key"], s["distinctId"], "variant"), 0.0, None
            for v in f["variants"]:
                up += v["weight"] / 100
                if b < up: value = v["key"]; break
            if value is None: return no("out_of_rollout", i)
        p = f["payloads"].get("true" if value is True else value)
        return {"value": value, "reason": "rule_match", "ruleIndex": i, "payload": p}
    return no("no_rule_matched")

def flag(key, rules, type_="boolean", variants=(), payloads=None, enabled=True, environments=()):
    return {"key": key, "type": type_, "enabled": enabled, "rules": rules, "variants": list(variants), "payloads": payloads or {}, "environments": list(environments)}
def rule(conditions=(), rollout=100, variant=None): return {"conditions": list(conditions), "rollout": rollout, "variant": variant}
def P(key, op, value=None):
    c = {"type": "person", "key": key, "operator": op}
    if value is not None: c["value"] = value
    return c

COHORT = "7a0d4c8e-2b1f-4f6e-9c3d-5e8a1b2c3d4e"
three = [{"key": "control", "weight": 34}, {"key": "blue", "weight": 33}, {"key": "green", "weight": 33}]
flags = {
    "everyone": flag("everyone", [rule()], payloads={"true": {"banner": "hi"}}),
    "half": flag("half-rollout", [rule(rollout=50)]),
    "off": flag("off-flag", [rule()], enabled=False),
    "pro": flag("pro-only", [rule([P("plan", "equals", "pro")], 100), rule([P("email", "contains", "@ACME.com")], 30)]),
    "numbers": flag("numbers", [rule([P("age", "gte", 18), P("age", "lt", 65)]), rule([P("score", "between", [1.5, 2.5])])]),
    "lists": flag("lists", [rule([P("country", "in", ["GB", "FR", 7]), P("tier", "not_in", ["free"])])]),
    "sets": flag("sets", [rule([P("beta", "is_set"), P("banned", "is_not_set")])]),
    "regex": flag("regex", [rule([P("email", "regex", "^[a-z]+@example\\.com$"), P("name", "not_regex", "^test")])]),
    "neq": flag("neq", [rule([P("plan", "not_equals", "free"), P("seats", "not_equals", 1), P("flag", "equals", True)])]),
    "ids": flag("ids", [rule([{"type": "distinct_id", "values": ["vip-1", "vip-2"]}]), rule(rollout=0)]),
    "env": flag("env", [rule()], environments=["staging"]),
    "envcond": flag("envcond", [rule([{"type": "environment", "values": ["production"]}], 100)]),
    "cohort": flag("cohort", [rule([P("plan", "equals", "pro")]), rule([{"type": "cohort", "cohortId": COHORT}])]),
    "notcohort": flag("notcohort", [rule([{"type": "cohort", "cohortId": COHORT, "negate": True}])]),
    "mv": flag("button-color", [rule(rollout=100)], "multivariate", three, {"blue": {"hex": "#00f"}, "green": [1, 2]}),
    "mvoverride": flag("mv-override", [rule([P("plan", "equals", "pro")], 100, "green"), rule(rollout=60)], "multivariate", three),
    "mvshort": flag("mv-short", [rule()], "multivariate", [{"key": "a", "weight": 10}, {"key": "b", "weight": 10}]),
    "empty": flag("no-rules", []),
}
people = [
    {"distinctId": "user-1"}, {"distinctId": "user-2"}, {"distinctId": "user-3"}, {"distinctId": "zoë@example.com"},
    {"distinctId": "p-pro", "properties": {"plan": "pro", "email": "a@acme.com"}},
    {"distinctId": "p-acme-1", "properties": {"plan": "free", "email": "bob@Acme.COM"}},
    {"distinctId": "p-acme-2", "properties": {"plan": "free", "email": "eve@acme.com", "seats": 1}},
    {"distinctId": "p-age-17", "properties": {"age": 17, "score": "2"}},
    {"distinctId": "p-age-30", "properties": {"age": "30"}},
    {"distinctId": "p-age-65", "properties": {"age": 65, "score": 2.5}},
    {"distinctId": "p-age-x", "properties": {"age": "thirty", "score": None}},
    {"distinctId": "p-gb", "properties": {"country": "GB", "tier": "paid"}},
    {"distinctId": "p-7", "properties": {"country": 7}},
    {"distinctId": "p-fr-free", "properties": {"country": "FR", "tier": "free"}},
    {"distinctId": "p-beta", "properties": {"beta": False}},
    {"distinctId": "p-beta-null", "properties": {"beta": None}},
    {"distinctId": "p-banned", "properties": {"beta": "yes", "banned": True}},
    {"distinctId": "p-mail", "properties": {"email": "ann@example.com", "name": "Ann"}},
    {"distinctId": "p-mail-test", "properties": {"email": "ann@example.com", "name": "tester"}},
    {"distinctId": "p-neq", "properties": {"plan": "team", "seats": "3", "flag": True}},
    {"distinctId": "p-neq-2", "properties": {"flag": "true"}},
    {"distinctId": "vip-2"},
    {"distinctId": "p-staging", "environment": "staging"},
    {"distinctId": "p-prod", "environment": "production"},
    {"distinctId": "p-in-cohort", "cohorts": [COHORT]},
    {"distinctId": "p-not-in-cohort", "cohorts": []},
    {"distinctId": "p-cohort-unknown"},
    {"distinctId": "p-pro-cohort-unknown", "properties": {"plan": "pro"}},
] + [{"distinctId": f"user-{n}", "properties": {"plan": "pro" if n % 4 == 0 else "free"}} for n in range(10, 30)]

cases = []
for name, f in flags.items():
    for s in people:
        r = evaluate(f, s)
        cases.append({"flag": name, "subject": s, "expected": r})
doc = {"$comment": "Flag evaluation vectors (docs/decisions/0014-feature-flags.md): each case evaluates flags[flag] for subject and expects {value, reason, ruleIndex, payload}. Subjects without `cohorts` have unknown cohort memberships. Generated by server/flags/evaluation-vectors.py, independently of the TypeScript; server/flags/evaluate.ts and sdk/node/src/flags-evaluate.ts are tested against it.",
       "flags": flags, "cases": cases}
# Flags indented, one case per line: readable diffs without 14k lines.
flags_text = ",\n".join(f'  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}' for k, v in flags.items())
cases_text = ",\n".join(f"  {json.dumps(c, ensure_ascii=False)}" for c in cases)
print("{\n" + f' "$comment": {json.dumps(doc["$comment"], ensure_ascii=False)},\n "flags": {{\n{flags_text}\n }},\n "cases": [\n{cases_text}\n ]\n}}')
