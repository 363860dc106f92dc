/** A query that is well-formed but cannot be answered as asked; the API answers 400 naming `field`. */
export class QueryInputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "QueryInputError";
  }
}
