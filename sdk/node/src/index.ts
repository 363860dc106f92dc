export { Foresight } from "./foresight.js";
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
