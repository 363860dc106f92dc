import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from "web-vitals";
import type { Properties } from "./types.js";

/**
 * Buffers Core Web Vitals and emits them as one `$web_vitals` event when the page is hidden,
 * which is when INP and CLS become final. Vitals belong to the document load, so the event carries
 * the URL the page was loaded with, even after client-side navigations. If the page is shown and
 * hidden again, only values that changed since go out, in a second event.
 */
export class VitalsCollector {
  private buffer: Properties = {};
  private readonly page = { $current_url: location.href, $pathname: location.pathname };

  constructor(private readonly emit: (props: Properties) => void) {
    const record = (metric: Metric) => {
      this.buffer[`$web_vitals_${metric.name}_value`] = metric.value;
    };
    // reportAllChanges: web-vitals processes an interaction in an idle callback; when the page is
    // hidden before that ran (a click that navigates), the final INP only arrives as a "change".
    for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB]) on(record, { reportAllChanges: true });
  }

  flush(): void {
    if (Object.keys(this.buffer).length === 0) return;
    const props = { ...this.buffer, ...this.page };
    this.buffer = {};
    this.emit(props);
  }

  discard(): void {
    this.buffer = {};
  }
}
