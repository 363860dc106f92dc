import { defineConfig } from "prisma/config";

// No datasource URL here: Foresight connects through @prisma/adapter-pg at run time and
// applies migrations with the WASM schema engine (server/db/migrations.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
