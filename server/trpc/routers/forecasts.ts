import { router } from "../init";

// Placeholder: the engineer who owns this router fills it in.
export const forecastsRouter = router({});
