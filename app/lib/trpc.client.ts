import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { TRPC_MAX_BATCH } from "../../server/trpc/limits";
import type { AppRouter } from "../../server/trpc/root";

/** Browser-side tRPC client; the session cookie authenticates it. */
export const trpc = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: TRPC_MAX_BATCH })],
});
