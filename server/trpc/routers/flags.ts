import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import {
  archiveFlag,
  archiveInput,
  cancelScheduledChange,
  cancelScheduledInput,
  createFlag,
  createFlagInput,
  deleteFlag,
  evaluateInput,
  flagIdInput,
  flagService,
  FlagConflictError,
  FlagInputError,
  getFlag,
  getFlagInput,
  listFlags,
  listFlagsInput,
  readFlagStats,
  scheduleChange,
  scheduleChangeInput,
  setEnabledInput,
  statsInput,
  updateFlag,
  updateFlagInput,
  utcDay,
} from "../../flags";
import { adminProcedure, analystProcedure, router, viewerProcedure } from "../init";

/** Zod errors found past input parsing (the merged flag) and conflicts are the caller's: 400 / 409 naming the field. */
async function callerErrors<T>(next: () => Promise<T>): Promise<T> {
  const result = (await next()) as { ok: boolean; error?: { cause?: unknown } };
  const cause = result.ok ? null : result.error?.cause;
  if (cause instanceof ZodError) {
    const message = cause.issues.slice(0, 3).map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    throw new TRPCError({ code: "BAD_REQUEST", message, cause });
  }
  if (cause instanceof FlagInputError) throw new TRPCError({ code: "BAD_REQUEST", message: cause.message });
  if (cause instanceof FlagConflictError) throw new TRPCError({ code: "CONFLICT", message: cause.message });
  return result as T;
}

const read = viewerProcedure.use(({ next }) => callerErrors(next));
const write = analystProcedure.use(({ next }) => callerErrors(next));
const remove = adminProcedure.use(({ next }) => callerErrors(next));

function found<T>(value: T | null | false): T {
  if (value === null || value === false) throw new TRPCError({ code: "NOT_FOUND", message: "No such flag in this project" });
  return value;
}

export const flagsRouter = router({
  list: read.input(listFlagsInput).query(({ ctx, input }) => listFlags(ctx.deps.db.prisma, ctx.project.id, input)),

  get: read.input(getFlagInput).query(async ({ ctx, input }) => found(await getFlag(ctx.deps.db.prisma, ctx.project.id, input))),

  create: write
    .input(createFlagInput)
    .mutation(({ ctx, input }) => createFlag(flagService(ctx.deps).storeDeps, ctx.project.id, input, { userId: ctx.user.id, ip: ctx.ip })),

  update: write.input(updateFlagInput).mutation(async ({ ctx, input }) =>
    found(await updateFlag(flagService(ctx.deps).storeDeps, ctx.project.id, input.id, input.change, { userId: ctx.user.id, ip: ctx.ip }, { expectedVersion: input.expectedVersion })),
  ),

  setEnabled: write.input(setEnabledInput).mutation(async ({ ctx, input }) =>
    found(await updateFlag(flagService(ctx.deps).storeDeps, ctx.project.id, input.id, { enabled: input.enabled }, { userId: ctx.user.id, ip: ctx.ip }, { action: input.enabled ? "flag.enable" : "flag.disable" })),
  ),

  archive: write.input(archiveInput).mutation(async ({ ctx, input }) =>
    found(await archiveFlag(flagService(ctx.deps).storeDeps, ctx.project.id, input.id, input.archived, { userId: ctx.user.id, ip: ctx.ip })),
  ),

  delete: remove.input(flagIdInput).mutation(async ({ ctx, input }) => {
    found(await deleteFlag(flagService(ctx.deps).storeDeps, ctx.project.id, input.id, { userId: ctx.user.id, ip: ctx.ip }));
    return { id: input.id };
  }),

  scheduleChange: write.input(scheduleChangeInput).mutation(async ({ ctx, input }) =>
    found(await scheduleChange(flagService(ctx.deps).storeDeps, ctx.project.id, input.id, input.at, input.change, { userId: ctx.user.id, ip: ctx.ip })),
  ),

  cancelScheduledChange: write.input(cancelScheduledInput).mutation(async ({ ctx, input }) => {
    found(await cancelScheduledChange(flagService(ctx.deps).storeDeps, ctx.project.id, input.id, input.changeId, { userId: ctx.user.id, ip: ctx.ip }));
    return { id: input.changeId };
  }),

  /**
   * Flags for a person as /api/flags answers them, with the reason and deciding rule of each; not
   * counted in the stats (product surfaces and the "test a person" box).
   */
  evaluate: read.input(evaluateInput).query(async ({ ctx, input }) => {
    const r = await flagService(ctx.deps).evaluateForPerson(ctx.project.id, input, { count: false });
    if (input.key !== undefined && !(input.key in r.flags)) throw new TRPCError({ code: "NOT_FOUND", message: `key: no live flag "${input.key}" in this project` });
    return r;
  }),

  /** Evaluations and exposures per variant per UTC day (exposures recounted for the last two days first). */
  stats: read.input(statsInput).query(async ({ ctx, input }) => {
    const flag = found(await getFlag(ctx.deps.db.prisma, ctx.project.id, { id: input.id }));
    const service = flagService(ctx.deps);
    await service.counter.flush();
    await service.recountRecentExposures(ctx.project.id);
    const since = utcDay(Date.now() - (input.days - 1) * 86_400_000);
    return { key: flag.key, since, rows: await readFlagStats(ctx.deps.db.pool, ctx.project.id, flag.key, since) };
  }),
});
