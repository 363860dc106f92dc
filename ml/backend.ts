import * as tf from "@tensorflow/tfjs";

/** What ml/ needs from a logger (pino's Logger fits); ml/ never imports server/. */
export interface MlLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export type BackendName = "tensorflow" | "wasm" | "cpu";

let chosen: Promise<BackendName> | null = null;

/**
 * Picks the TF.js backend once per process: tfjs-node's native "tensorflow" backend when its
 * binding loads (it is an optional dependency whose binary is often absent), else the wasm
 * backend, else the pure-JS cpu backend. `prefer` skips the better ones (e.g. "cpu" in tests
 * that compare exact numbers across machines). Logs the choice and why the others were skipped.
 */
export function initBackend(logger?: MlLogger, prefer?: BackendName): Promise<BackendName> {
  chosen ??= choose(logger, prefer);
  return chosen;
}

async function choose(logger: MlLogger | undefined, prefer: BackendName | undefined): Promise<BackendName> {
  const order: BackendName[] = ["tensorflow", "wasm", "cpu"];
  const skipped: Record<string, string> = {};
  for (const name of order.slice(prefer ? order.indexOf(prefer) : 0)) {
    try {
      if (name === "tensorflow") {
        // A variable specifier keeps bundlers and tsc from resolving the optional package.
        const pkg = "@tensorflow/tfjs-node";
        await import(pkg);
      }
      if (name === "wasm") await import("@tensorflow/tfjs-backend-wasm");
      if (await tf.setBackend(name)) {
        await tf.ready();
        logger?.info({ backend: name, skipped }, "tfjs backend selected");
        return name;
      }
      skipped[name] = "setBackend returned false";
    } catch (err) {
      skipped[name] = ((err as Error).message ?? String(err)).split("\n")[0]!.slice(0, 200);
    }
  }
  logger?.warn({ skipped }, "no tfjs backend could be initialised");
  throw new Error(`no tfjs backend: ${JSON.stringify(skipped)}`);
}

/** For tests: forget the choice so the next initBackend chooses again. */
export function resetBackendChoice(): void {
  chosen = null;
}

export { tf };
