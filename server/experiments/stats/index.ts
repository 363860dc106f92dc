// Experiment statistics: pure functions, no I/O. See docs/decisions/0009-experiment-statistics.md.
export * from "./beta-binomial";
export * from "./calculator";
export * from "./cuped";
export * from "./experiment-analysis";
export * from "./means";
export * from "./multiple-testing";
export * from "./normal-posterior";
export * from "./power";
export * from "./proportions";
export * from "./relative-lift";
export * from "./sequential";
export * from "./srm";
