import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { repoRoot } from "./config";
import type { Deps } from "./deps";
import { clearSessionCookie, sessionCookie } from "./auth/cookies";
import { checkHealth } from "./monitoring/health";
import { installErrorRecorder } from "./monitoring/error-records";
import { metricsMiddleware, metricsRoute } from "./monitoring/http-metrics";
import { bindMetrics, setMetricsCollection } from "./monitoring/metrics";
import { captureError } from "./monitoring/sentry";
import { clientErrorRoutes } from "./monitoring/client-errors";
import { queueDepth } from "./jobs/queue";
import { captureRoutes } from "./ingest/routes";
import { flagRoutes } from "./flags/routes";
import { mlRoutes } from "./ml/routes";
import { experimentRoutes } from "./experiments/routes";
import type { CaptureService } from "./ingest/service";
import "./remix-context";
import { createContext } from "./trpc/context";
import type { Context } from "./trpc/init";
import { appRouter, createCaller } from "./trpc/root";
import { TRPC_MAX_BATCH, TRPC_MAX_BODY_BYTES } from "./trpc/limits";

export const remixBuildPath = path.join(repoRoot, "build", "index.js");

/** The one HTTP app: health, static assets, then Remix (which hosts the tRPC resource route). */
export async function createHttpApp(deps: Deps, opts: { capture: CaptureService; build?: ServerBuild }): Promise<express.Express> {
  const serverBuild = opts.build ?? ((await import(pathToFileURL(remixBuildPath).href)) as ServerBuild);
  const secure = deps.config.FORESIGHT_SECURE_COOKIES ?? deps.config.PUBLIC_URL?.startsWith("https:") ?? false;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  installErrorRecorder(deps);
  bindMetrics({ pool: deps.db.pool, queueDepth: () => queueDepth(deps.db.pool).then(({ installed: _, ...d }) => d) });
  setMetricsCollection(deps.config.FORESIGHT_METRICS);
  if (deps.config.FORESIGHT_METRICS) app.use(metricsMiddleware());
  app.get("/metrics", metricsRoute(deps));

  app.get("/api/health", async (_req, res) => {
    const health = await checkHealth(deps);
    res.status(health.status === "ok" ? 200 : 503).json(health);
  });

  // Flags first: they answer posthog-js's /decide and /flags, and let the /flags page through.
  app.use(flagRoutes(deps, opts.capture.keys));
  app.use(mlRoutes(deps));
  app.use(experimentRoutes(deps, opts.capture));
  app.use(captureRoutes(opts.capture.pipeline, deps.logger.child({ component: "capture" })));
  app.use(clientErrorRoutes(deps));

  app.use("/build", express.static(path.join(repoRoot, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(repoRoot, "public"), { maxAge: "1h" }));

  app.all(
    "*",
    createRequestHandler({
      build: serverBuild,
      // Only development mode sends error messages and stacks to the browser.
      mode: deps.config.NODE_ENV === "development" ? "development" : "production",
      getLoadContext(req): AppLoadContext {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === "string") headers.set(k, v);
          else if (Array.isArray(v)) headers.set(k, v.join(", "));
        }
        let ctx: Promise<Context> | undefined;
        const context = () => (ctx ??= createContext(deps, { headers, ip: req.ip ?? null }));
        return {
          trpc: createCaller(context),
          getUser: async () => (await context()).session?.user ?? null,
          handleTrpc: async (request) => {
            // Refused before the body is read (a chunked body without a length is bounded by Remix's reader only).
            if (Number(request.headers.get("content-length") ?? 0) > TRPC_MAX_BODY_BYTES) {
              return Response.json({ error: { message: `body: larger than ${TRPC_MAX_BODY_BYTES / 1024 / 1024} MB` } }, { status: 413 });
            }
            return fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext: context, maxBatchSize: TRPC_MAX_BATCH });
          },
          sessionCookie: (token, expiresAt) => sessionCookie(token, expiresAt, secure),
          clearSessionCookie: () => clearSessionCookie(secure),
          reportError: (error, info) => {
            deps.logger.error({ err: error, ...info }, "request failed");
            captureError(error, { kind: "remix", url: info.url, route: info.route });
          },
        };
      },
    }),
  );

  app.use(((err, req, res, _next) => {
    // Errors Express and its parsers mark as the client's (a URL that is not valid percent-encoding,
    // a malformed body): their 4xx with what is wrong, not a 500.
    const status = (err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      const message = err instanceof URIError ? "the URL is not valid percent-encoding" : (err as { expose?: boolean }).expose ? String((err as Error).message) : "bad request";
      if (!res.headersSent) res.status(status).json({ error: message });
      return;
    }
    deps.logger.error({ err, url: req.originalUrl }, "unhandled request error");
    captureError(err, { kind: "http", url: req.originalUrl, method: req.method });
    if (!res.headersSent) res.status(500).json({ error: "Internal error" });
  }) as express.ErrorRequestHandler);

  return app;
}

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port; a taken port rejects with a message that names it. */
export async function listen(app: express.Express, port: number, host: string): Promise<WebServer> {
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") reject(new Error(`port ${port} is already in use (set PORT to use another)`));
      else if (err.code === "EACCES") reject(new Error(`port ${port} needs privileges this user lacks (set PORT)`));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  return {
    url: `http://${shownHost}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 3000).unref();
      }),
  };
}
