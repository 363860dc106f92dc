import type { Config } from "./config";
import type { Database } from "./db/client";
import type { Logger } from "./logger";
import { LoginLimiter } from "./auth/login-limiter";

/** What every service needs; built once per process and shared by web, worker and tests. */
export interface Deps {
  config: Config;
  db: Database;
  logger: Logger;
  loginLimiter: LoginLimiter;
  /**
   * Called after a person is erased, so in-memory caches can forget them (the capture writer's
   * distinct id -> person cache). The process that owns the capture service sets it.
   */
  onPersonErased?: () => void;
  /** Set by the capture service: forget cached project settings (this process at once, others within 30 s). */
  onProjectSettingsChanged?: () => void;
}

export function createDeps(config: Config, db: Database, logger: Logger): Deps {
  return { config, db, logger, loginLimiter: new LoginLimiter(config.FORESIGHT_LOGIN_MAX_ATTEMPTS) };
}
