import type { AppLoadContext } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import { trpcErrorResponse } from "~/lib/guards.server";
import { normalized, type InsightQuery } from "./draft";
import type { Answer } from "./ResultView";

export interface Loaded {
  query: InsightQuery | null;
  answer: Answer | null;
  /** Why the query could not be answered (400s: the message names the field). */
  error: string | null;
}

/** Runs a query for a loader through tRPC; a bad query becomes a message, anything else throws. */
export async function loadAnswer(context: AppLoadContext, raw: unknown): Promise<Loaded> {
  try {
    const answer = (await context.trpc.insights.run(raw as InsightQuery)) as Answer;
    return { query: normalized(raw), answer, error: null };
  } catch (err) {
    if (err instanceof TRPCError && err.code === "BAD_REQUEST") return { query: normalized(raw), answer: null, error: err.message };
    throw trpcErrorResponse(err) ?? err;
  }
}

/** A tRPC error a form should show as a message (bad input, not found), else the HTTP error. */
export function formError(err: unknown): string {
  if (err instanceof TRPCError && (err.code === "BAD_REQUEST" || err.code === "NOT_FOUND" || err.code === "CONFLICT")) return err.message;
  throw trpcErrorResponse(err) ?? err;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
