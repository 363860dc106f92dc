import { useId, type ReactNode } from "react";

/** A titled panel; it is a labelled region so screen readers can jump between cards. */
export function Card({
  title,
  description,
  actions,
  children,
  className,
  footer,
}: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  className?: string;
  footer?: ReactNode;
}) {
  const id = useId();
  return (
    <section className={`card${className ? ` ${className}` : ""}`} aria-labelledby={title ? id : undefined}>
      {title || actions ? (
        <div className="card-header">
          <div>
            {title ? (
              <h2 className="card-title" id={id}>
                {title}
              </h2>
            ) : null}
            {description ? <p className="card-description">{description}</p> : null}
          </div>
          {actions ? <div className="card-actions">{actions}</div> : null}
        </div>
      ) : null}
      {children ? <div className="card-body">{children}</div> : null}
      {footer ? <div className="card-footer">{footer}</div> : null}
    </section>
  );
}

export function Stat({ label, value, hint }: { label: ReactNode; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}
