import { Badge } from "../Badge";

export interface AdviceView {
  currentPrice: number;
  recommendation: "buy" | "wait";
  bestBookingDate: string;
  estimatedSavings: number;
  basis: string;
  modelVersion: number;
}

const money = (x: number) => `£${x.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "short", timeZone: "UTC" });

const basisText: Record<string, string> = {
  route: "this route's own model",
  origin: "the model of routes from this origin (few searches of this route)",
  destination: "the model of routes to this destination (few searches of this route)",
  global: "the global model of all routes (nothing specific to this route)",
};

/** The advice in words: buy now, or wait until a date and save about so much. */
export function AdviceSummary({ advice }: { advice: AdviceView }) {
  const wait = advice.recommendation === "wait";
  return (
    <div className={`alert ${wait ? "alert-info" : "alert-success"}`} data-testid="price-advice" role="status">
      <p>
        <strong data-testid="price-recommendation">{wait ? "Wait" : "Buy now"}</strong>
        {wait
          ? ` — book on ${weekday(advice.bestBookingDate)} and save about ${money(advice.estimatedSavings)} per passenger against today's ${money(advice.currentPrice)}.`
          : ` — at about ${money(advice.currentPrice)} per passenger, no day in the next week is expected to be cheaper by more than the risk of the fare rising.`}
      </p>
      <p className="muted">
        Basis: <Badge>{advice.basis}</Badge> {basisText[advice.basis] ?? ""} · model v{advice.modelVersion}
      </p>
    </div>
  );
}
