import type { Role } from "../../server/auth/roles";
import { createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import type { Deps } from "../../server/deps";
import { createCaller } from "../../server/trpc/root";
import { createContext } from "../../server/trpc/context";

export const TEST_PASSWORD = "correct horse battery";

/** Creates a user with `role` and returns a session cookie header and a tRPC caller acting as them. */
export async function signIn(deps: Deps, role: Role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@test.local`, projectId?: string) {
  const { user } = await createUser(deps.db.prisma, { email, name: role, role, password: TEST_PASSWORD });
  const { token } = await createSession(deps.db.prisma, user.id, projectId ? { projectId } : {});
  const cookie = `fs_session=${encodeURIComponent(token)}`;
  const caller = createCaller(() => createContext(deps, { headers: new Headers({ cookie }), ip: "127.0.0.1" }));
  return { user, token, cookie, caller };
}

/** A logged-out caller; each gets its own client IP unless given, so login limits stay per test. */
export function anonymousCaller(deps: Deps, ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) {
  return createCaller(() => createContext(deps, { headers: new Headers(), ip }));
}
