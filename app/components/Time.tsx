import { formatDateTime } from "~/lib/format";

/** A timestamp as fixed UTC text (same on server and client), machine-readable in dateTime. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <time dateTime={value} title={value}>
      {formatDateTime(value)}
    </time>
  );
}
