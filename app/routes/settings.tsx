import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { SubNav } from "~/components/SubNav";
import { requireUser } from "~/lib/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return json({ isAdmin: user.role === "admin" });
}

const everyone = [{ to: "/settings/projects", label: "Projects" }];
const adminOnly = [
  { to: "/settings/api-keys", label: "API keys" },
  { to: "/settings/users", label: "Users" },
  { to: "/settings/privacy", label: "Privacy" },
  { to: "/settings/persons", label: "Persons" },
  { to: "/settings/audit", label: "Audit log" },
];
const account = [{ to: "/settings/account", label: "Your account" }];

export default function SettingsLayout() {
  const { isAdmin } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <PageHeader title="Settings" description="Projects, access and your account." />
      <SubNav label="Settings" items={[...everyone, ...(isAdmin ? adminOnly : []), ...account]} />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
