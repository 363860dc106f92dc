import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { TRPCError } from "@trpc/server";
import { loginInput } from "~/lib/schemas.server";
import { safeRedirect } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Log in · Foresight" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (await context.getUser()) throw redirect("/");
  return null;
}

type ActionData = { formError?: string; fieldErrors?: Partial<Record<"email" | "password", string>>; email?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "");
  const parsed = loginInput.safeParse({ email, password: form.get("password") ?? "" });
  if (!parsed.success) {
    const fieldErrors: ActionData["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as "email" | "password";
      fieldErrors[key] ??= issue.message;
    }
    return json<ActionData>({ fieldErrors, email }, { status: 400 });
  }
  try {
    const session = await context.trpc.auth.login(parsed.data);
    return redirect(safeRedirect(form.get("redirectTo")), {
      headers: { "Set-Cookie": context.sessionCookie(session.token, session.expiresAt) },
    });
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "UNAUTHORIZED" || err.code === "TOO_MANY_REQUESTS")) {
      return json<ActionData>({ formError: err.message, email }, { status: err.code === "UNAUTHORIZED" ? 401 : 429 });
    }
    throw err;
  }
}

export default function Login() {
  const data = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="logo-mark" aria-hidden="true" />
          <span>Foresight</span>
        </div>
        <h1>Log in</h1>
        <Form method="post" action="/login" noValidate className="stack">
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
          {data?.formError ? (
            <p className="alert alert-error" role="alert">
              {data.formError}
            </p>
          ) : null}
          <label className="field">
            <span>Email</span>
            <input
              name="email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              defaultValue={data?.email}
              aria-invalid={data?.fieldErrors?.email ? true : undefined}
              aria-describedby={data?.fieldErrors?.email ? "email-error" : undefined}
            />
            {data?.fieldErrors?.email ? <small id="email-error" className="field-error">{data.fieldErrors.email}</small> : null}
          </label>
          <label className="field">
            <span>Password</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={data?.fieldErrors?.password ? true : undefined}
              aria-describedby={data?.fieldErrors?.password ? "password-error" : undefined}
            />
            {data?.fieldErrors?.password ? <small id="password-error" className="field-error">{data.fieldErrors.password}</small> : null}
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </Form>
      </div>
    </main>
  );
}
