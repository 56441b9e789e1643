/**
 * Benchmark (not a test): N buyers through the needs assessment and confirmation of one joint
 * statement, on real services started here (Temporal dev server, PostgreSQL, SMTP capture, worker,
 * API). Prints the time per phase, throughput, the workflow history per run against Temporal's
 * warning limits, the largest payload in each run against Temporal's payload limits, and baselines
 * measured in the same run: as many bare signals to a trivial workflow as the buyers' actions sent
 * (each action is committed in PostgreSQL and signals the statement's workflow), and as many plain
 * API reads. Prints figures and records verdicts (issue 23 point 5); asserts nothing about time.
 *
 *   npm run bench -- needs                      (BENCH_PARTICIPANTS=10000, BENCH_CONCURRENCY=16)
 */
import os from 'node:os';

import { participatingCountries } from '../rules/countries.js';
import type { BenchResponse } from './support/client.js';
import { type BenchEnvironment, createBuyers, startBenchEnvironment } from './support/environment.js';
import { recordVerdict } from './support/verdicts.js';
import {
  historyWarnBytes,
  historyWarnEvents,
  type LargestPayload,
  largestPayloadOfRun,
  payloadLimitBytes,
  payloadWarnBytes,
  type RunHistory,
  summariseRuns,
  workflowRunHistories,
} from './support/workflow-history.js';

const participants = Number(process.env.BENCH_PARTICIPANTS ?? 10_000);
/** The API takes at most this many organisations in one invitation request. */
const invitationBatch = 5000;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Buyers spread over the EU and EEA countries (`rules/countries.ts`). */
const countries = participatingCountries;

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

async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
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
  const failed =
    p.failures.length > 0
      ? `, ${p.failures.length} FAILED (first: ${p.failures[0]!.status} ${JSON.stringify(p.failures[0]!.body).slice(0, 300)})`
      : '';
  out(`  ${pad(name, 34)} ${lpad(secs(p.ms), 9)}  ${int(p.requests)} request(s)${failed}`);
  return p;
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
): Promise<{ value: T; ms: number; ok: boolean }> {
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
  out(
    `  ${pad(`${int(participants + 1)} buyer organisations, users, tokens`, 34)} ${lpad(secs(performance.now() - started), 9)}  (direct inserts, not counted below)`,
  );
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
  if (created.status !== 201)
    throw new Error(`creating the statement answered ${created.status}: ${JSON.stringify(created.body)}`);
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
  const invitationBatches = Array.from({ length: Math.ceil(buyers.length / invitationBatch) }, (_, k) =>
    buyers.slice(k * invitationBatch, (k + 1) * invitationBatch),
  );
  await phase(
    `invite all (${invitationBatches.length} request(s))`,
    invitationBatches,
    async (batch) => [await lead!.api.post(`${base}/invitations`, { organisationIds: batch.map((b) => b.orgId) })],
    { participants, concurrency: 1 },
  );
  await phase('accept the invitation', buyers, async (b) => [await b.api.post(`${base}/invitation/accept`)]);
  await phase(
    'open the needs assessment',
    [lead!],
    async (l) => [await l.api.post(`${base}/needs-assessment/open`, {})],
    { participants: 0 },
  );

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
  await phase('close early (lead)', [lead!], async (l) => [await l.api.post(`${base}/close-stage`)], {
    participants: 0,
  });
  const submitters = everyone.filter((a) => versions.has(a.orgId));
  await phase('confirm', submitters, async (a) => [
    await a.api.post(`${base}/needs/confirm`, { versionId: versions.get(a.orgId) }),
  ]);
  // The stage as committed (a cheap read), not the live state of 10,000 participants four times a second.
  const ended = await waitFor(
    'the confirmation to end on its own',
    () => env.db.selectFrom('statements').select('stage').where('id', '=', id).executeTakeFirstOrThrow(),
    (r) => r.stage === 'aggregation',
    15 * 60_000,
  );
  phases.push({
    name: 'until the process is in aggregation',
    ms: ended.ms,
    requests: 0,
    participants: 0,
    failures: [],
    latencies: [],
  });
  out(`  ${pad('until the process is in aggregation', 34)} ${lpad(secs(ended.ms), 9)}  (stage ${ended.value.stage})`);
  const totalMs = performance.now() - total;

  // Outcome, from the database and the workflow.
  const liveAnswer = await lead!.api.get(`${base}/live`);
  const live = liveAnswer.body as { stage: string; participants: { status: string }[] };
  const byStatus: Record<string, number> = {};
  for (const p of live.participants ?? []) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
  const count = async (table: 'need_versions' | 'need_lines', where?: ['status', string]) => {
    let q = env.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('statement_id', '=', id);
    if (where) q = q.where(where[0] as never, '=', where[1] as never);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const expectedLines = submitters.reduce((n, a) => n + lineCount(everyone.indexOf(a)), 0);

  // Mail: everything queued for this statement sent, then count the invitations per user.
  const drained = await waitFor(
    'the outbox to drain',
    () =>
      env.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('statement_id', '=', id)
        .where('status', '!=', 'sent')
        .executeTakeFirstOrThrow(),
    (r) => Number(r.n) === 0,
    10 * 60_000,
  );
  const invitations = env.delivered.filter((m) =>
    m.subject.startsWith('Invitation to join the joint statement of demand "Benchmark'),
  );
  const perUser = new Map<string, number>();
  for (const m of invitations) for (const to of m.to) perUser.set(to, (perUser.get(to) ?? 0) + 1);
  const exactlyOnce = buyers.filter((b) => perUser.get(b.email) === 1).length;

  out();
  out('outcome');
  out(
    `  stage ${live.stage} (live state answered ${liveAnswer.status}); participants by status: ${JSON.stringify(byStatus)}`,
  );
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
  out(
    `  ${pad('phase', 36)} ${lpad('time', 9)} ${lpad('requests', 9)} ${lpad('req/s', 8)} ${lpad('particip./s', 12)} ${lpad('p50 ms', 8)} ${lpad('p95 ms', 8)} ${lpad('max ms', 8)}`,
  );
  for (const p of phases) {
    const rate = (n: number) => (n > 0 && p.ms > 0 ? (n / (p.ms / 1000)).toFixed(1) : '-');
    out(
      `  ${pad(p.name, 36)} ${lpad(secs(p.ms), 9)} ${lpad(int(p.requests), 9)} ${lpad(rate(p.requests), 8)} ${lpad(rate(p.participants), 12)} ` +
        `${lpad(p.latencies.length ? percentile(p.latencies, 50).toFixed(0) : '-', 8)} ${lpad(p.latencies.length ? percentile(p.latencies, 95).toFixed(0) : '-', 8)} ${lpad(p.latencies.length ? Math.max(...p.latencies).toFixed(0) : '-', 8)}`,
    );
  }
  out(
    `  ${pad('total, invitation to aggregation', 36)} ${lpad(secs(totalMs), 9)}   → ${(participants / (totalMs / 1000)).toFixed(2)} participants per second through the whole stage`,
  );

  out();
  out('workflow history (statement)');
  const runs = await workflowRunHistories(env.temporal, `statement-${id}`);
  printRuns(`statement-${id}`, runs);

  const payloads = await printPayloads(env, `statement-${id}`, runs);

  // Every buyer action that was recorded sent one signal to the statement's workflow.
  const actionPhases = phases.filter((p) =>
    ['accept the invitation', 'save a draft, then submit', 'confirm'].includes(p.name),
  );
  const actionMs = actionPhases.reduce((n, p) => n + p.ms, 0);
  const actionRequests = actionPhases.reduce((n, p) => n + p.requests, 0);
  const signalled = buyers.length + 2 * submitters.length; // accepts, submissions, confirmations (a draft save signals nothing)
  return {
    totalMs,
    signalled,
    actionRequests,
    actionMs,
    actionRate: actionRequests / (actionMs / 1000),
    endedOnItsOwn: ended.ok,
    runs,
    payloads,
    lead: lead!,
    base,
  };
}

/** The largest payload of every run, against Temporal's payload limits; returns the largest of all. */
async function printPayloads(env: BenchEnvironment, workflowId: string, runs: readonly RunHistory[]) {
  out(
    `  largest single payload per run (warning ${int(payloadWarnBytes)} bytes = 512 KB, failure ${int(payloadLimitBytes)} bytes = 2 MB)`,
  );
  let largest: LargestPayload | null = null;
  let overWarning = 0;
  for (const [i, r] of runs.entries()) {
    const p = await largestPayloadOfRun(env.temporal, workflowId, r.runId);
    overWarning += p.overWarning;
    if (!p.largest) {
      out(`    run ${lpad(String(i + 1), 3)}  no payloads`);
      continue;
    }
    if (!largest || p.largest.bytes > largest.bytes) largest = p.largest;
    out(
      `    run ${lpad(String(i + 1), 3)}  ${lpad(int(p.largest.bytes), 11)} bytes (${lpad(((p.largest.bytes / payloadWarnBytes) * 100).toFixed(1), 5)}% of 512 KB)` +
        `  ${p.largest.eventType} ${p.largest.name} (event ${p.largest.eventId}, ${p.largest.field.split('.').slice(1).join('.')})` +
        (p.overWarning ? `, ${p.overWarning} payload(s) over 512 KB` : ''),
    );
    if (p.largest.largeFields.length > 0)
      out(`               of which ${p.largest.largeFields.map((f) => `${f.field} ${int(f.bytes)}`).join(', ')}`);
  }
  const bytes = largest?.bytes ?? 0;
  out(
    `    largest of all: ${int(bytes)} bytes = ${(bytes / payloadWarnBytes).toFixed(3)} × the 512 KB warning, ${(bytes / payloadLimitBytes).toFixed(3)} × the 2 MB limit` +
      `${largest ? ` (${largest.eventType} ${largest.name})` : ''} → ${bytes < payloadWarnBytes ? 'UNDER the warning limit' : bytes < payloadLimitBytes ? 'OVER the warning limit' : 'OVER the failure limit'}`,
  );
  return { largest, overWarning };
}

/** The same number of bare signals to a workflow that only counts them, at the same concurrency. */
async function baselineSignals(env: BenchEnvironment, count: number) {
  const workflowId = `bench-baseline-signals-${Date.now()}`;
  await env.temporal.workflow.start('benchBaselineWorkflow', {
    taskQueue: env.baselineTaskQueue,
    workflowId,
    args: [0],
  });
  const handle = env.temporal.workflow.getHandle(workflowId);
  let failures = 0;
  let firstFailure = '';
  const latencies: number[] = [];
  const started = performance.now();
  await inBatches(Array.from({ length: count }), concurrency, async () => {
    const t = performance.now();
    try {
      await handle.signal('poke');
      latencies.push(performance.now() - t);
    } catch (error) {
      failures += 1;
      firstFailure ||= `${(error as Error).name}: ${(error as Error).message}`;
    }
  });
  const ms = performance.now() - started;
  await handle.signal('finish');
  const counted = (await handle.result()) as number;
  const runs = await workflowRunHistories(env.temporal, workflowId);
  return { ms, failures, firstFailure, latencies, runs, counted, rate: count / (ms / 1000) };
}

async function main() {
  out(`jointdemand benchmark — needs assessment and confirmation with ${int(participants)} participants`);
  out(
    `  ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, Node ${process.version}`,
  );
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
    const signals = await baselineSignals(env, real.signalled);
    const roundTrips: number[] = [];
    let readFailures = 0;
    const rtStarted = performance.now();
    // A plain authenticated read (the caller's account): the statement itself carries its whole
    // roster (2.5 MB at 10,000 buyers), no baseline for a buyer's small answer.
    await inBatches(Array.from({ length: real.actionRequests }), concurrency, async () => {
      const r = await real.lead.api.get('/api/me');
      if (r.status !== 200) readFailures += 1;
      roundTrips.push(r.ms);
    });
    const rtMs = performance.now() - rtStarted;
    const readRate = real.actionRequests / (rtMs / 1000);

    const line = (name: string, n: number, ms: number, lat: number[], extra = '') =>
      out(
        `  ${pad(name, 44)} ${lpad(int(n), 6)} in ${lpad(secs(ms), 8)} = ${lpad((n / (ms / 1000)).toFixed(1), 7)}/s  p50 ${percentile(lat, 50).toFixed(0)} ms, p95 ${percentile(lat, 95).toFixed(0)} ms${extra}`,
      );
    line(
      'bare signals, trivial workflow',
      real.signalled,
      signals.ms,
      signals.latencies,
      `${signals.failures ? `, ${signals.failures} FAILED (${signals.firstFailure})` : ''}; the workflow counted ${int(signals.counted)}`,
    );
    line(
      'API round trip (GET /api/me)',
      real.actionRequests,
      rtMs,
      roundTrips,
      readFailures ? `, ${readFailures} not 200` : '',
    );
    printRuns('trivial workflow, bare signals', signals.runs);

    out();
    out('ratios');
    out(
      `  buyers' actions (accept, save + submit, confirm: ${int(real.actionRequests)} requests, ${int(real.signalled)} of them signalling) ran at ${real.actionRate.toFixed(1)} requests/s: ` +
        `${(real.actionRate / signals.rate).toFixed(2)} × the bare-signal rate, ${(real.actionRate / readRate).toFixed(2)} × the plain-read rate`,
    );
    out(
      `  the whole stage took ${secs(real.totalMs)}: ${(real.totalMs / signals.ms).toFixed(2)} × the time of as many bare signals as it sent, ` +
        `${(real.totalMs / rtMs).toFixed(2)} × the time of as many plain API reads as the buyers' requests`,
    );
    const s = summariseRuns(real.runs);
    const evRatio = s.maxEvents / historyWarnEvents;
    const byRatio = s.maxBytes / historyWarnBytes;
    out(
      `  statement history, largest run: ${evRatio.toFixed(3)} of the event warning limit, ${byRatio.toFixed(4)} of the size warning limit` +
        ` (bare-signal baseline's largest run: ${(summariseRuns(signals.runs).maxEvents / historyWarnEvents).toFixed(3)})`,
    );
    const failed = phases.reduce((n, p) => n + p.failures.length, 0);
    const firstFailures = phases.flatMap((p) => p.failures.slice(0, 1).map((f) => `${p.name}: ${f.status}`));
    out();
    out(failed === 0 ? 'every request answered 200' : `${failed} request(s) did not answer 200 (see the phases above)`);

    const benchmark = 'needs-assessment';
    const perSecond = `${real.actionRate.toFixed(1)} actions/s`;
    recordVerdict({
      benchmark,
      figure: `${int(participants)} buyers + the lead through accept, draft + submit, close early, confirm; confirmation ends on its own`,
      target: '0 failures at 10,000 buyers',
      measured: `${int(failed)} failures of ${int(phases.reduce((n, p) => n + p.requests, 0))} requests; ${real.endedOnItsOwn ? 'ended on its own' : 'did NOT end on its own'}; ${perSecond}`,
      ratio: `${(real.actionRate / signals.rate).toFixed(2)}× bare signals, ${(real.actionRate / readRate).toFixed(2)}× plain reads`,
      met: failed === 0 && real.endedOnItsOwn && participants >= 10_000,
      ...(failed > 0
        ? { note: `first failures: ${firstFailures.join('; ')}` }
        : participants < 10_000
          ? { note: `run with ${int(participants)} buyers only` }
          : {}),
    });
    recordVerdict({
      benchmark,
      figure: `statement workflow history, largest of ${s.runs} run(s), ${int(participants)} buyers`,
      target: '< 10,240 events and < 10 MB per run (warning limits)',
      measured: `${int(s.maxEvents)} events, ${(s.maxBytes / 1024 / 1024).toFixed(2)} MB`,
      ratio: `${evRatio.toFixed(3)}× events, ${byRatio.toFixed(3)}× bytes`,
      met: evRatio < 1 && byRatio < 1,
    });
    const largest = real.payloads.largest;
    recordVerdict({
      benchmark,
      figure: `largest single payload in the statement's history, ${int(participants)} buyers`,
      target: '< 512 KB (warning; failure at 2 MB)',
      measured: `${int(largest?.bytes ?? 0)} bytes${largest ? ` (${largest.eventType} ${largest.name}${largest.largeFields[0] ? `, ${largest.largeFields[0].field} ${int(largest.largeFields[0].bytes)}` : ''})` : ''}`,
      ratio: `${((largest?.bytes ?? 0) / payloadWarnBytes).toFixed(3)}×`,
      met: (largest?.bytes ?? 0) < payloadWarnBytes,
    });
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
