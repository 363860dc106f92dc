let patched = false;
const listeners = new Set<() => void>();

/** Calls `onChange` after every pushState / replaceState / popstate (client-side navigation). */
export function watchNavigation(onChange: () => void): void {
  listeners.add(onChange);
  if (patched) return;
  patched = true;
  const notify = () => listeners.forEach((fn) => fn());
  for (const method of ["pushState", "replaceState"] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
      const result = original.apply(this, args);
      notify();
      return result;
    };
  }
  addEventListener("popstate", notify);
}
