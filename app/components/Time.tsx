import { formatDateTime } from "~/lib/format";
import { useHydrated } from "~/lib/use-hydrated";

const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * A timestamp. The server and the first client render print fixed UTC text, so hydration
 * matches; once hydrated, the browser switches to the reader's own locale and time zone.
 */
export function Time({ value }: { value: string | null | undefined }) {
  const hydrated = useHydrated();
  if (!value) return <span className="muted">—</span>;
  const date = new Date(value);
  const text = hydrated && !Number.isNaN(date.getTime()) ? local.format(date) : formatDateTime(value);
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {text}
    </time>
  );
}
