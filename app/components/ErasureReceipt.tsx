import type { ErasureReceipt as Receipt } from "../../server/privacy/erase-person";
import { Card } from "./Card";
import { StatusBadge } from "./Badge";
import { Time } from "./Time";

/** The proof of an erasure: rows deleted per table, and the recount that found none left. */
export function ErasureReceipt({ receipt }: { receipt: Receipt }) {
  const remaining = Object.values(receipt.verified.remaining).reduce((a, b) => a + b, 0);
  return (
    <Card
      title={
        <span className="title-with-badge">
          Person erased {remaining === 0 ? <StatusBadge status="ok" label="verified: nothing left" /> : <StatusBadge status="failed" label="not verified" />}
        </span>
      }
      description={`Recorded in the audit log as person.erased (entry ${receipt.auditLogId}) with these counts and a hash of the distinct ids, not the ids themselves.`}
    >
      <div className="stack-lg">
        <dl className="kv">
          <div>
            <dt>Person id</dt>
            <dd><code>{receipt.personId}</code></dd>
          </div>
          <div>
            <dt>Distinct ids</dt>
            <dd className="cluster">
              {receipt.distinctIds.map((d) => (
                <code key={d}>{d}</code>
              ))}
            </dd>
          </div>
          <div>
            <dt>Ids hash</dt>
            <dd><code>sha256:{receipt.distinctIdsSha256}</code></dd>
          </div>
          <div>
            <dt>Erased at</dt>
            <dd><Time value={receipt.erasedAt} /></dd>
          </div>
        </dl>
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col" className="num">Rows deleted</th>
                <th scope="col" className="num">Rows left (recounted)</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(receipt.deleted).map(([table, n]) => (
                <tr key={table}>
                  <td><code>{table}</code></td>
                  <td className="num">{n.toLocaleString("en")}</td>
                  <td className="num">{(receipt.verified.remaining[table] ?? 0).toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">
          If the person's devices send events again, they are stored as a new person. Save this page if you need to answer the request.
        </p>
      </div>
    </Card>
  );
}
