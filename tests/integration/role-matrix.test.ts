import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import type { Role } from "../../server/auth/roles";
import { createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import { createProject } from "../../server/projects/create-project";
import { createContext } from "../../server/trpc/context";
import type { ProcedureMeta } from "../../server/trpc/init";
import { appRouter, createCaller } from "../../server/trpc/root";
import { createTestEnv, type TestEnv } from "../support/db";

type Identity = "anonymous" | Role;
const identities: Identity[] = ["anonymous", "viewer", "analyst", "admin"];
const rank: Record<Identity, number> = { anonymous: 0, viewer: 1, analyst: 2, admin: 3 };

// What the product promises, independent of how procedures declare themselves.
const mustBeAdmin = [
  /^users\./, /^apiKeys\./, /^audit\./, /^projects\.(create|update)$/, /^jobs\.runNow$/,
  /^privacy\.(erasePerson|exportPerson)$/, /^projectSettings\.update$/, /^flags\.delete$/,
  /^channels\.(create|update|delete|sendTest)$/,
];
// monitoring.clientConfig: the public Sentry DSN, needed by the login page too.
const mustBePublic = ["auth.login", "auth.me", "system.health", "monitoring.clientConfig"];
// Changing shared analysis objects needs an analyst; reading them, a viewer.
const mustBeAnalyst = [
  /^cohorts\.(create|update|delete|uploadCsv|recompute)$/, /^insights\.(create|rename|update|delete)$/,
  /^flags\.(create|update|setEnabled|archive|scheduleChange|cancelScheduledChange)$/,
  /^alerts\.(create|update|delete|acknowledge|evaluateNow)$/,
  /^forecasts\.(promote|rollback|retrain)$/,
  /^ml\.retrainPriceModels$/,
  /^experiments\.(create|update|start|pause|resume|complete|declareWinner)$/,
  /^reports\.(create|update|delete|runNow)$/,
  /^automations\.(create|update|setEnabled|delete|testFire|runNow)$/, /^automations\.audiences\.(create|update|delete|syncNow)$/,
];
const mustBeViewer = [
  /^cohorts\.(list|get|members)$/, /^insights\.(run|funnelPersons|eventNames|propertyKeys|propertyValues|list|get)$/,
  /^flags\.(list|get|evaluate|stats)$/,
  /^alerts\.(list|get|history)$/, /^channels\.(list|deliveries)$/, /^monitoring\.(errors|performance|series|summary)$/,
  /^vitals\.(thresholds|pages|trend)$/,
  /^forecasts\.(targets|forecast|insightForecast|queryForecast|history|progress)$/,
  /^ml\.(priceForecast|bestTimeToBook|similarDestinations|recommendations|priceModel)$/,
  /^experiments\.(list|get|results|sampleSize|getVariant|trackConversion)$/,
  /^reports\.(list|get|runs|preview|file)$/,
  /^automations\.(list|get|log)$/, /^automations\.audiences\.(list|csv)$/,
];

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>);

let env: TestEnv;
const userIds: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  env = await createTestEnv();
  await createProject(env.db.prisma, { name: "Matrix" });
  for (const role of ["viewer", "analyst", "admin"] as const) {
    const { user } = await createUser(env.db.prisma, { email: `${role}@matrix.test`, name: role, role, password: "password-123" });
    userIds[role] = user.id;
  }
});
afterAll(() => env.close());

/** A fresh session per call, so a procedure such as auth.logout cannot affect the next one. */
async function callAs(identity: Identity, path: string): Promise<TRPCError | null> {
  let cookie = "";
  if (identity !== "anonymous") {
    const { token } = await createSession(env.db.prisma, userIds[identity]!, {});
    cookie = `fs_session=${token}`;
  }
  const caller = createCaller(() => createContext(env.deps, { headers: new Headers({ cookie }), ip: `10.0.${rank[identity]}.1` }));
  const fn = path.split(".").reduce<any>((node, key) => node[key], caller);
  try {
    await fn(undefined);
    return null;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
}

describe("role matrix: every procedure x every role", () => {
  it("covers the whole router", () => {
    expect(procedures.length).toBeGreaterThanOrEqual(20);
  });

  it("every procedure declares its least role through a guarded builder", () => {
    for (const [path, proc] of procedures) {
      expect(proc._def.meta, path).toBeDefined();
      expect(["viewer", "analyst", "admin", null], path).toContain(proc._def.meta!.minRole);
    }
  });

  it("sensitive procedures are admin-only and public ones are few", () => {
    for (const [path, proc] of procedures) {
      if (mustBeAdmin.some((re) => re.test(path))) expect(proc._def.meta?.minRole, path).toBe("admin");
      if (proc._def.meta?.minRole === null) expect(mustBePublic, path).toContain(path);
    }
  });

  it("cohort writes need an analyst, cohort reads a viewer", () => {
    const paths = procedures.map(([path]) => path);
    for (const re of [...mustBeAnalyst, ...mustBeViewer]) expect(paths.some((p) => re.test(p)), String(re)).toBe(true);
    for (const [path, proc] of procedures) {
      if (mustBeAnalyst.some((re) => re.test(path))) expect(proc._def.meta?.minRole, path).toBe("analyst");
      if (mustBeViewer.some((re) => re.test(path))) expect(proc._def.meta?.minRole, path).toBe("viewer");
    }
  });

  for (const [path, proc] of procedures) {
    it(`${path} enforces ${proc._def.meta?.minRole ?? "public"}`, async () => {
      const min = proc._def.meta?.minRole ?? null;
      for (const who of identities) {
        const err = await callAs(who, path);
        const allowed = min === null || rank[who] >= rank[min];
        if (allowed) {
          expect(err?.code, `${who} calling ${path}`).not.toBe("FORBIDDEN");
          expect(err?.code, `${who} calling ${path}`).not.toBe("UNAUTHORIZED");
        } else {
          expect(err?.code, `${who} calling ${path}`).toBe(who === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN");
        }
      }
    });
  }
});
