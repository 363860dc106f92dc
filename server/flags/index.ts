export * from "./schema";
export * from "./store";
export * from "./evaluate";
export { flagService, FlagService, type PersonFlags, type PersonFlagsRequest } from "./service";
export { readFlagStats, recountExposures, utcDay, type FlagStatRow } from "./stats";
