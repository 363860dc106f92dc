/** Cohorts: definitions (schema), membership by SQL (compile, membership), static uploads (csv), CRUD (store). */
export { isPersonInCohort, recomputeAllCohorts, recomputeCohort, type RecomputeResult } from "./membership";
export { uploadCohortCsv, parseIdCsv, type UploadResult } from "./csv";
export { compileCohort } from "./compile";
export * from "./schema";
export * from "./store";
