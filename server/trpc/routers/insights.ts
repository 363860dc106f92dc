import { TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { describeZodError } from "../../validation/zod-message";
import { INTERACTIVE_STATEMENT_TIMEOUT_MS } from "../../db/client";
import { funnelPersons } from "../../query/funnels";
import type { QueryContext } from "../../query/context";
import { QueryInputError } from "../../query/errors";
import type { QueryAnswer } from "../../query/result";
import { runInsight } from "../../query/run";
import { insightQuery, type InsightQuery } from "../../query/schema";
import type { Filter } from "../../query/schema/common";
import { funnelPersonsInput } from "../../query/schema/funnels";
import type { Deps } from "../../deps";
import { propertyText } from "../../query/filters";
import { render, sql } from "../../query/sql";
import { analystProcedure, router, viewerProcedure } from "../init";

// ---- inputs --------------------------------------------------------------------------------

const insightName = z.string().trim().min(1, "Give the insight a name").max(200, "Use at most 200 characters");
const idInput = z.object({ id: z.uuid() }).strict();
export const createInsightInput = z.object({ name: insightName, query: insightQuery }).strict();
export const renameInsightInput = z.object({ id: z.uuid(), name: insightName }).strict();
export const updateInsightInput = z.object({ id: z.uuid(), query: insightQuery }).strict();
export const eventNamesInput = z.object({ search: z.string().max(200).optional(), limit: z.number().int().min(1).max(1000).default(500) }).strict().optional();
export const propertyKeysInput = z
  .object({ type: z.enum(["event", "person"]).default("event"), event: z.string().min(1).max(400).optional(), limit: z.number().int().min(1).max(1000).default(500) })
  .strict()
  .optional();
export const propertyValuesInput = z
  .object({
    type: z.enum(["event", "person"]).default("event"),
    key: z.string().min(1).max(400),
    event: z.string().min(1).max(400).optional(),
    search: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .strict();

// ---- errors --------------------------------------------------------------------------------

/** Bad queries (schema, QueryInputError, a user's invalid regex) become 400s naming what is wrong. */
export function queryError(error: TRPCError): TRPCError {
  const cause = error.cause;
  if (cause instanceof ZodError) {
    cause.message = describeZodError(cause, "query");
    return new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  if (cause instanceof QueryInputError) return new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  if ((cause as { code?: unknown } | undefined)?.code === "57014") {
    return new TRPCError({
      code: "TIMEOUT",
      message: `the query ran longer than ${INTERACTIVE_STATEMENT_TIMEOUT_MS / 1000} s and was stopped: narrow the date range, use a coarser interval or fewer series and breakdown values`,
      cause,
    });
  }
  if ((cause as { code?: unknown } | undefined)?.code === "2201B") {
    return new TRPCError({ code: "BAD_REQUEST", message: `filters: invalid regular expression (${cause!.message})`, cause });
  }
  return error;
}

// Sits between the role check and the input parser, so it sees both input and runner errors.
function namedErrors<R extends { ok: boolean }>(result: R): R {
  if (result.ok) return result;
  return { ...result, error: queryError((result as unknown as { error: TRPCError }).error) };
}
const viewer = viewerProcedure.use(async ({ next }) => namedErrors(await next()));
const analyst = analystProcedure.use(async ({ next }) => namedErrors(await next()));

// ---- helpers -------------------------------------------------------------------------------

interface Ctx {
  deps: Deps;
  project: { id: string };
}

async function projectForQuery(ctx: Ctx) {
  const row = await ctx.deps.db.prisma.project.findUnique({
    where: { id: ctx.project.id },
    select: { id: true, timezone: true, testAccountFilters: true },
  });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such project" });
  return row;
}

async function queryContext(ctx: Ctx): Promise<QueryContext> {
  const p = await projectForQuery(ctx);
  return {
    pool: ctx.deps.db.interactive,
    projectId: p.id,
    timezone: p.timezone,
    now: new Date(),
    testAccountFilters: (Array.isArray(p.testAccountFilters) ? p.testAccountFilters : []) as Filter[],
  };
}

async function savedInsight(ctx: Ctx, id: string) {
  const row = await ctx.deps.db.prisma.savedInsight.findFirst({ where: { id, projectId: ctx.project.id } });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such saved insight" });
  return row;
}

// ---- router --------------------------------------------------------------------------------

/** Insight queries, the pickers that build them, and saved insights of the current project. */
export const insightsRouter = router({
  run: viewer.input(insightQuery).query(async ({ ctx, input }): Promise<QueryAnswer<unknown>> =>
    runInsight(ctx.deps.db.interactive, await projectForQuery(ctx), input),
  ),

  /** The persons who converted at / dropped before a funnel step (paginated). */
  funnelPersons: viewer.input(funnelPersonsInput).query(async ({ ctx, input }) => {
    return funnelPersons(await queryContext(ctx), input);
  }),

  eventNames: viewer.input(eventNamesInput).query(async ({ ctx, input }) => {
    const { rows } = await ctx.deps.db.interactive.query<{ name: string; lastSeen: Date }>(
      `select name, last_seen as "lastSeen" from event_definitions
        where project_id = $1 and ($2::text is null or strpos(lower(name), lower($2::text)) > 0)
        order by name limit $3`,
      [ctx.project.id, input?.search ?? null, input?.limit ?? 500],
    );
    return rows;
  }),

  propertyKeys: viewer.input(propertyKeysInput).query(async ({ ctx, input }) => {
    const limit = input?.limit ?? 500;
    if (input?.type === "person") {
      const { rows } = await ctx.deps.db.interactive.query<{ key: string; types: string[] }>(
        `select k.key, array_agg(distinct jsonb_typeof(k.value)) as types
           from (select properties from persons where project_id = $1 order by updated_at desc limit 5000) p,
                jsonb_each(p.properties) k
          group by k.key order by k.key limit $2`,
        [ctx.project.id, limit],
      );
      return rows;
    }
    const { rows } = await ctx.deps.db.interactive.query<{ key: string; types: string[] }>(
      `select d.key, array_agg(distinct t order by t) as types
         from property_definitions d, unnest(d.types) t
        where d.project_id = $1 and ($2::text is null or d.event_name = $2::text)
        group by d.key order by d.key limit $3`,
      [ctx.project.id, input?.event ?? null, limit],
    );
    return rows;
  }),

  /** The most frequent values of a property (over the newest 10,000 matching rows of the last 30 days). */
  propertyValues: viewer.input(propertyValuesInput).query(async ({ ctx, input }) => {
    const value = propertyText(input.type, input.key);
    const event = input.event ?? null;
    const sample =
      input.type === "person"
        ? sql`select ${value} as v from persons p where p.project_id = ${ctx.project.id}::uuid order by p.updated_at desc limit 10000`
        : sql`select ${value} as v from events e
               where e.project_id = ${ctx.project.id}::uuid and e.timestamp > now() - interval '30 days'
                 and (${event}::text is null or e.event = ${event}::text)
               order by e.timestamp desc limit 10000`;
    const search = input.search ?? null;
    const { text, values } = render(sql`select v as value, count(*)::int as count from (${sample}) s
      where v is not null and (${search}::text is null or strpos(lower(v), lower(${search}::text)) > 0)
      group by v order by count(*) desc, v limit ${input.limit}`);
    const { rows } = await ctx.deps.db.interactive.query<{ value: string; count: number }>(text, values);
    return rows;
  }),

  list: viewer.query(({ ctx }) =>
    ctx.deps.db.prisma.savedInsight.findMany({
      where: { projectId: ctx.project.id },
      orderBy: { updatedAt: "desc" },
      select: { id: true, name: true, kind: true, createdAt: true, updatedAt: true },
    }),
  ),

  get: viewer.input(idInput).query(async ({ ctx, input }) => {
    const row = await savedInsight(ctx, input.id);
    return { ...row, query: row.query as InsightQuery };
  }),

  create: analyst.input(createInsightInput).mutation(async ({ ctx, input }) => {
    const query = input.query;
    const row = await ctx.deps.db.prisma.savedInsight.create({
      data: { projectId: ctx.project.id, name: input.name, kind: query.kind, query: query as object, createdById: ctx.user.id },
    });
    return { ...row, query };
  }),

  rename: analyst.input(renameInsightInput).mutation(async ({ ctx, input }) => {
    await savedInsight(ctx, input.id);
    return ctx.deps.db.prisma.savedInsight.update({ where: { id: input.id }, data: { name: input.name } });
  }),

  update: analyst.input(updateInsightInput).mutation(async ({ ctx, input }) => {
    const query = input.query;
    await savedInsight(ctx, input.id);
    const row = await ctx.deps.db.prisma.savedInsight.update({ where: { id: input.id }, data: { kind: query.kind, query: query as object } });
    return { ...row, query };
  }),

  delete: analyst.input(idInput).mutation(async ({ ctx, input }) => {
    await savedInsight(ctx, input.id);
    await ctx.deps.db.prisma.savedInsight.delete({ where: { id: input.id } });
    return { id: input.id };
  }),
});
