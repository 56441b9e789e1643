/**
 * The table `npm run bench` ends with: every verdict the benchmarks of the run recorded with
 * `recordVerdict` (bench/support/verdicts.ts, one JSON line each in BENCH_VERDICTS_FILE), one row
 * per target — benchmark, figure, target, measured, ratio, verdict — printed, and appended with
 * the date, the commit and the Node version to bench/RESULTS.md, so each figure's history is kept.
 * A benchmark that exited non-zero is a row too, so a crash is not mistaken for a clean run.
 *
 *   node --import tsx bench/support/print-verdicts.ts <verdicts.jsonl> [--results bench/RESULTS.md]
 *        [--commit abc1234+dirty] [--ran public-reads,audit] [--failed audit=1,dashboard=2]
 *
 * Without --results it only prints. scripts/bench.sh runs it; see there.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import type { Verdict } from './verdicts.js';

export const resultsHeader = `# Benchmark results

Every \`npm run bench\` (scripts/bench.sh) appends the table it ends with here: one row per target of
issue 23, as the benchmarks recorded it with \`recordVerdict\` (bench/support/verdicts.ts), under the
date, the commit (\`+dirty\` when the working tree had uncommitted changes), the Node version and the
machine's load. Newest last. Figures from a shared or loaded machine say so in their load average;
compare a figure with its own history, and ratios (measured against a baseline in the same run)
across machines.
`;

/** Reads the verdict lines; a line that does not parse becomes a row saying so (never dropped silently). */
export function readVerdicts(file: string): Verdict[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const v = JSON.parse(line) as Partial<Verdict>;
        if (typeof v.benchmark !== 'string' || typeof v.figure !== 'string' || typeof v.met !== 'boolean')
          throw new Error('not a verdict');
        return {
          benchmark: v.benchmark,
          figure: v.figure,
          target: v.target ?? '',
          measured: v.measured ?? '',
          ratio: v.ratio ?? '',
          met: v.met,
          ...(v.note ? { note: v.note } : {}),
        };
      } catch {
        return {
          benchmark: '?',
          figure: `unreadable verdict line: ${line.slice(0, 120)}`,
          target: '',
          measured: '',
          ratio: '',
          met: false,
        };
      }
    });
}

const verdictText = (v: Verdict) => `${v.met ? 'met' : 'MISSED'}${v.note ? `: ${v.note}` : ''}`;

/** The rows of the table, with a row for each benchmark that exited non-zero. */
export function tableRows(verdicts: readonly Verdict[], failed: ReadonlyMap<string, string> = new Map()): string[][] {
  const rows = verdicts.map((v) => [v.benchmark, v.figure, v.target, v.measured, v.ratio, verdictText(v)]);
  for (const [name, status] of failed) {
    const recorded = verdicts.filter((v) => v.benchmark === name).length;
    rows.push([
      name,
      `the benchmark exited with status ${status}`,
      '',
      '',
      '',
      recorded > 0 ? `FAILED after ${recorded} verdict(s) above` : 'FAILED: no verdict recorded',
    ]);
  }
  return rows;
}

const header = ['benchmark', 'figure', 'target', 'measured', 'ratio', 'verdict'];
/** Markdown cells: a pipe or a line break would break the row. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** Markdown, padded so it also reads as a table in a terminal. */
export function markdownTable(rows: readonly string[][]): string {
  const all = [header, ...rows].map((r) => r.map(cell));
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(all[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...all.slice(1).map(line)].join('\n');
}

/** The short commit, with `+dirty` when tracked files differ from it (as `git describe --dirty`). */
export function currentCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return `${commit}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export interface RunFacts {
  commit: string;
  node: string;
  ran: readonly string[];
  at?: Date;
}

/** The section appended to RESULTS.md: a heading with the date, commit and Node version, then the table. */
export function resultsSection(rows: readonly string[][], facts: RunFacts): string {
  const at = (facts.at ?? new Date())
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
  const met = rows.filter((r) => r[5] === 'met' || r[5]!.startsWith('met:')).length;
  return [
    `## ${at} · commit ${facts.commit} · Node ${facts.node}`,
    '',
    `Benchmarks: ${facts.ran.join(', ') || '(none)'}. ${os.cpus().length} CPU(s), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end. ${met} of ${rows.length} row(s) met.`,
    '',
    rows.length > 0 ? markdownTable(rows) : '(no verdict was recorded)',
    '',
  ].join('\n');
}

/** Appends a run's section to the results file, creating it with its header the first time. */
export function appendResults(file: string, section: string): void {
  if (!existsSync(file)) writeFileSync(file, resultsHeader);
  appendFileSync(file, `\n${section}`);
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      results: { type: 'string' },
      commit: { type: 'string' },
      ran: { type: 'string' },
      failed: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) {
    console.error(
      'usage: print-verdicts.ts <verdicts.jsonl> [--results bench/RESULTS.md] [--commit C] [--ran a,b] [--failed name=status,…]',
    );
    process.exit(2);
  }
  const failed = new Map(
    (values.failed ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
  const rows = tableRows(readVerdicts(file), failed);
  const facts: RunFacts = {
    commit: values.commit ?? currentCommit(),
    node: process.version,
    ran: (values.ran ?? '').split(',').filter(Boolean),
  };
  const section = resultsSection(rows, facts);
  process.stdout.write(`=== every target of this run\n\n${section}`);
  if (values.results) {
    appendResults(values.results, section);
    process.stdout.write(`\nappended to ${values.results}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
