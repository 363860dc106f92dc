#!/usr/bin/env python3
# Regenerate with: python3 server/flags/hash-vectors.py > server/flags/hash-vectors.json
# Independent generator for server/flags/hash-vectors.json (Python hashlib, not the TypeScript code).
import hashlib, json
def bucket(key, id_, salt=""):
    h = hashlib.sha1(f"{key}.{id_}{salt}".encode("utf-8")).hexdigest()
    return h, min(int(h[:15], 16) / float(0xFFFFFFFFFFFFFFF), 1 - 2**-53)
cases = [("new-checkout", "user-1", ""), ("new-checkout", "user-2", ""), ("new-checkout", "user-1", "variant"),
         ("pricing-page", "person_00042", ""), ("pricing-page", "", ""), ("", "someone", ""),
         ("exp-seed-7f3a", "0190b7a2-6c1e-7c4e-9a53-2f1d8e6b4a01", ""), ("beta-banner", "zoë@example.com", ""),
         ("beta-banner", "用户-42", ""), ("beta-banner", "🦊 fox", ""), ("beta-banner", "a.b.c", ""),
         ("flag.with.dots", "id", "variant"), ("long", "x" * 300, ""), ("Case", "ID", ""), ("case", "id", "")]
buckets = []
for k, i, s in cases:
    h, v = bucket(k, i, s)
    buckets.append({"key": k, "id": i, "salt": s, "sha1": h, "bucket": v})
rollouts = []
for k, i, p in [("new-checkout", "user-1", 20), ("new-checkout", "user-2", 20), ("new-checkout", "user-3", 50), ("pricing-page", "person_00042", 0),
                ("pricing-page", "person_00042", 100), ("beta-banner", "zoë@example.com", 75), ("beta-banner", "u-9", 33.3), ("beta-banner", "u-10", 90)]:
    rollouts.append({"key": k, "id": i, "percentage": p, "enabled": bucket(k, i)[1] < p / 100})
variants = []
weights = [{"key": "control", "percentage": 50}, {"key": "test", "percentage": 50}]
weights3 = [{"key": "control", "percentage": 34}, {"key": "blue", "percentage": 33}, {"key": "green", "percentage": 33}]
for k, i, w in [("button-color", f"user-{n}", weights3) for n in range(1, 9)] + [("exp-seed-7f3a", f"p{n}", weights) for n in range(1, 7)]:
    b = bucket(k, i, "variant")[1]
    up, chosen = 0.0, None
    for v in w:
        up += v["percentage"] / 100
        if b < up: chosen = v["key"]; break
    variants.append({"key": k, "id": i, "variants": w, "variant": chosen})
doc = {"$comment": "Flag assignment hash test vectors (docs/decisions/0010-flag-hashing.md): bucket = min(int(sha1(utf8(key + '.' + id + salt)).hex[:15], 16) / 0xfffffffffffffff, 1 - 2^-53). Generated with Python's hashlib, independently of the TypeScript implementations; the server and both SDKs test against this file.",
       "buckets": buckets, "rollouts": rollouts, "variants": variants}
print(json.dumps(doc, indent=2, ensure_ascii=False))
