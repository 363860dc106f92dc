/** The deterministic demo travel business: generator, its ground truth, and the tables behind it. */
export { generateDemo, DemoRun, resolveOptions } from "./generator";
export { variantFor, EXPERIMENT_FLAG } from "./persons";
export { Rng, cyrb128, hashUnit } from "./prng";
export { routes, providers, airports, typicalPrice, findRoute, marketPrice, daysOutFactor, cabinMultiplier } from "./routes";
export { PRICE_SHOCK_THRESHOLD } from "./searches";
export { funnelRates } from "./session";
export { churnHazards } from "./summary";
export { demoIpRanges, userAgents, countries } from "./world";
export type * from "./types";
