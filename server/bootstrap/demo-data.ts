import type { Deps } from "../deps";
import { generateDemo } from "../demo";
import { bulkIngest } from "../ingest/bulk";
import type { CaptureService } from "../ingest/service";

const MARK = "demo_data_loaded_at";

export interface DemoLoadOptions {
  seed?: number | string;
  days?: number;
  persons?: number;
  projectId?: string;
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

/**
 * Loads the generated travel business through the real ingest path (bulk mode). Event ids are
 * deterministic for a seed, so an interrupted load can simply run again: stored events are not
 * doubled. `onFirstStart` loads only once per database (marker in instance_meta).
 */
export async function loadDemoData(deps: Deps, capture: CaptureService, opts: DemoLoadOptions = {}) {
  const { prisma } = deps.db;
  const project =
    (opts.projectId ? await prisma.project.findUnique({ where: { id: opts.projectId } }) : null) ??
    (await prisma.project.findFirstOrThrow({ orderBy: { createdAt: "asc" } }));
  const run = generateDemo({ seed: opts.seed ?? 42, days: opts.days ?? 90, persons: opts.persons ?? 3000, projectTimezone: project.timezone });
  const t0 = Date.now();
  let lastLog = t0;
  const result = await bulkIngest(capture.pipeline, project.id, run as AsyncIterable<Record<string, unknown>>, {
    signal: opts.signal,
    onProgress: (p) => {
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        opts.log?.(`  demo data: ${p.events.toLocaleString("en")} events so far`);
      }
    },
  });
  return { project, ...result, seconds: (Date.now() - t0) / 1000 };
}

/** First start only: name the default project for the demo and load the demo data once. */
export async function loadDemoOnFirstStart(deps: Deps, capture: CaptureService, opts: { signal?: AbortSignal; log?: (m: string) => void }) {
  const { prisma } = deps.db;
  if (await prisma.instanceMeta.findUnique({ where: { key: MARK } })) return null;
  const project = await prisma.project.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  if ((await prisma.auditLog.count({ where: { action: "demo.started" } })) === 0) {
    await prisma.project.update({ where: { id: project.id }, data: { name: "Travel demo", timezone: "Europe/London" } });
    await prisma.auditLog.create({ data: { action: "demo.started", targetType: "project", targetId: project.id, projectId: project.id } });
  }
  opts.log?.("Loading demo data (90 days of a travel booking site) through the ingest pipeline...");
  const result = await loadDemoData(deps, capture, { projectId: project.id, signal: opts.signal, log: opts.log });
  if (opts.signal?.aborted) return null;
  await prisma.instanceMeta.create({ data: { key: MARK, value: { at: new Date().toISOString(), events: result.events } } });
  opts.log?.(`Demo data loaded: ${result.events.toLocaleString("en")} events in ${result.seconds.toFixed(1)} s`);
  return result;
}
