import { TRPCError } from "@trpc/server";
import { audit } from "../../auth/audit";
import { erasePerson, hashDistinctIds } from "../../privacy/erase-person";
import { exportPerson } from "../../privacy/export-person";
import { findPerson } from "../../privacy/find-person";
import { findPersonInput, personRefInput } from "../../privacy/schemas";
import { adminProcedure, analystProcedure, router } from "../init";

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such person in this project" });

export const privacyRouter = router({
  findPerson: analystProcedure.input(findPersonInput).query(async ({ ctx, input }) => {
    const person = await findPerson(ctx.deps.db.pool, ctx.project.id, input);
    if (!person) throw notFound();
    return person;
  }),

  exportPerson: adminProcedure.input(personRefInput).mutation(async ({ ctx, input }) => {
    const exported = await exportPerson(ctx.deps.db.pool, ctx.project.id, input);
    if (!exported) throw notFound();
    const distinctIdsSha256 = hashDistinctIds(exported.distinctIds.map((d) => d.distinctId));
    await audit(ctx.deps.db.prisma, {
      actorId: ctx.user.id,
      action: "person.exported",
      targetType: "person",
      targetId: distinctIdsSha256,
      projectId: ctx.project.id,
      details: { distinctIdsSha256, events: exported.events.length, truncated: exported.truncated },
      ip: ctx.ip,
    });
    return exported;
  }),

  erasePerson: adminProcedure.input(personRefInput).mutation(async ({ ctx, input }) => {
    const receipt = await erasePerson(ctx.deps.db.pool, { projectId: ctx.project.id, ref: input, actorId: ctx.user.id, ip: ctx.ip });
    if (!receipt) throw notFound();
    ctx.deps.onPersonErased?.();
    return receipt;
  }),
});
