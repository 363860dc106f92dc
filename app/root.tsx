import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { TRPCError } from "@trpc/server";
import styles from "./styles/app.css";
import { AppShell, type ShellData } from "~/components/AppShell";
import { ErrorView, errorInfo } from "~/components/ErrorView";
import { reportBoundaryError } from "~/lib/browser-errors.client";

// An inline icon: without one every page's browser asks for /favicon.ico and logs its 404.
const ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#4f46e5"/><path d="M4 11l3-4 2 2 3-5" stroke="#fff" stroke-width="1.6" fill="none"/></svg>')}`;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", type: "image/svg+xml", href: ICON },
];

export const meta: MetaFunction = ({ error }) => [
  { title: error ? `${errorInfo(error).title} · Foresight` : "Foresight" },
  { name: "description", content: "Self-hosted product analytics and business intelligence" },
];

export async function loader({ context }: LoaderFunctionArgs) {
  const [user, monitoring] = await Promise.all([context.getUser(), context.trpc.monitoring.clientConfig()]);
  if (!user) return json({ user: null, project: null, projects: [], monitoring });
  const [project, projects] = await Promise.all([
    // A fresh install may have no project yet; the shell still renders.
    context.trpc.projects.current().catch((err: unknown) => {
      if (err instanceof TRPCError && err.code === "PRECONDITION_FAILED") return null;
      throw err;
    }),
    context.trpc.projects.list(),
  ]);
  return json({
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    project: project ? { id: project.id, name: project.name } : null,
    projects: projects.map((p) => ({ id: p.id, name: p.name })),
    monitoring,
  });
}

/** Public settings for entry.client (the Sentry DSN), set before the app's scripts run. */
function BrowserEnv() {
  const data = useRouteLoaderData<typeof loader>("root");
  const env = JSON.stringify({ monitoring: data?.monitoring }).replace(/</g, "\\u003c");
  return <script dangerouslySetInnerHTML={{ __html: `window.__FORESIGHT_ENV__ = ${env};` }} />;
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <BrowserEnv />
        <Scripts />
      </body>
    </html>
  );
}

function Shell({ data, children }: { data: ShellData | null; children: ReactNode }) {
  if (data) return <AppShell data={data}>{children}</AppShell>;
  return <>{children}</>;
}

export default function App() {
  const data = useLoaderData<typeof loader>();
  return (
    <Shell data={data.user ? { user: data.user, project: data.project, projects: data.projects } : null}>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  useEffect(() => reportBoundaryError(error), [error]);
  // Present when the root loader succeeded and a page below it failed: keep the shell around it.
  const data = useRouteLoaderData<typeof loader>("root");
  if (data?.user) {
    return (
      <AppShell data={{ user: data.user, project: data.project, projects: data.projects }}>
        <ErrorView error={error} />
      </AppShell>
    );
  }
  return (
    <main id="main" className="auth-page" tabIndex={-1}>
      <div className="auth-card">
        <div className="auth-brand">
          <span className="logo-mark" aria-hidden="true" />
          <span>Foresight</span>
        </div>
        <ErrorView error={error} />
      </div>
    </main>
  );
}
