/** The most calls one tRPC batch may carry (the browser client batches at most this many). */
export const TRPC_MAX_BATCH = 50;
/** The largest tRPC request body: a cohort CSV upload (20 MB of text) and its JSON envelope. */
export const TRPC_MAX_BODY_BYTES = 24 * 1024 * 1024;
