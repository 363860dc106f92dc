// ua-parser-js v1 ships no type declarations; this covers the part enrichment uses.
declare module "ua-parser-js" {
  export interface IResult {
    ua: string;
    browser: { name?: string; version?: string; major?: string };
    engine: { name?: string; version?: string };
    os: { name?: string; version?: string };
    device: { vendor?: string; model?: string; type?: string };
    cpu: { architecture?: string };
  }
  export class UAParser {
    constructor(ua?: string);
    setUA(ua: string): this;
    getResult(): IResult;
  }
}
