// Product surfaces ask for a person's variant and report conversions. The variant is the flag's
// own evaluation (same hash, same rules as /api/flags and the SDKs); while the experiment runs the
// answer is recorded as a `$feature_flag_called` exposure through the ingest pipeline, so it
// counts like an SDK's. Conversions are plain events through the same pipeline.
import type { Deps } from "../deps";
import { flagService } from "../flags/service";
import type { CaptureService } from "../ingest/service";
import { getExperiment, type ExperimentView } from "./store";
import type { GetVariantInput, TrackConversionInput } from "./schema";

/** A caller mistake (unknown experiment): 404 over REST, NOT_FOUND over tRPC. */
export class ExperimentNotFoundError extends Error {}

const sinks = new WeakMap<Deps, CaptureService>();

/** The process's capture service, for recording exposures and conversions (set where the web app is built). */
export function useCaptureForExperiments(deps: Deps, capture: CaptureService): void {
  sinks.set(deps, capture);
}

function sink(deps: Deps): CaptureService {
  const s = sinks.get(deps);
  if (!s) throw new Error("no capture service for experiments in this process (useCaptureForExperiments)");
  return s;
}

export interface VariantAnswer {
  experiment: string;
  /** The variant to show: the flag's value; the control when the person is outside the experiment (holdout, not targeted, not running). */
  variant: string;
  /** Whether this answer counts as an exposure (the experiment is running and the person is in a variant). */
  inExperiment: boolean;
  status: ExperimentView["status"];
  reason: string;
  payload: unknown;
}

async function running(deps: Deps, projectId: string, key: string): Promise<ExperimentView> {
  const e = await getExperiment(deps.db.prisma, projectId, { key });
  if (!e) throw new ExperimentNotFoundError(`experimentKey: no experiment "${key}" in this project`);
  return e;
}

export async function getVariant(deps: Deps, projectId: string, input: GetVariantInput, request: { ip?: string | null; userAgent?: string | null } = {}): Promise<VariantAnswer> {
  const e = await running(deps, projectId, input.experimentKey);
  const control = e.variants[0]!.key;
  if (!e.flagKey || e.status === "draft") return { experiment: e.key, variant: control, inExperiment: false, status: e.status, reason: "not_started", payload: null };
  const r = await flagService(deps).evaluateForPerson(projectId, { distinctId: input.distinctId, personProperties: input.properties, key: e.flagKey }, { count: true });
  const detail = r.details[e.flagKey];
  const value = r.flags[e.flagKey];
  const variant = typeof value === "string" && e.variants.some((v) => v.key === value) ? value : null;
  const inExperiment = e.status === "running" && variant !== null;
  // Holdout (in the audience, outside the rollout): recorded as "off" so the holdout group can be measured.
  const record = e.status === "running" && (variant !== null || (e.holdoutPercent > 0 && value === false && detail?.reason === "out_of_rollout"));
  if (record) {
    await sink(deps).pipeline.ingestBulk(projectId, [
      {
        event: e.exposureEvent,
        distinct_id: input.distinctId,
        properties: { $feature_flag: e.flagKey, $feature_flag_response: variant ?? false, $experiment: e.key, $lib: "foresight-experiments" },
        ...(request.ip ? { ip: request.ip } : {}),
        ...(request.userAgent ? { user_agent: request.userAgent } : {}),
      },
    ]);
  }
  return {
    experiment: e.key,
    variant: variant ?? (e.status === "completed" && e.winner ? e.winner : control),
    inExperiment,
    status: e.status,
    reason: detail?.reason ?? "unknown",
    payload: variant !== null ? (r.payloads[e.flagKey] ?? null) : null,
  };
}

export async function trackConversion(deps: Deps, projectId: string, input: TrackConversionInput, request: { ip?: string | null; userAgent?: string | null } = {}) {
  const e = await running(deps, projectId, input.experimentKey);
  const properties: Record<string, unknown> = { ...input.properties, $experiment: e.key };
  if (input.value !== undefined) properties.revenue = input.value;
  const result = await sink(deps).pipeline.ingestBulk(projectId, [
    { event: input.event, distinct_id: input.distinctId, properties, ...(request.ip ? { ip: request.ip } : {}), ...(request.userAgent ? { user_agent: request.userAgent } : {}) },
  ]);
  if (result.errors.length) {
    const p = result.errors[0]!;
    throw new ExperimentInputErrorFromCapture(`${p.field}: ${p.problem}`);
  }
  return { recorded: result.accepted, experiment: e.key, event: input.event };
}

/** The pipeline refused the event (a bad property, say): a 400. */
export class ExperimentInputErrorFromCapture extends Error {}
