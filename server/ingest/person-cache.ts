/** (project, distinct id) -> value, as nested maps: no key strings are built on the hot path. */
export class PairMap<V> {
  private byProject = new Map<string, Map<string, V>>();
  size = 0;

  get(projectId: string, distinctId: string): V | undefined {
    return this.byProject.get(projectId)?.get(distinctId);
  }
  has(projectId: string, distinctId: string): boolean {
    return this.byProject.get(projectId)?.has(distinctId) ?? false;
  }
  set(projectId: string, distinctId: string, value: V): this {
    let m = this.byProject.get(projectId);
    if (!m) this.byProject.set(projectId, (m = new Map()));
    if (!m.has(distinctId)) this.size++;
    m.set(distinctId, value);
    return this;
  }
  /** Every entry holding `from` now holds `to` (a merged person). */
  replaceValue(from: V, to: V) {
    for (const m of this.byProject.values()) for (const [k, v] of m) if (v === from) m.set(k, to);
  }
  *pairs(): Generator<[string, string, V]> {
    for (const [p, m] of this.byProject) for (const [d, v] of m) yield [p, d, v];
  }
  clear() {
    this.byProject.clear();
    this.size = 0;
  }
}

/** distinct id -> person id, remembered across batches; merged-away persons are re-resolved. */
export class PersonCache {
  private map = new PairMap<string>();
  private mergedAway = new Set<string>();

  constructor(private readonly max = 500_000) {}

  get(projectId: string, distinctId: string): string | undefined {
    const p = this.map.get(projectId, distinctId);
    return p !== undefined && (this.mergedAway.size === 0 || !this.mergedAway.has(p)) ? p : undefined;
  }
  set(projectId: string, distinctId: string, personId: string) {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(projectId, distinctId, personId);
  }
  /** How many persons are known to be merged away (0: no entry can be stale). */
  get mergedCount(): number {
    return this.mergedAway.size;
  }
  isMergedAway(personId: string): boolean {
    return this.mergedAway.has(personId);
  }
  merged(personId: string) {
    if (this.mergedAway.size > 100_000) this.clear();
    this.mergedAway.add(personId);
  }
  /** Drop everything (after erasing a person, say). */
  clear() {
    this.map.clear();
    this.mergedAway.clear();
  }
}
