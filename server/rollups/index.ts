export { refreshRollups, recomputeDay, MAX_DAYS_PER_RUN, type RefreshResult, type RefreshOptions } from "./refresh";
export { rollupFreshness, freshnessIn, daysOfRange, dayOf, type RollupFreshness } from "./freshness";
export { ROLLUP_DIMS, DIM_OF_PROPERTY, dimOfProperty, ALL_EVENTS_ROW, SLACK_MS } from "./dims";
