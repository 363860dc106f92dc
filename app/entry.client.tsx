import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { startBrowserErrorReporting } from "~/lib/browser-errors.client";

startBrowserErrorReporting(window.__FORESIGHT_ENV__?.monitoring);

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RemixBrowser />
    </StrictMode>,
  );
});
