import { formatStat } from "./format";

/**
 * The output fields of one test, named exactly as `foresight stats` prints them, each value in a
 * <dd data-testid="{prefix}-{field}"> (tests read them), with the full-precision number in its title.
 */
export function ResultList({ prefix, result, labels }: { prefix: string; result: Record<string, number | null>; labels: Record<string, string> }) {
  return (
    <dl className="kv" data-testid={`${prefix}-result`}>
      {Object.entries(result).map(([field, value]) => (
        <div key={field} style={{ gridTemplateColumns: "minmax(0, 1.5fr) minmax(0, 1fr)" }}>
          <dt>
            <code>{field}</code> {labels[field] ? <span className="field-hint">{labels[field]}</span> : null}
          </dt>
          <dd data-testid={`${prefix}-${field}`} title={value === null ? "null: undefined for these data" : String(value)}>
            {formatStat(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** p-value in words, for people who do not read p-values daily. */
export function Verdict({ prefix, pValue, alpha = 0.05 }: { prefix: string; pValue: number | null; alpha?: number }) {
  if (pValue === null) return <p className="field-hint" data-testid={`${prefix}-verdict`}>No test possible: both arms are identical in a way that leaves no variance (for example both at 0%).</p>;
  return (
    <p data-testid={`${prefix}-verdict`}>
      {pValue < alpha
        ? `Significant at the ${alpha * 100}% level (p = ${formatStat(pValue)}): a difference this large would be rare if the arms were the same.`
        : `Not significant at the ${alpha * 100}% level (p = ${formatStat(pValue)}): the data are compatible with no difference.`}{" "}
      These are fixed-horizon tests: read them once, at the planned sample size.
    </p>
  );
}
