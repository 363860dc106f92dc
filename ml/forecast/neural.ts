import { tf } from "../backend";
import type { Fitted, Member } from "./types";
import { mulberry32 } from "../prng";

/**
 * A global neural forecaster: one small MLP trained across a set of series on normalised
 * windows. Input: the last L values of a series, standardised by the window's own mean and
 * standard deviation; output: the next H values in the same units (direct multi-step). One model
 * serves every series of the set, so short series borrow strength from long ones.
 */
export interface NeuralConfig {
  horizon: number;
  windowLength: number;
  hidden: number[];
  epochs: number;
  learningRate: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_NEURAL: Omit<NeuralConfig, "horizon" | "windowLength"> = {
  hidden: [32, 16],
  epochs: 60,
  learningRate: 0.003,
  batchSize: 32,
  seed: 42,
};

export interface GlobalModel {
  config: NeuralConfig;
  model: tf.LayersModel;
  /** Forecast H steps after the given history (needs at least windowLength points). */
  predict(history: number[]): number[];
}

function normaliser(window: number[]): { mu: number; sigma: number } {
  const mu = window.reduce((a, b) => a + b, 0) / window.length;
  const sd = Math.sqrt(window.reduce((a, v) => a + (v - mu) ** 2, 0) / window.length);
  return { mu, sigma: sd > 1e-9 * Math.max(1, Math.abs(mu)) ? sd : Math.max(1e-9, Math.abs(mu) * 0.01, 1e-9) };
}


/** Every (window, next H) pair of every series, normalised by the window. */
export function trainingWindows(series: number[][], L: number, H: number): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (const s of series) {
    for (let t = L; t + H <= s.length; t++) {
      const w = s.slice(t - L, t);
      const { mu, sigma } = normaliser(w);
      x.push(w.map((v) => (v - mu) / sigma));
      y.push(s.slice(t, t + H).map((v) => (v - mu) / sigma));
    }
  }
  return { x, y };
}

export function buildModel(config: NeuralConfig): tf.LayersModel {
  const model = tf.sequential();
  config.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: "relu",
        inputShape: i === 0 ? [config.windowLength] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: config.seed + i }),
        biasInitializer: "zeros",
      }),
    );
  });
  model.add(tf.layers.dense({ units: config.horizon, kernelInitializer: tf.initializers.glorotUniform({ seed: config.seed + 100 }) }));
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: "meanAbsoluteError" });
  return model;
}

/** Wraps a trained (or loaded) Keras model as a GlobalModel. */
export function globalModel(model: tf.LayersModel, config: NeuralConfig): GlobalModel {
  return {
    config,
    model,
    predict(history) {
      const w = history.slice(-config.windowLength);
      if (w.length < config.windowLength) throw new Error(`neural: needs ${config.windowLength} points, got ${w.length}`);
      const { mu, sigma } = normaliser(w);
      const out = tf.tidy(() => model.predict(tf.tensor2d([w.map((v) => (v - mu) / sigma)])) as tf.Tensor);
      const z = Array.from(out.dataSync());
      out.dispose();
      return z.map((v) => v * sigma + mu);
    },
  };
}

/**
 * Trains on all windows of all series, seeded: initialisers take the seed and batches are
 * shuffled by a seeded PRNG (tfjs's own shuffle uses Math.random, so it is off), so the same
 * data, config and backend give the same weights.
 */
export async function trainGlobalModel(series: number[][], config: NeuralConfig): Promise<GlobalModel> {
  const { x, y } = trainingWindows(series, config.windowLength, config.horizon);
  if (x.length === 0) throw new Error("neural: no training windows (series shorter than window + horizon)");
  const model = buildModel(config);
  const rand = mulberry32(config.seed); // the shuffle order
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = x.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const xs = tf.tensor2d(order.map((i) => x[i]!));
    const ys = tf.tensor2d(order.map((i) => y[i]!));
    await model.fit(xs, ys, { epochs: 1, batchSize: config.batchSize, shuffle: false, verbose: 0 });
    xs.dispose();
    ys.dispose();
  }
  return globalModel(model, config);
}

/**
 * The global model as an engine member (it is trained already; "fitting" a series is free).
 * `backtestModel` scores the rolling-origin backtest and must not have seen any series' points
 * from its first backtest origin on; `finalModel` (default: the same) makes the final forecast.
 */
export function neuralMember(backtestModel: GlobalModel, finalModel: GlobalModel = backtestModel): Member {
  const fitted = (model: GlobalModel, y: number[]): Fitted => ({
    forecast(h) {
      const f = model.predict(y);
      if (h > f.length) throw new Error(`neural: trained for horizon ${f.length}, asked for ${h}`);
      return f.slice(0, h);
    },
    refilter: (longer) => fitted(model, longer),
    describe: () => ({ method: "global MLP", windowLength: model.config.windowLength, hidden: model.config.hidden }),
  });
  return {
    name: "neural",
    minLength: () => backtestModel.config.windowLength,
    fit: (y) => fitted(backtestModel, y),
    finalFit: (y) => fitted(finalModel, y),
  };
}
