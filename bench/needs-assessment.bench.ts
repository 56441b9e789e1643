/**
 * Benchmark (not a test): N buyers through the needs assessment and confirmation of one joint
 * statement, on real services started here (Temporal dev server, PostgreSQL, SMTP capture, worker,
 * API). Prints the time per phase, throughput, the workflow history per run against Temporal's
 * warning limits, and baselines measured in the same run. Prints figures; asserts nothing about time.
 *
 *   npm run bench -- needs                      (BENCH_PARTICIPANTS=2000, BENCH_CONCURRENCY=16)
 */
import os from 'node:os';
import { createBuyers, startBenchEnvironment, type BenchEnvironment } from './support/environment.js';
import type { BenchResponse } from './support/client.js';
import { historyWarnBytes, historyWarnEvents, summariseRuns, workflowRunHistories, type RunHistory } from './support/workflow-history.js';

const participants = Number(process.env.BENCH_PARTICIPANTS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const countries = ['DE', 'FR', 'IT', 'ES', 'PL', 'NL', 'BE', 'SE', 'AT', 'DK', 'FI', 'PT', 'CZ', 'RO', 'HU', 'IE', 'EE', 'LV', 'LT', 'SI', 'NO'];

const out = (line = '') => process.stdout.write(`${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const int = (n: number) => n.toLocaleString('en-US');

interface Phase {
  name: string;
  ms: number;
  requests: number;
  /** Participants this phase moved on, for the per-participant rate. */
  participants: number;
  failures: { status: number; body: unknown }[];
  latencies: number[];
}
const phases: Phase[] = [];

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function inBatches<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

/** Runs one phase, timing it and keeping every answer that was not a 200. */
async function phase<T>(
  name: string,
  items: readonly T[],
  fn: (item: T, index: number) => Promise<BenchResponse[]>,
  options: { concurrency?: number; participants?: number } = {},
): Promise<Phase> {
  const started = performance.now();
  const answers = (await inBatches(items, options.concurrency ?? concurrency, fn)).flat();
  const p: Phase = {
    name,
    ms: performance.now() - started,
    requests: answers.length,
    participants: options.participants ?? items.length,
    failures: answers.filter((a) => a.status !== 200).map((a) => ({ status: a.status, body: a.body })),
    latencies: answers.map((a) => a.ms),
  };
  phases.push(p);
  const failed = p.failures.length > 0 ? `, ${p.failures.length} FAILED (first: ${p.failures[0]!.status} ${JSON.stringify(p.failures[0]!.body).slice(0, 300)})` : '';
  out(`  ${pad(name, 34)} ${lpad(secs(p.ms), 9)}  ${int(p.requests)} request(s)${failed}`);
  return p;
}

async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<{ value: T; ms: number; ok: boolean }> {
  const started = performance.now();
  for (;;) {
    const value = await fn();
    if (ok(value)) return { value, ms: performance.now() - started, ok: true };
    if (performance.now() - started > timeoutMs) {
      out(`  (gave up waiting for ${what} after ${secs(timeoutMs)})`);
      return { value, ms: performance.now() - started, ok: false };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function printRuns(label: string, runs: readonly RunHistory[]) {
  const s = summariseRuns(runs);
  out(`  ${label}: ${s.runs} run(s), ${int(s.totalEvents)} events and ${int(s.totalBytes)} bytes across all runs`);
  runs.forEach((r, i) =>
    out(
      `    run ${lpad(String(i + 1), 3)}  ${pad(r.status, 16)} ${lpad(int(r.events), 7)} events (${lpad(((r.events / historyWarnEvents) * 100).toFixed(1), 5)}% of ${int(historyWarnEvents)})` +
        `  ${lpad(int(r.bytes), 11)} bytes (${lpad(((r.bytes / historyWarnBytes) * 100).toFixed(2), 6)}% of 10 MB)`,
    ),
  );
  const evRatio = s.maxEvents / historyWarnEvents;
  const byRatio = s.maxBytes / historyWarnBytes;
  out(
    `    largest single run: ${int(s.maxEvents)} events = ${evRatio.toFixed(3)} × the 10,240-event warning; ` +
      `${int(s.maxBytes)} bytes = ${byRatio.toFixed(4)} × the 10 MB warning → ${evRatio < 1 && byRatio < 1 ? 'UNDER the warning limits' : 'OVER a warning limit'}`,
  );
  return s;
}

async function statementPhases(env: BenchEnvironment) {
  out('set-up of the scene');
  const started = performance.now();
  const [lead] = await createBuyers(env, 1, { prefix: 'Lead', countries: ['FI'] });
  const buyers = await createBuyers(env, participants, { prefix: 'Bench', countries });
  out(`  ${pad(`${int(participants + 1)} buyer organisations, users, tokens`, 34)} ${lpad(secs(performance.now() - started), 9)}  (direct inserts, not counted below)`);
  const everyone = [lead!, ...buyers];
  const year = new Date().getUTCFullYear();
  const created = await lead!.api.post('/api/statements', {
    title: 'Benchmark: zero-emission construction machinery',
    description: 'Electric excavators and wheel loaders for city construction sites.',
    cpvCodes: ['43260000-3', '34144900'],
    schedule: {
      needsAssessment: 'P30D',
      confirmation: 'P14D',
      reminderOffsets: ['P7D', 'P1D'],
      deliveryFromYear: year + 1,
      deliveryToYear: year + 3,
      expectedProcurementStart: `${year + 1}-03-01`,
    },
    criticalMass: { minBuyers: 3, minCountries: 2, minTotalValueEur: '1000000' },
  });
  if (created.status !== 201) throw new Error(`creating the statement answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const base = `/api/statements/${id}`;
  const survey = await lead!.api.put(`${base}/survey`, {
    questions: [{ id: 'charging', label: 'Do you need charging infrastructure?', type: 'yes_no', required: true }],
  });
  if (survey.status !== 200) throw new Error(`defining the survey answered ${survey.status}`);
  out(`  statement ${id}`);

  out();
  out(`phases (${int(participants)} buyers + the lead, ${concurrency} clients at a time)`);
  const total = performance.now();
  await phase('invite all (1 request)', [lead!], async (l) => [await l.api.post(`${base}/invitations`, { organisationIds: buyers.map((b) => b.orgId) })], {
    participants,
  });
  await phase('accept the invitation', buyers, async (b) => [await b.api.post(`${base}/invitation/accept`)]);
  await phase('open the needs assessment', [lead!], async (l) => [await l.api.post(`${base}/needs-assessment/open`, {})], { participants: 0 });

  const versions = new Map<string, string>();
  const lineCount = (i: number) => 1 + (i % 3);
  await phase('save a draft, then submit', everyone, async (a, i) => {
    const lines = Array.from({ length: lineCount(i) }, (_, j) => ({
      cpvCode: j % 2 === 0 ? '43260000-3' : '34144900-7',
      description: `Electric machine, lot ${j + 1}`,
      quantity: String(1 + ((i + j) % 9)),
      unit: 'H87',
      unitPrice: j % 2 === 0 ? '450000' : '310000.50',
      currency: 'EUR',
      delivery: { year: year + 1 + (i % 3) },
    }));
    const saved = await a.api.put(`${base}/needs/draft`, { lines, answers: { charging: i % 2 === 0 } });
    if (saved.status !== 200) return [saved];
    const submitted = await a.api.post(`${base}/needs/submit`);
    if (submitted.status === 200) versions.set(a.orgId, submitted.body.versionId);
    return [saved, submitted];
  });
  await phase('close early (lead)', [lead!], async (l) => [await l.api.post(`${base}/close-stage`)], { participants: 0 });
  const submitters = everyone.filter((a) => versions.has(a.orgId));
  await phase('confirm', submitters, async (a) => [await a.api.post(`${base}/needs/confirm`, { versionId: versions.get(a.orgId) })]);
  const ended = await waitFor(
    'the confirmation to end on its own',
    () => lead!.api.get(`${base}/live`),
    (r) => r.status === 200 && r.body.stage === 'aggregation',
    5 * 60_000,
  );
  phases.push({ name: 'until the process is in aggregation', ms: ended.ms, requests: 0, participants: 0, failures: [], latencies: [] });
  out(`  ${pad('until the process is in aggregation', 34)} ${lpad(secs(ended.ms), 9)}  (stage ${ended.value.body.stage})`);
  const totalMs = performance.now() - total;

  // Outcome, from the database and the workflow.
  const live = ended.value.body as { participants: { status: string }[] };
  const byStatus: Record<string, number> = {};
  for (const p of live.participants ?? []) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
  const count = async (table: 'need_versions' | 'need_lines', where?: ['status', string]) => {
    let q = env.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('statement_id', '=', id);
    if (where) q = q.where(where[0] as never, '=', where[1] as never);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const expectedLines = submitters.reduce((n, a) => n + lineCount(everyone.indexOf(a)), 0);

  // Mail: everything queued for this statement sent, then count the invitations per user.
  const drained = await waitFor(
    'the outbox to drain',
    () => env.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('statement_id', '=', id).where('status', '!=', 'sent').executeTakeFirstOrThrow(),
    (r) => Number(r.n) === 0,
    10 * 60_000,
  );
  const invitations = env.delivered.filter((m) => m.subject.startsWith('Invitation to join the joint statement of demand "Benchmark'));
  const perUser = new Map<string, number>();
  for (const m of invitations) for (const to of m.to) perUser.set(to, (perUser.get(to) ?? 0) + 1);
  const exactlyOnce = buyers.filter((b) => perUser.get(b.email) === 1).length;

  out();
  out('outcome');
  out(`  stage ${ended.value.body.stage}; participants by status: ${JSON.stringify(byStatus)}`);
  out(
    `  need_versions ${int(await count('need_versions'))} (confirmed ${int(await count('need_versions', ['status', 'confirmed']))}), ` +
      `need_lines ${int(await count('need_lines'))} (expected ${int(expectedLines)})`,
  );
  out(
    `  mail: ${int(env.delivered.length)} messages delivered in all (outbox ${drained.ok ? 'drained' : `NOT drained: ${drained.value.n} left`} ${secs(drained.ms)} after aggregation); ` +
      `invitations ${int(invitations.length)}, buyers whose user received exactly one: ${int(exactlyOnce)} of ${int(buyers.length)}, lead received ${perUser.get(lead!.email) ?? 0}`,
  );

  out();
  out('time and throughput');
  out(`  ${pad('phase', 36)} ${lpad('time', 9)} ${lpad('requests', 9)} ${lpad('req/s', 8)} ${lpad('particip./s', 12)} ${lpad('p50 ms', 8)} ${lpad('p95 ms', 8)} ${lpad('max ms', 8)}`);
  for (const p of phases) {
    const rate = (n: number) => (n > 0 && p.ms > 0 ? (n / (p.ms / 1000)).toFixed(1) : '-');
    out(
      `  ${pad(p.name, 36)} ${lpad(secs(p.ms), 9)} ${lpad(int(p.requests), 9)} ${lpad(rate(p.requests), 8)} ${lpad(rate(p.participants), 12)} ` +
        `${lpad(p.latencies.length ? percentile(p.latencies, 50).toFixed(0) : '-', 8)} ${lpad(p.latencies.length ? percentile(p.latencies, 95).toFixed(0) : '-', 8)} ${lpad(p.latencies.length ? Math.max(...p.latencies).toFixed(0) : '-', 8)}`,
    );
  }
  out(`  ${pad('total, invitation to aggregation', 36)} ${lpad(secs(totalMs), 9)}   → ${(participants / (totalMs / 1000)).toFixed(2)} participants per second through the whole stage`);

  out();
  out('workflow history (statement)');
  const runs = await workflowRunHistories(env.temporal, `statement-${id}`);
  printRuns(`statement-${id}`, runs);

  const updates = 1 /* invite */ + buyers.length /* accept */ + 1 /* open */ + submitters.length /* submit */ + 1 /* close */ + submitters.length; /* confirm */
  const apiRequests = phases.reduce((n, p) => n + p.requests, 0);
  const updatePhases = phases.filter((p) => ['accept the invitation', 'confirm'].includes(p.name));
  const updateMs = updatePhases.reduce((n, p) => n + p.ms, 0);
  const updateRequests = updatePhases.reduce((n, p) => n + p.requests, 0);
  return { totalMs, updates, apiRequests, runs, updateRate: updateRequests / (updateMs / 1000), lead: lead!, base };
}

/** The same number of updates against a workflow that does nothing else, at the same concurrency. */
async function baselineUpdates(env: BenchEnvironment, count: number, activity: boolean) {
  const workflowId = `bench-baseline-${activity ? 'activity' : 'bare'}-${Date.now()}`;
  await env.temporal.workflow.start('benchBaselineWorkflow', { taskQueue: env.baselineTaskQueue, workflowId, args: [0] });
  const handle = env.temporal.workflow.getHandle(workflowId);
  let failures = 0;
  let firstFailure = '';
  const latencies: number[] = [];
  const started = performance.now();
  await inBatches(Array.from({ length: count }), concurrency, async () => {
    const t = performance.now();
    try {
      await handle.executeUpdate('bump', { args: [{ activity }] });
      latencies.push(performance.now() - t);
    } catch (error) {
      failures += 1;
      firstFailure ||= `${(error as Error).name}: ${(error as Error).message}`;
    }
  });
  const ms = performance.now() - started;
  await handle.signal('finish');
  await handle.result();
  const runs = await workflowRunHistories(env.temporal, workflowId);
  return { ms, failures, firstFailure, latencies, runs, rate: count / (ms / 1000) };
}

async function main() {
  out(`jointdemand benchmark — needs assessment and confirmation with ${int(participants)} participants`);
  out(`  ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  out();
  out('starting the services');
  const setUp = performance.now();
  const env = await startBenchEnvironment((line) => out(line));
  out(`  ready in ${secs(performance.now() - setUp)}: ${env.versions.temporal}; PostgreSQL ${env.versions.postgres}`);
  out();
  try {
    const real = await statementPhases(env);

    out();
    out(`baselines, measured in the same run (${concurrency} clients at a time)`);
    const bare = await baselineUpdates(env, real.updates, false);
    const withActivity = await baselineUpdates(env, real.updates, true);
    const roundTrips: number[] = [];
    const rtStarted = performance.now();
    await inBatches(Array.from({ length: real.apiRequests }), concurrency, async () => {
      const r = await real.lead.api.get(real.base);
      roundTrips.push(r.ms);
    });
    const rtMs = performance.now() - rtStarted;

    const line = (name: string, n: number, ms: number, lat: number[], extra = '') =>
      out(
        `  ${pad(name, 44)} ${lpad(int(n), 6)} in ${lpad(secs(ms), 8)} = ${lpad((n / (ms / 1000)).toFixed(1), 7)}/s  p50 ${percentile(lat, 50).toFixed(0)} ms, p95 ${percentile(lat, 95).toFixed(0)} ms${extra}`,
      );
    line('bare updates, trivial workflow', real.updates, bare.ms, bare.latencies, bare.failures ? `, ${bare.failures} FAILED (${bare.firstFailure})` : '');
    line('updates each running a no-op activity', real.updates, withActivity.ms, withActivity.latencies, withActivity.failures ? `, ${withActivity.failures} FAILED (${withActivity.firstFailure})` : '');
    line('API round trip (GET the statement)', real.apiRequests, rtMs, roundTrips);
    printRuns('trivial workflow, bare updates', bare.runs);
    printRuns('trivial workflow, updates with an activity', withActivity.runs);

    out();
    out('ratios');
    out(
      `  statement updates (accept, confirm) ran at ${real.updateRate.toFixed(1)}/s: ${(real.updateRate / bare.rate).toFixed(2)} × the bare-update rate, ` +
        `${(real.updateRate / withActivity.rate).toFixed(2)} × the update-with-activity rate`,
    );
    const allStatementMs = real.totalMs;
    out(
      `  the whole stage took ${secs(allStatementMs)} for ${int(real.updates)} updates and ${int(real.apiRequests)} API requests: ` +
        `${(allStatementMs / bare.ms).toFixed(2)} × the time of the same number of bare updates, ${(allStatementMs / withActivity.ms).toFixed(2)} × with a no-op activity each, ` +
        `${(allStatementMs / rtMs).toFixed(2)} × the time of as many plain API reads`,
    );
    const s = summariseRuns(real.runs);
    out(
      `  statement history, largest run: ${(s.maxEvents / historyWarnEvents).toFixed(3)} of the event warning limit, ${(s.maxBytes / historyWarnBytes).toFixed(4)} of the size warning limit` +
        ` (bare-update baseline's largest run: ${(summariseRuns(bare.runs).maxEvents / historyWarnEvents).toFixed(3)})`,
    );
    const failed = phases.reduce((n, p) => n + p.failures.length, 0);
    out();
    out(failed === 0 ? 'every request answered 200' : `${failed} request(s) did not answer 200 (see the phases above)`);
  } finally {
    out();
    out('stopping the services');
    await env.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

