import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { areas, groupLabels, type Area } from "~/lib/areas";
import { RoleBadge } from "./Badge";
import { Icon } from "./Icon";
import { ProjectSwitcher } from "./ProjectSwitcher";

export interface ShellData {
  user: { email: string; name: string; role: string };
  project: { id: string; name: string } | null;
  projects: { id: string; name: string }[];
}

const groups = Object.keys(groupLabels) as Area["group"][];

function Sidebar() {
  return (
    <aside id="sidebar" className="sidebar">
      <Link to="/" className="sidebar-brand">
        <span className="logo-mark" aria-hidden="true" />
        <span>Foresight</span>
      </Link>
      <nav aria-label="Main" className="sidebar-nav">
        {groups.map((group) => {
          const items = areas.filter((a) => a.group === group);
          const heading = groupLabels[group];
          return (
            <div key={group} className="nav-group">
              {heading ? <p className="nav-group-label">{heading}</p> : null}
              <ul>
                {items.map((a) => (
                  <li key={a.key}>
                    <NavLink to={a.path} end={a.path === "/"} className="nav-link" prefetch="intent">
                      <Icon name={a.key} />
                      <span className="nav-label">{a.label}</span>
                      {a.status === "next" ? <span className="nav-soon">soon</span> : null}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
    </aside>
  );
}

/**
 * The logged-in layout. On narrow screens the sidebar hides behind a menu button; the button is
 * a label for a checkbox, so it opens and closes without JavaScript.
 */
export function AppShell({ data, children }: { data: ShellData; children: ReactNode }) {
  const toggle = useRef<HTMLInputElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    if (toggle.current) toggle.current.checked = false;
  }, [pathname]);

  return (
    <div className="app-shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <input ref={toggle} type="checkbox" id="nav-toggle" className="nav-toggle" aria-label="Navigation menu" aria-controls="sidebar" />
      <Sidebar />
      <label htmlFor="nav-toggle" className="sidebar-backdrop" aria-hidden="true" />
      <div className="app-main">
        <header className="topbar">
          <label htmlFor="nav-toggle" className="menu-button" aria-hidden="true" title="Menu">
            <Icon name="menu" size={20} />
          </label>
          <ProjectSwitcher current={data.project} projects={data.projects} />
          <div className="topbar-user">
            <Link to="/settings/account" className="user-email" title={data.user.name || data.user.email}>
              {data.user.email}
            </Link>
            <RoleBadge role={data.user.role} />
            <Form method="post" action="/logout">
              <button type="submit" className="btn btn-sm btn-ghost" aria-label="Log out">
                <Icon name="logout" size={16} />
                <span>Log out</span>
              </button>
            </Form>
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
