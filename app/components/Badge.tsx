import type { ReactNode } from "react";

export type Tone = "neutral" | "accent" | "success" | "warning" | "danger" | "info";

export function Badge({ tone = "neutral", children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const roleTone: Record<string, Tone> = { admin: "accent", analyst: "info", viewer: "neutral" };

export function RoleBadge({ role }: { role: string }) {
  return <Badge tone={roleTone[role] ?? "neutral"}>{role}</Badge>;
}

const statusTone: Record<string, Tone> = {
  completed: "success",
  ok: "success",
  active: "success",
  running: "info",
  retrying: "warning",
  degraded: "warning",
  failed: "danger",
  revoked: "danger",
  disabled: "danger",
};

/** A badge coloured by a status word (completed, failed, running, revoked...). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <Badge tone={statusTone[status] ?? "neutral"}>{label ?? status}</Badge>;
}
