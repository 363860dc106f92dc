import { Badge, type Tone } from "~/components/Badge";

const tones: Record<string, Tone> = { draft: "neutral", running: "info", paused: "warning", completed: "success" };

/** An experiment's lifecycle state as a coloured badge. */
export function ExperimentStatusBadge({ status }: { status: string }) {
  return <Badge tone={tones[status] ?? "neutral"}>{status}</Badge>;
}
