import { appendFileSync } from 'node:fs';

/** One target of issue 23 as a benchmark measured it: a row of the table `npm run bench` ends with. */
export interface Verdict {
  /** The benchmark's file name without `.bench.ts`, e.g. `public-reads`. */
  benchmark: string;
  /** What was measured, in words: `GET /api/public/statements/{id}, 20 connections`. */
  figure: string;
  /** The target as written in the issue: `≥ 0.5× hello-world, p99 < 50 ms`. */
  target: string;
  /** The measured figure with its unit: `7,319 req/s, p99 8 ms`. */
  measured: string;
  /** Against the baseline measured in the same run (`0.57×`), or '' when the target is absolute. */
  ratio: string;
  met: boolean;
  /** Why it was missed, or a note worth keeping beside the figure. */
  note?: string;
}

/**
 * Keeps a verdict for the closing table. `scripts/bench.sh` sets BENCH_VERDICTS_FILE for the whole
 * run, prints every verdict at the end and appends them to `bench/RESULTS.md`; a benchmark run on
 * its own (without the script) only prints it.
 */
export function recordVerdict(verdict: Verdict): void {
  const file = process.env.BENCH_VERDICTS_FILE;
  const line = JSON.stringify(verdict);
  if (file) appendFileSync(file, `${line}\n`);
  else console.log(`verdict: ${line}`);
}
