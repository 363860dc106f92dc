import { defineConfig } from "vitest/config";

const alias = { "~": new URL("./app", import.meta.url).pathname };

// Three projects: unit (no database), integration (real PostgreSQL: one embedded server for the
// run, or DATABASE_URL; each test file gets its own database cloned from a migrated template),
// e2e (the real HTTP server and Debian's Chromium through playwright-core). The global setup is
// declared once at the root so that the run shares one PostgreSQL server.
export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: ["tests/support/global-setup.ts"],
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], pool: "forks" } },
      {
        resolve: { alias },
        test: { name: "integration", include: ["tests/integration/**/*.test.ts"], pool: "forks", testTimeout: 30_000, hookTimeout: 60_000 },
      },
      {
        resolve: { alias },
        test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], pool: "forks", testTimeout: 60_000, hookTimeout: 90_000 },
      },
    ],
  },
});
