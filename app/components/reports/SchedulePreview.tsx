import { previewRuns } from "../../../server/reports/cron";
import { useHydrated } from "~/lib/use-hydrated";

/** The next runs of a cron expression in its time zone, recomputed as the person types. */
export function SchedulePreview({ cron, timezone, initial }: { cron: string; timezone: string; initial: { runs: { at: string; label: string }[]; error: string | null } }) {
  const hydrated = useHydrated();
  // The server's preview is shown until hydration so both renders match; then the browser computes it.
  const preview = hydrated ? previewRuns(cron, timezone, new Date()) : initial;
  return (
    <div className="field-hint" aria-live="polite" data-testid="schedule-preview">
      {preview.error ? (
        <span className="field-error">Schedule: {preview.error}</span>
      ) : (
        <>
          Next runs ({timezone}):
          <ul style={{ margin: "0.25rem 0 0", paddingLeft: "1.2rem" }}>
            {preview.runs.map((r) => (
              <li key={r.at}>{r.label}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
