import { Link } from "@remix-run/react";
import type { Area } from "~/lib/areas";
import { Badge } from "./Badge";
import { Icon } from "./Icon";

export function AreaCard({ area }: { area: Area }) {
  return (
    <Link to={area.path} className={`area-card${area.status === "next" ? " area-card-next" : ""}`}>
      <span className="area-card-icon">
        <Icon name={area.key} size={20} />
      </span>
      <span className="area-card-text">
        <span className="area-card-title">
          {area.label}
          {area.status === "next" ? <Badge>coming next</Badge> : <Badge tone="success">available</Badge>}
        </span>
        <span className="area-card-summary">{area.summary}</span>
      </span>
    </Link>
  );
}
