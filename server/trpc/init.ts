// tRPC set-up: context, then procedure builders, then the router factory.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import type { Deps } from "../deps";
import type { ResolvedSession } from "../auth/sessions";
import { hasRole, type Role } from "../auth/roles";
import { metricsCollecting, trpcDuration } from "../monitoring/metrics";
import { captureError } from "../monitoring/sentry";
import { unstorableText } from "../validation/storable-text";
import { describeZodError } from "../validation/zod-message";

// ---- context -------------------------------------------------------------------------------

export interface Context {
  deps: Deps;
  session: ResolvedSession | null;
  ip: string | null;
  userAgent: string | null;
}

export interface ProcedureMeta {
  /** The least role allowed to call the procedure; null for public procedures. */
  minRole: Role | null;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const internal = error.code === "INTERNAL_SERVER_ERROR";
      return {
        ...shape,
        message: internal ? "Internal error" : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          fieldErrors: error.cause instanceof ZodError ? z.flattenError(error.cause).fieldErrors : null,
        },
      };
    },
  });

// ---- procedure builders --------------------------------------------------------------------

const reportErrors = t.middleware(async ({ ctx, next, path, type }) => {
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    const cause = result.error.cause ?? result.error;
    ctx.deps.logger.error({ err: cause, path, type, userId: ctx.session?.user.id }, "procedure failed");
    captureError(cause, { kind: "trpc", path, type, userId: ctx.session?.user.id, ip: ctx.ip });
  }
  return result;
});

const timeProcedures = t.middleware(async ({ next, path, type }) => {
  if (!metricsCollecting()) return next();
  const start = performance.now();
  const result = await next();
  trpcDuration.observe({ path, type, outcome: result.ok ? "ok" : "error" }, (performance.now() - start) / 1000);
  return result;
});

/** Text PostgreSQL cannot store (NUL, lone surrogates) is the caller's mistake: 400 naming where, before any SQL. */
const storableInput = t.middleware(async ({ next, getRawInput }) => {
  const problem = unstorableText(await getRawInput());
  if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: `${problem.path}: ${problem.problem}` });
  return next();
});

function requireRole(minRole: Role) {
  return t.middleware(async ({ ctx, next }) => {
    const session = ctx.session;
    if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in first" });
    if (!hasRole(session.user.role, minRole)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${minRole} role` });
    }
    const project = await resolveProject(ctx.deps, session.projectId);
    return next({ ctx: { ...ctx, session, user: session.user, project } });
  });
}

async function resolveProject(deps: Deps, projectId: string | null) {
  const select = { id: true, name: true, slug: true, timezone: true } as const;
  const chosen = projectId ? await deps.db.prisma.project.findUnique({ where: { id: projectId }, select }) : null;
  const project = chosen ?? (await deps.db.prisma.project.findFirst({ orderBy: { createdAt: "asc" }, select }));
  if (!project) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "No project exists yet" });
  return project;
}

/**
 * An input that failed its schema reads "field: problem" for the first few issues (as the forms,
 * the HTTP client and callers all show it), not zod's JSON dump of the issue list.
 */
const readableInputErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok || result.error.code !== "BAD_REQUEST") return result;
  const cause = result.error.cause;
  if (!(cause instanceof ZodError) || !result.error.message.trimStart().startsWith("[")) return result;
  return { ...result, error: new TRPCError({ code: "BAD_REQUEST", message: describeZodError(cause), cause }) };
});

const base = t.procedure.use(timeProcedures).use(reportErrors).use(readableInputErrors);

// The role check comes first: a caller without the role learns nothing about the input.
export const publicProcedure = base.meta({ minRole: null }).use(storableInput);
export const viewerProcedure = base.meta({ minRole: "viewer" }).use(requireRole("viewer")).use(storableInput);
export const analystProcedure = base.meta({ minRole: "analyst" }).use(requireRole("analyst")).use(storableInput);
export const adminProcedure = base.meta({ minRole: "admin" }).use(requireRole("admin")).use(storableInput);

// ---- routers -------------------------------------------------------------------------------

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
