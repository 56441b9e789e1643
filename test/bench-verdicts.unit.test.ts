import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { compare, geometricMean, headline } from '../bench/support/compare-runs.js';
import {
  appendResults,
  markdownTable,
  readVerdicts,
  resultsHeader,
  resultsSection,
  tableRows,
} from '../bench/support/print-verdicts.js';
import type { Verdict } from '../bench/support/verdicts.js';

const dirs: string[] = [];
const tempFile = (name: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-verdicts-'));
  dirs.push(dir);
  return path.join(dir, name);
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const verdict = (over: Partial<Verdict> = {}): Verdict => ({
  benchmark: 'public-reads',
  figure: 'GET /api/public/statements, 20 connections',
  target: '≥ 0.5× hello-world, p99 < 50 ms',
  measured: '5,807 req/s, p99 11 ms',
  ratio: '0.45×',
  met: false,
  note: 'missed (ratio 0.91 of target)',
  ...over,
});

describe('the closing table of npm run bench (bench/support/print-verdicts.ts)', () => {
  it('reads one verdict per line and keeps a line that does not parse as a row saying so', () => {
    const file = tempFile('verdicts.jsonl');
    writeFileSync(file, `${JSON.stringify(verdict())}\n\nnot json\n${JSON.stringify({ benchmark: 'x' })}\n`);
    const read = readVerdicts(file);
    expect(read).toHaveLength(3);
    expect(read[0]).toEqual(verdict());
    expect(read[1]!.figure).toBe('unreadable verdict line: not json');
    expect(read[2]!.met).toBe(false);
    expect(readVerdicts(tempFile('absent.jsonl'))).toEqual([]);
  });

  it('gives each verdict a row, says by how much a target was missed, and adds a row for a benchmark that failed', () => {
    const rows = tableRows(
      [verdict(), verdict({ benchmark: 'audit', met: true, note: undefined })],
      new Map([
        ['audit', '1'],
        ['dashboard', '2'],
      ]),
    );
    expect(rows.map((r) => r[5])).toEqual([
      'MISSED: missed (ratio 0.91 of target)',
      'met',
      'FAILED after 1 verdict(s) above',
      'FAILED: no verdict recorded',
    ]);
    expect(rows[3]!.slice(0, 2)).toEqual(['dashboard', 'the benchmark exited with status 2']);
  });

  it('writes a markdown table whose cells cannot break a row', () => {
    const table = markdownTable([['a|b', 'two\nlines', '', '', '', 'met']]).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toContain('a\\|b');
    expect(table[2]).toContain('two lines');
    expect(table[0]).toMatch(/^\| benchmark +\| figure +\| target +\| measured +\| ratio +\| verdict +\|$/);
  });

  it('appends each run under its date, commit and Node version, creating the file with its header once', () => {
    const file = tempFile('RESULTS.md');
    const at = new Date(Date.UTC(2026, 11, 4, 17, 5, 9));
    appendResults(
      file,
      resultsSection(tableRows([verdict()]), { commit: 'abc1234+dirty', node: 'v20.20.2', ran: ['public-reads'], at }),
    );
    appendResults(file, resultsSection([], { commit: 'def5678', node: 'v20.20.2', ran: ['audit'], at }));
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(resultsHeader)).toBe(true);
    expect(text.split('# Benchmark results')).toHaveLength(2);
    expect(text).toContain('## 2026-12-04 17:05 UTC · commit abc1234+dirty · Node v20.20.2');
    expect(text).toContain('| public-reads | GET /api/public/statements, 20 connections |');
    expect(text).toContain('0 of 1 row(s) met');
    expect(text).toContain('## 2026-12-04 17:05 UTC · commit def5678 · Node v20.20.2');
    expect(text).toContain('(no verdict was recorded)');
  });
});

describe('comparing two runtimes on recorded figures (bench/support/compare-runs.ts)', () => {
  it('takes the first number of a measured figure with its unit, and knows which way is better', () => {
    expect(headline('7,319 req/s, p99 8 ms')).toEqual({ value: 7319, unit: 'req/s', higherIsBetter: true });
    expect(headline('613.5 ms median, p95 700 ms')).toEqual({ value: 613.5, unit: 'ms', higherIsBetter: false });
    expect(headline('peak 762 MiB, 1,000 cached')).toEqual({ value: 762, unit: 'MiB', higherIsBetter: false });
    expect(headline('p99 182 ms (1,000 actions; submit 120)')).toEqual({
      value: 182,
      unit: 'ms',
      higherIsBetter: false,
    });
    expect(headline('0 error(s), 0 × 503 retried')).toBeUndefined();
    expect(headline('equal')).toBeUndefined();
  });

  it('pairs figures by name, averages rounds and turns both kinds into a speed-up', () => {
    const rate = (v: number) => verdict({ figure: 'list', measured: `${v} req/s, p99 9 ms` });
    const time = (v: number) => verdict({ figure: 'page', measured: `${v} ms median` });
    const only = verdict({ figure: 'only in one run', measured: '5 req/s' });
    const compared = compare([[rate(1000), time(30)], [rate(1200)]], [[rate(1430), time(20), only], [rate(1430)]]);
    expect(compared.map(({ figure, unit, baseline, other }) => ({ figure, unit, baseline, other }))).toEqual([
      { figure: 'list', unit: 'req/s', baseline: 1100, other: 1430 },
      { figure: 'page', unit: 'ms', baseline: 30, other: 20 },
    ]);
    expect(compared[0]!.speedUp).toBeCloseTo(1.3, 10);
    expect(compared[1]!.speedUp).toBeCloseTo(1.5, 10);
    expect(geometricMean([1.3, 1.5])).toBeCloseTo(Math.sqrt(1.3 * 1.5), 10);
  });
});
