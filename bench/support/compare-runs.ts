import type { Verdict } from './verdicts.js';

/**
 * Comparing two sets of runs of the same benchmark (scripts/bench-runtime.ts: one runtime against
 * another) on the verdicts they recorded: each figure on its headline number.
 */

/** The headline number of a verdict: the first number standing on its own in `measured`, its unit, and which way is better. */
export function headline(measured: string): { value: number; unit: string; higherIsBetter: boolean } | undefined {
  // A number standing on its own: the 99 of `p99` is a name, not a figure.
  const m = /(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*([^\s,;()]*)/.exec(measured);
  if (!m) return undefined;
  const value = Number(m[1]!.replace(/,/g, ''));
  const unit = m[2] ?? '';
  if (!Number.isFinite(value) || value <= 0) return undefined;
  return { value, unit, higherIsBetter: unit.includes('/s') || unit === '×' };
}

export interface Compared {
  figure: string;
  unit: string;
  baseline: number;
  other: number;
  /** Above 1: the other runtime is faster (or smaller). */
  speedUp: number;
}

/** Pairs the figures of both runtimes' verdicts (the mean over rounds), by benchmark and figure. */
export function compare(baseline: readonly Verdict[][], other: readonly Verdict[][]): Compared[] {
  const means = (runs: readonly Verdict[][]) => {
    const byFigure = new Map<string, { unit: string; higherIsBetter: boolean; values: number[] }>();
    for (const v of runs.flat()) {
      const h = headline(v.measured);
      if (!h) continue;
      const entry = byFigure.get(v.figure) ?? { unit: h.unit, higherIsBetter: h.higherIsBetter, values: [] };
      entry.values.push(h.value);
      byFigure.set(v.figure, entry);
    }
    return new Map(
      [...byFigure].map(([figure, e]) => [
        figure,
        { ...e, mean: e.values.reduce((a, b) => a + b, 0) / e.values.length },
      ]),
    );
  };
  const a = means(baseline);
  const b = means(other);
  return [...a]
    .filter(([figure, e]) => b.get(figure)?.unit === e.unit)
    .map(([figure, e]) => {
      const o = b.get(figure)!;
      return {
        figure,
        unit: e.unit,
        baseline: e.mean,
        other: o.mean,
        speedUp: e.higherIsBetter ? o.mean / e.mean : e.mean / o.mean,
      };
    });
}

export const geometricMean = (values: readonly number[]) =>
  Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
