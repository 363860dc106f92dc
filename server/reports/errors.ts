/** A report that cannot be made as defined (a deleted insight, a project gone): shown on the run, a 400 from the API. */
export class ReportInputError extends Error {}
