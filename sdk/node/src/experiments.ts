import type { FetchLike, Properties } from "./types.js";
import { LIB, LIB_VERSION } from "./version.js";

/** What the server answers for a person in an experiment (`POST /api/experiments/variant`). */
export interface VariantAnswer {
  experiment: string;
  /** The variant to show; the control when the person is outside the experiment. */
  variant: string;
  /** Whether this answer counted as an exposure (running experiment, person in a variant). */
  inExperiment: boolean;
  status: "draft" | "running" | "paused" | "completed";
  reason: string;
  payload: unknown;
}

export interface VariantRequest {
  experimentKey: string;
  distinctId: string;
  /** Person properties the flag's targeting may use. */
  properties?: Properties;
}

export interface ConversionRequest {
  experimentKey: string;
  distinctId: string;
  event: string;
  properties?: Properties;
  /** For sum / mean metrics (revenue, say). */
  value?: number;
}

export interface ConversionAnswer {
  recorded: number;
  experiment: string;
  event: string;
}

export type ExperimentCallResult<T> = { ok: true; value: T } | { ok: false; status?: number; message: string; field?: string; cause?: unknown };

/** One POST to the experiments REST API with the write key; never throws. */
export async function postExperiments<T>(
  o: { host: string; apiKey: string; fetch: FetchLike; timeoutMs: number },
  path: "variant" | "conversion",
  body: Record<string, unknown>,
): Promise<ExperimentCallResult<T>> {
  try {
    const res = await o.fetch(`${o.host}/api/experiments/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${o.apiKey}`, "User-Agent": `${LIB}/${LIB_VERSION}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    const text = await res.text().catch(() => "");
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below with the status
    }
    if (res.status >= 200 && res.status < 300 && json && typeof json === "object") return { ok: true, value: json as T };
    const first = (json as { errors?: Array<{ field?: string; problem?: string }> } | null)?.errors?.[0];
    return {
      ok: false,
      status: res.status,
      field: first?.field,
      message: first ? `${first.field}: ${first.problem}` : `the server answered ${res.status}`,
    };
  } catch (cause) {
    return { ok: false, message: "the request failed", cause };
  }
}
