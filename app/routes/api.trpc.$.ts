import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

// The browser's @trpc/client talks to the router here; the handler comes from the server.
export const loader = ({ request, context }: LoaderFunctionArgs) => context.handleTrpc(request);
export const action = ({ request, context }: ActionFunctionArgs) => context.handleTrpc(request);
