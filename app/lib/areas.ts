/** The product's areas: the sidebar, the home page cards and the placeholder pages read this. */
export type AreaKey =
  | "home"
  | "insights"
  | "cohorts"
  | "dashboards"
  | "experiments"
  | "flags"
  | "forecasts"
  | "monitoring"
  | "alerts"
  | "reports"
  | "automations"
  | "settings";

export interface Area {
  key: AreaKey;
  label: string;
  path: string;
  group: "main" | "analyze" | "ship" | "predict" | "operate" | "admin";
  /** "ready" when there is a working page today; "next" when it is planned but not built. */
  status: "ready" | "next";
  summary: string;
  plans: string[];
}

export const areas: Area[] = [
  {
    key: "home",
    label: "Home",
    path: "/",
    group: "main",
    status: "ready",
    summary: "An overview of the current project and of the system.",
    plans: [],
  },
  {
    key: "insights",
    label: "Insights",
    path: "/insights",
    group: "analyze",
    status: "ready",
    summary: "Ask questions of your event data: trends, funnels, retention, paths, lifecycle and cohorts.",
    plans: [
      "Trends of any event over time, broken down by property, with filters",
      "Funnels with conversion windows and drop-off per step",
      "Retention tables and lifecycle (new, returning, resurrecting, dormant users)",
      "User paths between events, and saved cohorts to reuse as filters",
    ],
  },
  {
    key: "cohorts",
    label: "Cohorts",
    path: "/cohorts",
    group: "analyze",
    status: "ready",
    summary: "Groups of persons by property or behaviour, or uploaded as a list; usable as a filter anywhere.",
    plans: [],
  },
  {
    key: "dashboards",
    label: "Dashboards",
    path: "/dashboards",
    group: "analyze",
    status: "next",
    summary: "Pin insights to shared dashboards that refresh on their own.",
    plans: [
      "Dashboards built from saved insights, arranged in a grid",
      "Date-range and property filters applied to every tile at once",
      "Scheduled refresh from rollups, so dashboards open quickly",
    ],
  },
  {
    key: "experiments",
    label: "Experiments",
    path: "/experiments",
    group: "ship",
    status: "ready",
    summary: "Run A/B tests on top of feature flags and read their results with proper statistics.",
    plans: [
      "Variants and traffic split, assigned by stable hashing",
      "Primary and secondary metrics taken from insights",
      "Significance, confidence intervals and sample-ratio checks",
    ],
  },
  {
    key: "flags",
    label: "Feature flags",
    path: "/flags",
    group: "ship",
    status: "ready",
    summary: "Turn features on for some users, roll them out gradually, and evaluate them from the SDKs.",
    plans: [
      "Boolean and multivariate flags with percentage rollouts",
      "Targeting by person properties and cohorts",
      "Evaluation from the browser and Node SDKs with the project's keys",
    ],
  },
  {
    key: "forecasts",
    label: "Forecasts",
    path: "/forecasts",
    group: "predict",
    status: "ready",
    summary: "Forecasts, price advice and churn risk from the ML sidecar, trained on your own history.",
    plans: [
      "Metric forecasts with prediction intervals and backtest accuracy (MASE, coverage)",
      "Churn risk and segments per person",
      "Model versions with their metrics, and which one is active",
    ],
  },
  {
    key: "monitoring",
    label: "Monitoring",
    path: "/monitoring",
    group: "operate",
    status: "ready",
    summary: "System health, background jobs, request latency, server and browser errors, web vitals, alerts and channels.",
    plans: [],
  },
  {
    key: "alerts",
    label: "Alerts",
    path: "/monitoring/alerts",
    group: "operate",
    status: "ready",
    summary: "Threshold rules on metrics and saved insights, delivered by email, Slack, PagerDuty or webhook.",
    plans: ["Anomaly detection from the forecasting models"],
  },
  {
    key: "reports",
    label: "Reports",
    path: "/reports",
    group: "operate",
    status: "ready",
    summary: "Scheduled reports by email: daily revenue, weekly performance, monthly and quarterly reviews, or any saved insight, as CSV, Excel, PDF or JSON.",
    plans: ["Reports built from dashboards (once dashboards exist)", "Delivery to Slack"],
  },
  {
    key: "automations",
    label: "Automations",
    path: "/automations",
    group: "operate",
    status: "ready",
    summary: "When a person does something (and not something else within a window), call a webhook or send an email; sync cohorts to webhooks.",
    plans: [],
  },
  {
    key: "settings",
    label: "Settings",
    path: "/settings",
    group: "admin",
    status: "ready",
    summary: "Projects, API keys, users and roles, the audit log and your account.",
    plans: [],
  },
];

export const groupLabels: Record<Area["group"], string | null> = {
  main: null,
  analyze: "Analyze",
  ship: "Ship",
  predict: "Predict",
  operate: "Operate",
  admin: null,
};

/** Areas that only have a placeholder page so far, by their URL segment. */
export function placeholderArea(segment: string | undefined): Area | undefined {
  return areas.find((a) => a.status === "next" && a.path === `/${segment}`);
}
