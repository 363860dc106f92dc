import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/lib/guards.server";

const POLL_MS = 2000;
const PING_MS = 15_000;

/**
 * Server-sent events for the monitoring overview: a `summary` event (error totals, firing alerts)
 * whenever it changes, checked every 2 s through tRPC; a comment line keeps proxies from closing it.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let last = "";
      let lastSent = Date.now();
      let busy = false;
      const close = () => {
        clearInterval(timer);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      const tick = async () => {
        if (busy) return;
        busy = true;
        try {
          const summary = JSON.stringify(await context.trpc.monitoring.summary());
          if (summary !== last) {
            last = summary;
            lastSent = Date.now();
            controller.enqueue(encoder.encode(`event: summary\ndata: ${summary}\n\n`));
          } else if (Date.now() - lastSent > PING_MS) {
            lastSent = Date.now();
            controller.enqueue(encoder.encode(": ping\n\n"));
          }
        } catch {
          close();
        } finally {
          busy = false;
        }
      };
      request.signal.addEventListener("abort", close);
      void tick();
      timer = setInterval(() => void tick(), POLL_MS);
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}
