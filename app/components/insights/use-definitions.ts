import { useEffect, useState } from "react";
import { trpc } from "~/lib/trpc.client";

export interface PropertyKey {
  key: string;
  types: string[];
}

const keyCache = new Map<string, Promise<PropertyKey[]>>();
const valueCache = new Map<string, Promise<{ value: string; count: number }[]>>();

/** Property keys seen on an event (or on persons), from the definitions registry; [] until loaded. */
export function usePropertyKeys(type: "event" | "person", event?: string): PropertyKey[] {
  const [keys, setKeys] = useState<PropertyKey[]>([]);
  useEffect(() => {
    const id = `${type}\u0001${event ?? ""}`;
    let p = keyCache.get(id);
    if (!p) {
      p = trpc.insights.propertyKeys.query({ type, event: event && event !== "$all" ? event : undefined }).catch(() => []);
      keyCache.set(id, p);
    }
    let live = true;
    p.then((k) => live && setKeys(k));
    return () => {
      live = false;
    };
  }, [type, event]);
  return keys;
}

/** The most frequent values of a property, for the value field's suggestions. */
export function usePropertyValues(type: "event" | "person", key: string, event?: string): string[] {
  const [values, setValues] = useState<string[]>([]);
  useEffect(() => {
    if (!key) return;
    const id = `${type}\u0001${key}\u0001${event ?? ""}`;
    let p = valueCache.get(id);
    if (!p) {
      p = trpc.insights.propertyValues.query({ type, key, event: event && event !== "$all" ? event : undefined }).catch(() => []);
      valueCache.set(id, p);
    }
    let live = true;
    p.then((v) => live && setValues(v.map((x) => x.value)));
    return () => {
      live = false;
    };
  }, [type, key, event]);
  return values;
}

let cohortCache: Promise<{ id: string; name: string }[]> | null = null;

/** The project's saved cohorts, for cohort filters and breakdowns; [] until loaded. */
export function useCohorts(): { id: string; name: string }[] {
  const [cohorts, setCohorts] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    cohortCache ??= trpc.cohorts.list.query().then((list) => list.map((c) => ({ id: c.id, name: c.name })), () => []);
    let live = true;
    cohortCache.then((c) => live && setCohorts(c));
    return () => {
      live = false;
    };
  }, []);
  return cohorts;
}
