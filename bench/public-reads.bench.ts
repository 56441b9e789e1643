/**
 * Benchmark (not a test): the public reads served from what publication wrote (issue 23, point 1).
 * BENCH_STATEMENTS statements (default 3) are published through the real process on services
 * started here; then autocannon, in a process of its own, loads each public route with 20
 * connections (BENCH_CONNECTIONS) for BENCH_SECONDS (default 10) after a short warm-up: with and
 * without `If-None-Match`, and with `Accept-Encoding: gzip` as browsers send it. An Express
 * hello-world in a process of its own is loaded the same way before and after each route; the
 * mean of the two beside a route is its baseline. Prints one table: requests/s, p50 and p99, the
 * baseline and the ratio to it, every status seen, and the verdict against the targets (≥ 0.5×
 * hello-world, p99 < 50 ms). A status other than 200 or the expected 304 is a bug, and says so.
 * Asserts nothing.
 *
 *   npm run bench -- public-reads
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';

import { type BenchEnvironment, startBenchEnvironment } from './support/environment.js';
import { driveToMarketEngagement, leadAndPartner, must, waitForStage } from './support/statement-journey.js';
import { recordVerdict } from './support/verdicts.js';
import { startAppWorkerProcess } from './support/worker-process.js';

const statementCount = Number(process.env.BENCH_STATEMENTS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmUpSeconds = 2;
const targetRatio = 0.5;
const targetP99Ms = 50;

const out = (line = '') => process.stdout.write(`${line}\n`);
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** One statement from creation to publication (or to its consultation), through the real workflow (two buyers, two countries). */
async function driveOne(env: BenchEnvironment, n: number, goal: 'published' | 'market_engagement'): Promise<string> {
  const [lead, other] = await leadAndPartner(env, String(n));
  const id = await driveToMarketEngagement(lead, other, `Benchmark ${n}: zero-emission construction machinery`);
  if (goal === 'market_engagement') return id;
  must('close consultation', await lead.api.post(`/api/statements/${id}/close-stage`));
  await waitForStage(lead, id, 'approval');
  const version = (await lead.api.get(`/api/statements/${id}/text`)).body.version as number;
  for (const b of [lead, other])
    must('approve', await b.api.post(`/api/statements/${id}/approval`, { version, decision: 'approve' }));
  await waitForStage(lead, id, 'published');
  return id;
}

/** Express's hello-world in a process of its own, as its guide writes it; resolves with its URL. */
function startHelloWorld(): Promise<{ url: string; stop: () => void }> {
  const code = `
    const express = require('express');
    const app = express();
    app.get('/', (req, res) => { res.send('Hello World!'); });
    const server = app.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data: Buffer) =>
      resolve({ url: `http://127.0.0.1:${data.toString().trim()}/`, stop: () => child.kill() }),
    );
  });
}

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
}

/** autocannon in a process of its own (so the load generator does not share the API's event loop). */
function autocannon(url: string, durationSeconds: number, headers: Record<string, string> = {}): Promise<Load> {
  const args = [
    autocannonBin,
    '--json',
    '-c',
    String(connections),
    '-d',
    String(durationSeconds),
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
    url,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}: ${stderr}`));
      const r = JSON.parse(stdout) as {
        requests: { average: number };
        latency: { p50: number; p99: number };
        statusCodeStats?: Record<string, { count: number }>;
        errors: number;
        timeouts: number;
      };
      const statuses = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([s, v]) => [s, v.count]));
      resolve({
        requestsPerSecond: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        statuses,
        errors: r.errors + r.timeouts,
      });
    });
  });
}

async function measure(url: string, headers: Record<string, string> = {}): Promise<Load> {
  await autocannon(url, warmUpSeconds, headers);
  return autocannon(url, seconds, headers);
}

async function main() {
  out(
    `public reads benchmark: ${statementCount} published statements, ${connections} connections, ${seconds} s per route`,
  );
  out(
    `machine: ${os.cpus().length} CPU(s), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadAverage()}`,
  );
  // The API alone in this process, as deployed (bin/api.ts): the worker runs in a process of its own.
  const env = await startBenchEnvironment((line) => out(line), { worker: false });
  const worker = await startAppWorkerProcess(env);
  const hello = await startHelloWorld();
  try {
    out(`  Temporal ${env.versions.temporal}, PostgreSQL ${env.versions.postgres}`);
    out(`publishing ${statementCount} statements through the real process`);
    // And one left in market engagement, so the open consultations list is not empty.
    const [ids] = await Promise.all([
      Promise.all(Array.from({ length: statementCount }, (_, n) => driveOne(env, n + 1, 'published'))),
      driveOne(env, 0, 'market_engagement'),
    ]);
    const url = (path: string) => new URL(path, env.baseUrl).toString();
    const tagOf = async (path: string) => {
      const res = await fetch(url(path));
      await res.arrayBuffer();
      if (res.status !== 200 || !res.headers.get('etag'))
        throw new Error(`${path} answered ${res.status} with ETag ${res.headers.get('etag')}`);
      return res.headers.get('etag')!;
    };
    const page = `/api/public/statements/${ids[0]}`;
    const routes: { name: string; url: string; headers?: Record<string, string>; expect: string }[] = [
      { name: `GET /api/public/statements/{id}`, url: url(page), expect: '200' },
      {
        name: `GET /api/public/statements/{id}  If-None-Match`,
        url: url(page),
        headers: { 'If-None-Match': await tagOf(page) },
        expect: '304',
      },
      { name: 'GET /api/public/statements', url: url('/api/public/statements'), expect: '200' },
      {
        name: 'GET /api/public/statements  If-None-Match',
        url: url('/api/public/statements'),
        headers: { 'If-None-Match': await tagOf('/api/public/statements') },
        expect: '304',
      },
      { name: `GET /api/public/statements/{id}/ocds.json`, url: url(`${page}/ocds.json`), expect: '200' },
      { name: 'GET /api/public/statements.atom', url: url('/api/public/statements.atom'), expect: '200' },
      { name: 'GET /api/consultations', url: url('/api/consultations'), expect: '200' },
      // As browsers and CDNs ask: the documents over a kilobyte go gzipped (made once per document).
      ...[page, '/api/public/statements', `${page}/ocds.json`, '/api/public/statements.atom', '/api/consultations'].map(
        (path) => ({
          name: `GET ${path.replace(String(ids[0]), '{id}')}  Accept-Encoding: gzip`,
          url: url(path),
          headers: { 'Accept-Encoding': 'gzip, deflate, br' },
          expect: '200',
        }),
      ),
    ];

    // The machine's pace drifts by a third within minutes: each route is compared with the
    // hello-world runs just before and just after it (their mean), not with the run's first and last.
    out('measuring (a hello-world before and after each route; its baseline is their mean)');
    const loadBefore = loadAverage();
    const hellos = [await measure(hello.url)];
    const results: { name: string; expect: string; load: Load; baseline: number }[] = [];
    for (const r of routes) {
      out(`  ${r.name}`);
      const load = await measure(r.url, r.headers);
      hellos.push(await measure(hello.url));
      const baseline = (hellos.at(-2)!.requestsPerSecond + hellos.at(-1)!.requestsPerSecond) / 2;
      results.push({ name: r.name, expect: r.expect, load, baseline });
    }
    const helloRates = hellos.map((l) => l.requestsPerSecond);

    const rows = [
      ['path', 'req/s', 'p50 ms', 'p99 ms', 'hello-world beside it', 'ratio', 'statuses', 'verdict'],
      [
        `Express hello-world (own process), ${hellos.length} runs`,
        `${fmt(Math.min(...helloRates))}–${fmt(Math.max(...helloRates))}`,
        String(Math.max(...hellos.map((l) => l.p50))),
        String(Math.max(...hellos.map((l) => l.p99))),
        '',
        '',
        statusText({
          ...hellos[0]!,
          statuses: { '200': hellos.reduce((n, l) => n + (l.statuses['200'] ?? 0), 0) },
          errors: hellos.reduce((n, l) => n + l.errors, 0),
        }),
        '',
      ],
      ...results.map(({ name, expect, load, baseline }) => {
        const ratio = load.requestsPerSecond / baseline;
        const unexpected = Object.keys(load.statuses).filter((s) => s !== expect).length > 0 || load.errors > 0;
        const met = ratio >= targetRatio && load.p99 < targetP99Ms;
        const verdict = unexpected
          ? 'BUG: unexpected status'
          : met
            ? 'met'
            : `missed (${ratio < targetRatio ? `ratio ${(ratio / targetRatio).toFixed(2)} of target` : ''}${ratio < targetRatio && load.p99 >= targetP99Ms ? ', ' : ''}${load.p99 >= targetP99Ms ? `p99 ${load.p99} ms` : ''})`;
        recordVerdict({
          benchmark: 'public-reads',
          figure: `${name.replace(/\s+/g, ' ')}, ${connections} connections`,
          target: `≥ ${targetRatio}× hello-world, p99 < ${targetP99Ms} ms`,
          // The headline figure first, with its unit: scripts/bench-runtime.ts compares runtimes on it.
          measured: `${fmt(load.requestsPerSecond)} req/s, p99 ${load.p99} ms`,
          ratio: `${ratio.toFixed(2)}×`,
          met: met && !unexpected,
          ...(unexpected
            ? { note: `unexpected status: ${statusText(load)}` }
            : met
              ? {}
              : { note: verdict.replace(/^missed \((.*)\)$/, '$1') }),
        });
        return [
          name,
          fmt(load.requestsPerSecond),
          String(load.p50),
          String(load.p99),
          fmt(baseline),
          `${ratio.toFixed(2)}×`,
          statusText(load),
          verdict,
        ];
      }),
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    out();
    out(
      `targets: ≥ ${targetRatio}× the hello-world beside each route, p99 < ${targetP99Ms} ms; ${connections} connections, ${seconds} s each`,
    );
    // The machine may be shared: what else ran shows in the load average over the measurement.
    out(`load average before measuring ${loadBefore}, after ${loadAverage()} (${os.cpus().length} CPUs)`);
    for (const [i, r] of rows.entries()) {
      out(`| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`);
      if (i === 0) out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    }
  } finally {
    hello.stop();
    out();
    out('stopping the services');
    await worker.stop();
    await env.close();
  }
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const statusText = (l: Load) =>
  [
    ...Object.entries(l.statuses).map(([s, n]) => `${s}: ${n.toLocaleString('en-US')}`),
    ...(l.errors > 0 ? [`errors: ${l.errors}`] : []),
  ].join(', ');

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
