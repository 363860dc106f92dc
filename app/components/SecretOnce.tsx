import { useState, type ReactNode } from "react";
import { useHydrated } from "~/lib/use-hydrated";

function CopyButton({ value }: { value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-sm btn-secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        });
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

/**
 * A secret shown exactly once (new API keys, generated passwords). Without JavaScript the value
 * is selectable text; with it, a Copy button appears.
 */
export function SecretOnce({
  title,
  secrets,
  children,
}: {
  title: string;
  secrets: { label: string; value: string }[];
  children?: ReactNode;
}) {
  const hydrated = useHydrated();
  return (
    <section className="secret-once" role="status" aria-label={title}>
      <h2 className="secret-once-title">{title}</h2>
      <p className="secret-once-note">
        Copy {secrets.length > 1 ? "these now: they are" : "this now: it is"} shown only once and cannot be shown again.
        {hydrated ? null : " Select the text to copy it."}
      </p>
      <dl className="secret-list">
        {secrets.map((s) => (
          <div key={s.label} className="secret-row">
            <dt>{s.label}</dt>
            <dd>
              <code className="secret-value">{s.value}</code>
              {hydrated ? <CopyButton value={s.value} /> : null}
            </dd>
          </div>
        ))}
      </dl>
      {children}
    </section>
  );
}
