import type { ReactNode } from "react";
import type { PersonSummary } from "../../server/privacy/find-person";
import { Badge } from "./Badge";
import { Card } from "./Card";
import { EmptyState } from "./EmptyState";
import { Time } from "./Time";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** What Foresight stores about one person: ids, properties and how many events. */
export function PersonRecord({ person, actions }: { person: PersonSummary; actions?: ReactNode }) {
  const properties = Object.entries(person.properties).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card
      title={
        <span className="title-with-badge">
          Person {person.isIdentified ? <Badge tone="info">identified</Badge> : <Badge>anonymous</Badge>}
        </span>
      }
      description="Everything below is personal data; Export JSON gives the person a copy, Erase deletes it."
      actions={actions}
    >
      <div className="stack-lg">
        <dl className="kv">
          <div>
            <dt>Person id</dt>
            <dd><code>{person.personId}</code></dd>
          </div>
          <div>
            <dt>Distinct ids</dt>
            <dd className="cluster">
              {person.distinctIds.map((d) => (
                <code key={d}>{d}</code>
              ))}
            </dd>
          </div>
          {person.mergedPersonIds.length ? (
            <div>
              <dt>Merged in</dt>
              <dd>{person.mergedPersonIds.length} earlier anonymous person{person.mergedPersonIds.length > 1 ? "s" : ""}</dd>
            </div>
          ) : null}
          <div>
            <dt>Created</dt>
            <dd><Time value={person.createdAt} /></dd>
          </div>
          <div>
            <dt>Events</dt>
            <dd>
              {person.eventCount.toLocaleString("en")}
              {person.firstEventAt ? (
                <span className="muted">
                  {" "}from <Time value={person.firstEventAt} /> to <Time value={person.lastEventAt} />
                </span>
              ) : null}
            </dd>
          </div>
        </dl>
        <div className="stack">
          <h3 className="section-title">Properties</h3>
          {properties.length === 0 ? (
            <EmptyState title="No person properties" />
          ) : (
            <div className="table-wrap">
              <table className="table table-compact">
                <thead>
                  <tr>
                    <th scope="col">Property</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {properties.map(([k, v]) => (
                    <tr key={k}>
                      <td><code>{k}</code></td>
                      <td>{show(v)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
    </Card>
  );
}
