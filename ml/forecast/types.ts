/** A fitted forecasting model: point forecasts for the next h steps after its data. */
export interface Fitted {
  forecast(h: number): number[];
  /**
   * The same model (same form and parameters) run over a longer series that extends the one it
   * was fitted on. Rolling-origin backtests use it so that parameters are estimated once, at the
   * first origin, and never see the points they are scored on.
   */
  refilter(y: number[]): Fitted;
  /** What was chosen (form, parameters), for the registry and for people. */
  describe(): Record<string, unknown>;
}

/** A forecasting method: fits a series with season length m (1 = no seasonality). */
export interface Member {
  name: string;
  /** The fewest points this member can fit with season length m. */
  minLength(m: number): number;
  fit(y: number[], m: number): Fitted;
  /**
   * The fit used for the final forecast on the whole series, when it differs from the backtest's
   * (a global model trained only on points before the first backtest origin scores the backtest,
   * one trained on everything makes the forecast).
   */
  finalFit?(y: number[], m: number): Fitted;
}
