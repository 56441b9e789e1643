/**
 * Benchmark (not a test): the worker's memory with 1,000 open statements in its cache (issue 23,
 * point 6; target ≤ 1.5 GiB RSS). The application's worker runs in a process of its own
 * (bench/support/worker-process.ts, the same `createWorker` as `bin/worker.ts`), so its RSS is
 * its own; Temporal, PostgreSQL, SMTP capture and the API run as in the other benchmarks.
 *
 * First BENCH_STATEMENTS statements (default 1,000) are created and opened for their needs
 * assessment through the API (create, invite, accept, open: four updates each, BENCH_CONCURRENCY
 * clients, default 8), with a worker of the first setting: 1,000 open statements whose workflows
 * wait on their deadline timers. Then for each worker setting tried (cache size
 * `maxCachedWorkflows`, workflow-task and activity slots) a fresh worker process is started and
 * every statement's live view is read twice (`GET …/live`, a workflow query: the first read
 * replays each workflow's history into the cache, the second hits it while the cache holds them
 * all). Printed: the worker's RSS idle, after each round and its peak, the workflows in its cache
 * (the SDK's `sticky_cache_size` gauge), the time and p99 of each round, and every failed
 * request. Asserts nothing about time.
 *
 *   npm run bench -- worker-memory     (BENCH_STATEMENTS=1000, BENCH_CONCURRENCY=8,
 *     BENCH_WORKER_CONFIGS='[{},{"maxCachedWorkflows":1000,…},…]' to try other settings)
 */
import os from 'node:os';

import type { BenchResponse } from './support/client.js';
import { startBenchEnvironment } from './support/environment.js';
import { type BenchBuyer, leadAndPartner } from './support/statement-journey.js';
import { recordVerdict } from './support/verdicts.js';
import {
  type BenchWorkerOptions,
  bundleForWorkerProcesses,
  startWorkerProcess,
  type WorkerProcess,
} from './support/worker-process.js';

const statementCount = Number(process.env.BENCH_STATEMENTS ?? 1000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const targetBytes = 1.5 * 2 ** 30;
/**
 * The SDK's defaults (the cache sized from the heap limit: (heap − 200 MiB) × 600 / 1024, 40
 * workflow-task slots, 100 activity slots), a cache that holds exactly the 1,000 with fewer slots,
 * and a cache a quarter that size (evictions; reads replay).
 */
const configs: BenchWorkerOptions[] = process.env.BENCH_WORKER_CONFIGS
  ? (JSON.parse(process.env.BENCH_WORKER_CONFIGS) as BenchWorkerOptions[])
  : [
      {},
      { maxCachedWorkflows: 1000, maxConcurrentWorkflowTaskExecutions: 10, maxConcurrentActivityTaskExecutions: 20 },
      { maxCachedWorkflows: 250, maxConcurrentWorkflowTaskExecutions: 10, maxConcurrentActivityTaskExecutions: 20 },
    ];

const out = (line = '') => process.stdout.write(`${line}\n`);
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');
const mib = (bytes: number) => `${int(bytes / 2 ** 20)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function inBatches<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

interface Phase {
  ms: number;
  requests: number;
  p99: number;
  failures: string[];
}

async function phase<T>(items: readonly T[], fn: (item: T) => Promise<BenchResponse[]>): Promise<Phase> {
  const started = performance.now();
  const answers = (await inBatches(items, concurrency, fn)).flat();
  return {
    ms: performance.now() - started,
    requests: answers.length,
    p99: percentile(
      answers.map((a) => a.ms),
      99,
    ),
    failures: answers.filter((a) => a.status >= 300).map((a) => `${a.status} ${JSON.stringify(a.body).slice(0, 200)}`),
  };
}

/** One statement created and opened for its needs assessment: four requests, each an update on its workflow. */
async function openStatement(
  lead: BenchBuyer,
  partner: BenchBuyer,
  n: number,
): Promise<{ id?: string; answers: BenchResponse[] }> {
  const year = new Date().getUTCFullYear();
  const created = await lead.api.post('/api/statements', {
    title: `Worker memory ${n}: electric excavators`,
    description: 'Electric excavators and wheel loaders for city construction sites, delivered over two years.',
    cpvCodes: ['43260000-3'],
    schedule: {
      needsAssessment: 'P30D',
      confirmation: 'P14D',
      reminderOffsets: ['P7D', 'P1D'],
      deliveryFromYear: year + 1,
      deliveryToYear: year + 2,
      expectedProcurementStart: `${year + 1}-03-01`,
    },
    criticalMass: { minBuyers: 2, minCountries: 2 },
  });
  if (created.status !== 201) return { answers: [created] };
  const id = created.body.id as string;
  const answers = [created];
  for (const step of [
    () => lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [partner.orgId] }),
    () => partner.api.post(`/api/statements/${id}/invitation/accept`),
    () => lead.api.post(`/api/statements/${id}/needs-assessment/open`, {}),
  ]) {
    const res = await step();
    answers.push(res);
    if (res.status >= 300) return { answers };
  }
  return { id, answers };
}

interface Measured {
  options: BenchWorkerOptions;
  worker: WorkerProcess['inForce'];
  idle: number;
  /** After the first read of every live view (each workflow replayed from its history into the cache). */
  afterFirst: number;
  cachedAfterFirst: number;
  /** After the second (hits while the cache holds them all). */
  afterSecond: number;
  cachedAfterSecond: number;
  peak: number;
  first: Phase;
  second: Phase;
}

async function startWorker(
  workerEnv: Record<string, string>,
  options: BenchWorkerOptions,
  label: string,
): Promise<WorkerProcess> {
  out();
  out(`setting ${label}: ${JSON.stringify(options)}`);
  const worker = await startWorkerProcess(workerEnv, options);
  out(
    `  in force: cache ${int(worker.inForce.maxCachedWorkflows)} workflows, ${worker.inForce.maxConcurrentWorkflowTaskExecutions} workflow-task slots, ${worker.inForce.maxConcurrentActivityTaskExecutions} activity slots, V8 heap limit ${int(worker.inForce.heapLimitMiB)} MiB`,
  );
  return worker;
}

const failedText = (p: Phase) => `${p.failures.length} failed${p.failures.length ? ` (first: ${p.failures[0]})` : ''}`;

/** A fresh worker process with these settings; every open statement's live view read twice. */
async function measure(
  worker: WorkerProcess,
  options: BenchWorkerOptions,
  lead: BenchBuyer,
  ids: readonly string[],
): Promise<Measured> {
  // Let the start-up settle (bundle loaded, pollers up) before the idle figure.
  await new Promise((r) => setTimeout(r, 3000));
  const idle = worker.memory().rssBytes;
  out(`  idle: RSS ${mib(idle)}`);
  const read = () => phase(ids, async (id) => [await lead.api.get(`/api/statements/${id}/live`)]);
  const first = await read();
  const afterFirst = worker.memory().rssBytes;
  const cachedAfterFirst = await worker.cachedWorkflows();
  out(
    `  every live view read (${int(first.requests)} queries, each a replay into the cache) in ${secs(first.ms)}, p99 ${int(first.p99)} ms, ${failedText(first)}`,
  );
  out(`  after: RSS ${mib(afterFirst)}, ${int(cachedAfterFirst)} workflows cached`);
  const second = await read();
  const afterSecond = worker.memory().rssBytes;
  const cachedAfterSecond = await worker.cachedWorkflows();
  out(
    `  read again (hits while the cache holds them) in ${secs(second.ms)}, p99 ${int(second.p99)} ms, ${failedText(second)}`,
  );
  const peak = worker.memory().peakRssBytes;
  out(`  after: RSS ${mib(afterSecond)}, ${int(cachedAfterSecond)} workflows cached; peak RSS ${mib(peak)}`);
  return {
    options,
    worker: worker.inForce,
    idle,
    afterFirst,
    cachedAfterFirst,
    afterSecond,
    cachedAfterSecond,
    peak,
    first,
    second,
  };
}

async function main() {
  out(
    `worker memory benchmark: ${int(statementCount)} open statements per setting, ${concurrency} clients, ${configs.length} setting(s)`,
  );
  out(
    `machine: ${os.cpus().length} CPU(s), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadAverage()}`,
  );
  const env = await startBenchEnvironment((line) => out(line), { worker: false });
  let bundle: Awaited<ReturnType<typeof bundleForWorkerProcesses>> | undefined;
  try {
    out(`  Temporal ${env.versions.temporal}, PostgreSQL ${env.versions.postgres}`);
    out('  bundling the workflows once for every worker process');
    bundle = await bundleForWorkerProcesses(env);
    const workerEnv = bundle.workerEnv;

    // The statements are created once, under the first setting's worker: that is the worker that
    // ran them from the start. Every setting (the first too) is then measured on a fresh worker.
    const [lead, partner] = await leadAndPartner(env, 'Memory');
    const creator = await startWorker(workerEnv, configs[0]!, 'A (creating the statements)');
    const ids: string[] = [];
    let creation: { phase: Phase; rss: number; peak: number; cached: number; cache: number };
    try {
      await new Promise((r) => setTimeout(r, 3000));
      out(`  idle: RSS ${mib(creator.memory().rssBytes)}`);
      const open = await phase(
        Array.from({ length: statementCount }, (_, n) => n),
        async (n) => {
          const r = await openStatement(lead!, partner!, n);
          if (r.id) ids.push(r.id);
          return r.answers;
        },
      );
      creation = {
        cache: creator.inForce.maxCachedWorkflows,
        phase: open,
        rss: creator.memory().rssBytes,
        peak: creator.memory().peakRssBytes,
        cached: await creator.cachedWorkflows(),
      };
      out(
        `  ${int(ids.length)} statements created and opened (${int(open.requests)} requests, ${(open.requests / (open.ms / 1000)).toFixed(1)}/s) in ${secs(open.ms)}, p99 ${int(open.p99)} ms, ${failedText(open)}`,
      );
      out(`  after: RSS ${mib(creation.rss)} (peak ${mib(creation.peak)}), ${int(creation.cached)} workflows cached`);
    } finally {
      await creator.stop();
    }

    const results: Measured[] = [];
    for (const [i, options] of configs.entries()) {
      const worker = await startWorker(workerEnv, options, String.fromCharCode(65 + i));
      try {
        results.push(await measure(worker, options, lead!, ids));
      } finally {
        await worker.stop();
      }
    }

    const n = ids.length;
    const rows = [
      [
        'setting',
        'cache',
        'wf-task slots',
        'activity slots',
        'idle RSS',
        'first read: time, p99',
        'RSS',
        'cached',
        'second read: time, p99',
        'RSS',
        'cached',
        'peak RSS',
        'failed',
        'verdict',
      ],
      [
        'A, while creating them',
        int(creation.cache),
        '',
        '',
        '',
        `${secs(creation.phase.ms)}, ${int(creation.phase.p99)} ms (create and open)`,
        mib(creation.rss),
        int(creation.cached),
        '',
        '',
        '',
        mib(creation.peak),
        String(creation.phase.failures.length),
        creation.cached < n
          ? `not all cached (${int(creation.cached)})`
          : creation.peak > targetBytes
            ? `missed by ${mib(creation.peak - targetBytes)}`
            : creation.phase.failures.length > 0
              ? 'memory met; requests failed'
              : 'met',
      ],
      ...results.map((r, i) => {
        const holdsAll = r.cachedAfterSecond >= n;
        return [
          String.fromCharCode(65 + i) + (Object.keys(r.options).length === 0 ? ' (SDK defaults)' : ''),
          int(r.worker.maxCachedWorkflows),
          String(r.worker.maxConcurrentWorkflowTaskExecutions),
          String(r.worker.maxConcurrentActivityTaskExecutions),
          mib(r.idle),
          `${secs(r.first.ms)}, ${int(r.first.p99)} ms`,
          mib(r.afterFirst),
          int(r.cachedAfterFirst),
          `${secs(r.second.ms)}, ${int(r.second.p99)} ms`,
          mib(r.afterSecond),
          int(r.cachedAfterSecond),
          mib(r.peak),
          String(r.first.failures.length + r.second.failures.length),
          !holdsAll
            ? `not all cached (${int(r.cachedAfterSecond)}); peak ${r.peak <= targetBytes ? 'under' : 'over'} target`
            : r.peak > targetBytes
              ? `missed by ${mib(r.peak - targetBytes)}`
              : r.first.failures.length + r.second.failures.length > 0
                ? 'memory met; requests failed'
                : 'met',
        ];
      }),
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    out();
    out(
      `target: ≤ ${mib(targetBytes)} RSS with ${int(n)} open statements cached in one worker (the peak RSS is judged)`,
    );
    out(`load average at the end ${loadAverage()} (${os.cpus().length} CPUs; the machine may be shared)`);
    for (const [i, r] of rows.entries()) {
      out(`| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`);
      if (i === 0) out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    }
    recordVerdict({
      benchmark: 'worker-memory',
      figure: `worker RSS while creating and opening ${int(n)} statements (setting A)`,
      target: '≤ 1.5 GiB RSS, 1,000 open statements cached',
      measured: `peak ${mib(creation.peak)}, ${int(creation.cached)} cached`,
      ratio: `${(creation.peak / targetBytes).toFixed(2)}× of the target`,
      met: creation.cached >= n && creation.peak <= targetBytes && creation.phase.failures.length === 0,
      ...(creation.phase.failures.length > 0 ? { note: `${creation.phase.failures.length} request(s) failed` } : {}),
    });
    for (const [i, r] of results.entries()) {
      const holdsAll = r.cachedAfterSecond >= n;
      // A setting whose cache is smaller than the statements is shown above for what evictions cost, not judged against the target.
      if (r.worker.maxCachedWorkflows < n) continue;
      const failed = r.first.failures.length + r.second.failures.length;
      recordVerdict({
        benchmark: 'worker-memory',
        figure: `worker RSS, ${int(n)} open statements read into a fresh worker (${String.fromCharCode(65 + i)}: cache ${int(r.worker.maxCachedWorkflows)}, ${r.worker.maxConcurrentWorkflowTaskExecutions}/${r.worker.maxConcurrentActivityTaskExecutions} slots)`,
        target: '≤ 1.5 GiB RSS, 1,000 open statements cached',
        measured: `peak ${mib(r.peak)}, ${int(r.cachedAfterSecond)} cached; reads ${secs(r.first.ms)} cold, ${secs(r.second.ms)} warm`,
        ratio: `${(r.peak / targetBytes).toFixed(2)}× of the target`,
        met: holdsAll && r.peak <= targetBytes && failed === 0,
        ...(!holdsAll
          ? {
              note: `the cache held ${int(r.cachedAfterSecond)} of ${int(n)}: by design of this setting, not 1,000 cached`,
            }
          : failed > 0
            ? { note: `${failed} request(s) failed` }
            : {}),
      });
    }
  } finally {
    bundle?.remove();
    out();
    out('stopping the services');
    await env.close();
  }
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
