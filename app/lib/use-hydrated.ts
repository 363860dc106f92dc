import { useEffect, useState } from "react";

let hydrated = false;

/** False during SSR and the first client render, true afterwards: for JS-only affordances. */
export function useHydrated(): boolean {
  const [ready, setReady] = useState(hydrated);
  useEffect(() => {
    hydrated = true;
    setReady(true);
  }, []);
  return ready;
}
