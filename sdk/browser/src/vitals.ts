import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from "web-vitals";
import type { Properties } from "./types.js";

/**
 * Buffers Core Web Vitals and emits them as one `$web_vitals` event when the page is hidden
 * (when INP and CLS become final), or earlier when the SPA moved to another path.
 */
export class VitalsCollector {
  private buffer: Properties = {};
  private page?: { url: string; pathname: string };

  constructor(private readonly emit: (props: Properties) => void) {
    const record = (metric: Metric) => {
      if (this.page && this.page.pathname !== location.pathname) this.flush();
      this.page ??= { url: location.href, pathname: location.pathname };
      this.buffer[`$web_vitals_${metric.name}_value`] = metric.value;
    };
    for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB]) on(record);
  }

  flush(): void {
    if (!this.page) return;
    const props = { ...this.buffer, $current_url: this.page.url, $pathname: this.page.pathname };
    this.buffer = {};
    this.page = undefined;
    this.emit(props);
  }

  discard(): void {
    this.buffer = {};
    this.page = undefined;
  }
}
