import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/** Reloads the page's data when the monitoring stream's summary differs from the one shown. */
export function useLiveRevalidation(shown: unknown) {
  const { revalidate } = useRevalidator();
  const latest = useRef({ shown: JSON.stringify(shown), revalidate });
  latest.current = { shown: JSON.stringify(shown), revalidate };
  useEffect(() => {
    const source = new EventSource("/monitoring/live");
    source.addEventListener("summary", (e) => {
      if ((e as MessageEvent<string>).data !== latest.current.shown) latest.current.revalidate();
    });
    return () => source.close();
  }, []);
}
