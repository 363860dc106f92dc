export { Foresight } from "./foresight.js";
export type { ConversionAnswer, ConversionRequest, VariantAnswer, VariantRequest } from "./experiments.js";
export { flagBucket, inRollout, pickVariant } from "./flag-hash.js";
export { ForesightFlags, type ExposureSink, type FlagCallOptions, type FlagsFetch, type FlagsOptions } from "./flags.js";
export { evaluateFlag, type FlagDef, type FlagEvaluation, type FlagValue } from "./flags-evaluate.js";
export {
  type AliasMessage,
  type CaptureEvent,
  type CaptureMessage,
  type FetchLike,
  ForesightError,
  type ForesightErrorKind,
  type ForesightOptions,
  type IdentifyMessage,
  type Properties,
} from "./types.js";
