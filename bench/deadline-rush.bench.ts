/**
 * Benchmark (not a test): the deadline rush of issue 23, point 2, on real services started here
 * (Temporal dev server, PostgreSQL, SMTP capture, the API in this process, the worker in a process
 * of its own, the load generator in a third).
 *
 * Per condition (an idle machine, then both cores saturated by two `node -e 'for(;;){}'`
 * processes), on a statement of its own with BENCH_BUYERS (2,000) buyers who accepted and the
 * lead, BENCH_BUYERS − BENCH_SUBMITTERS of them having submitted already (prepared through the
 * API, not measured):
 *
 * 1. **Submissions**: BENCH_SUBMITTERS (500) buyers each save a draft and submit it, paced to end
 *    within one minute (autocannon, one request per connection per second, as many connections as
 *    that needs: 17), each with its own API token and Idempotency-Key.
 * 2. The lead closes the stage (a stage decision: an update, not measured).
 * 3. **Confirmations**: all BENCH_BUYERS buyers confirm within one minute (34 connections).
 *
 * During both phases 50 readers (BENCH_READERS) read the needs overview as the lead, each once a
 * second (BENCH_READER_RATE). A 503 with Retry-After is retried with the same Idempotency-Key after
 * Retry-After and counted apart; any other answer but 200 is an error. Afterwards the rows in
 * need_versions and participants are counted against the answers 200 (nothing lost or doubled),
 * the audit chain is verified, the confirmation must end on its own, and the statement workflow's
 * history gives what the rush asked of the worker (workflow task queue and run times against the
 * workflow task timeout, activities in flight at once, signals per workflow task).
 *
 * Baselines in the same run and condition, paced the same way from the same number of
 * connections: a bare PostgreSQL transaction writing the same rows (insert a need version, update
 * a participant, insert an audit-like row) and a bare Temporal signal to a trivial workflow on the
 * same server. Prints one table with both conditions and records a verdict per target.
 *
 *   npm run bench -- deadline-rush
 *   BENCH_CONDITIONS=loaded npm run bench -- deadline-rush            (one condition)
 *   BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' …   (profiles the worker process)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';

import proto, { type temporal } from '@temporalio/proto';
import { sql } from 'kysely';
import pg from 'pg';

import { verifyAuditChain } from '../db/audit.js';
import { newSecret, secretHash } from '../db/credentials.js';
import { participatingCountries } from '../rules/countries.js';
import { type BenchEnvironment, createBuyers, startBenchEnvironment } from './support/environment.js';
import { runRushLoad, type RushAction, type RushResult } from './support/rush-load.js';
import { benchStatementDetails, until } from './support/statement-journey.js';
import { recordVerdict } from './support/verdicts.js';
import { startAppWorkerProcess, type WorkerProcess } from './support/worker-process.js';

const buyersCount = Number(process.env.BENCH_BUYERS ?? 2000);
const submitters = Number(process.env.BENCH_SUBMITTERS ?? 500);
const readers = Number(process.env.BENCH_READERS ?? 50);
const readerRate = Number(process.env.BENCH_READER_RATE ?? 1);
const phaseSeconds = Number(process.env.BENCH_PHASE_SECONDS ?? 60);
const baselineSeconds = Number(process.env.BENCH_BASELINE_SECONDS ?? 15);
const prepConcurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** BENCH_PREPARE=api accepts the invitations through the API too (slow: minutes). */
const acceptInDatabase = (process.env.BENCH_PREPARE ?? 'db') === 'db';
const conditions = (process.env.BENCH_CONDITIONS ?? 'idle,loaded').split(',') as ('idle' | 'loaded')[];
const targetP99Ms = 300;
/** Buyers spread over the EU and EEA countries (`rules/countries.ts`). */
const countries = participatingCountries;

const out = (line = '') => process.stdout.write(`${line}\n`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)}`;
const year = new Date().getUTCFullYear();

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Buyer {
  orgId: string;
  userId: string;
  token: string;
}

/** Organisations with one user each and a token this benchmark knows (the load generator sends it). */
async function buyersWithTokens(env: BenchEnvironment, count: number, prefix: string): Promise<Buyer[]> {
  const created = await createBuyers(env, count, { prefix, countries });
  const tokens = created.map(() => newSecret('jd_'));
  for (let start = 0; start < created.length; start += 1000) {
    const slice = created.slice(start, start + 1000);
    await env.db
      .insertInto('api_tokens')
      .values(
        slice.map((b, k) => ({
          user_id: b.userId,
          name: 'rush',
          token_hash: secretHash(tokens[start + k]!),
          expires_at: null,
        })),
      )
      .execute();
  }
  return created.map((b, k) => ({ orgId: b.orgId, userId: b.userId, token: tokens[k]! }));
}

/** One request as a careful client sends it: an Idempotency-Key on a change, repeated on 503 after Retry-After. */
async function call(
  env: BenchEnvironment,
  token: string,
  method: string,
  urlPath: string,
  body?: unknown,
  key: string = randomUUID(),
): Promise<{ status: number; body: any }> {
  for (let attempt = 0; ; attempt += 1) {
    const res = await fetch(new URL(urlPath, env.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(method === 'GET' ? {} : { 'idempotency-key': key }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    const retryAfter = Number(res.headers.get('retry-after'));
    if (res.status === 503 && retryAfter > 0 && attempt < 10) {
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      continue;
    }
    return { status: res.status, body: parsed };
  }
}

async function must(
  env: BenchEnvironment,
  what: string,
  token: string,
  method: string,
  urlPath: string,
  body?: unknown,
) {
  const res = await call(env, token, method, urlPath, body);
  if (res.status >= 300) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  return res.body;
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

const needLine = (label: string) => ({
  cpvCode: '43260000-3',
  description: `Electric excavators for ${label}`,
  quantity: '4',
  unit: 'H87',
  unitPrice: '450000',
  currency: 'EUR',
  delivery: { year: year + 1 },
});

/**
 * A statement in its needs assessment with every buyer accepted, the lead and all but the
 * `submitters` last buyers submitted (through the API: not measured). Returns its id and the
 * versions submitted.
 */
async function prepareStatement(
  env: BenchEnvironment,
  lead: Buyer,
  buyers: Buyer[],
  title: string,
): Promise<{ id: string; versions: Map<string, string> }> {
  const created = await must(env, 'create', lead.token, 'POST', '/api/statements', benchStatementDetails(title));
  const id = created.id as string;
  await must(env, 'invite', lead.token, 'POST', `/api/statements/${id}/invitations`, {
    organisationIds: buyers.map((b) => b.orgId),
  });
  if (acceptInDatabase) {
    // As the API's accept writes it, without its audit row and mail: each accept answers with the
    // whole roster (2,000 participants), which makes preparing through the API take minutes.
    await env.db
      .updateTable('participants')
      .set({ status: 'joined', responded_at: new Date() })
      .where('statement_id', '=', id)
      .where('status', '=', 'invited')
      .execute();
  } else
    await inBatches(buyers, prepConcurrency, (b) =>
      must(env, 'accept', b.token, 'POST', `/api/statements/${id}/invitation/accept`),
    );
  await must(env, 'open', lead.token, 'POST', `/api/statements/${id}/needs-assessment/open`);
  const versions = new Map<string, string>();
  const early = [lead, ...buyers.slice(0, buyers.length - submitters)];
  await inBatches(early, prepConcurrency, async (b) => {
    await must(env, 'draft', b.token, 'PUT', `/api/statements/${id}/needs/draft`, {
      lines: [needLine(b.orgId)],
      answers: {},
    });
    versions.set(
      b.orgId,
      (await must(env, 'submit', b.token, 'POST', `/api/statements/${id}/needs/submit`)).versionId as string,
    );
  });
  return { id, versions };
}

interface Latencies {
  count: number;
  p50: number;
  p99: number;
  max: number;
}
const latencies = (values: readonly number[]): Latencies => ({
  count: values.length,
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: values.length ? Math.max(...values) : NaN,
});

/** `connections` loops, each sending one `send()` a second for `seconds`, spread over the second as the load generator spreads its connections. */
async function paced(
  connections: number,
  seconds: number,
  send: (n: number) => Promise<void>,
): Promise<Latencies & { failures: number; firstFailure?: string }> {
  const values: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let n = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      for (let tick = 0; tick < seconds; tick += 1) {
        const wait = start + (tick + c / connections) * 1000 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t0 = performance.now();
        try {
          await send(n++);
          values.push(performance.now() - t0);
        } catch (error) {
          failures += 1;
          firstFailure ??= (error as Error).message;
        }
      }
    }),
  );
  return { ...latencies(values), failures, ...(firstFailure ? { firstFailure } : {}) };
}

/** Copies of the tables a buyer's action writes, without their foreign keys, for the bare transaction. */
async function prepareBareTables(env: BenchEnvironment, buyers: Buyer[]): Promise<{ statementId: string }> {
  await sql`create table if not exists bench_rush_versions (like need_versions including defaults including indexes)`.execute(
    env.db,
  );
  await sql`create table if not exists bench_rush_participants (like participants including defaults including indexes)`.execute(
    env.db,
  );
  await sql`create table if not exists bench_rush_audit (like audit_events including defaults including indexes)`.execute(
    env.db,
  );
  const statementId = randomUUID();
  for (let start = 0; start < buyers.length; start += 1000) {
    const slice = buyers.slice(start, start + 1000);
    await sql`insert into bench_rush_participants (statement_id, organisation_id, status, invited_at) values ${sql.join(slice.map((b) => sql`(${statementId}, ${b.orgId}, 'joined', now())`))}`.execute(
      env.db,
    );
  }
  return { statementId };
}

let bareSeq = 0;
/** The bare transaction: the rows a submission writes, and nothing else (no rules, no locks read, no HTTP). */
async function bareTransaction(pool: pg.Pool, statementId: string, buyer: Buyer, version: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into bench_rush_versions (id, statement_id, organisation_id, version, survey_version, lines, answers, content_hash, status, submitted_by, submitted_at)
       values ($1, $2, $3, $4, 1, $5, '{}', $6, 'submitted', $7, now())`,
      [
        randomUUID(),
        statementId,
        buyer.orgId,
        version,
        JSON.stringify([needLine(buyer.orgId)]),
        randomUUID().replaceAll('-', ''),
        buyer.userId,
      ],
    );
    await client.query(
      `update bench_rush_participants set status = 'submitted', updated_at = now() where statement_id = $1 and organisation_id = $2`,
      [statementId, buyer.orgId],
    );
    bareSeq += 1;
    await client.query(
      `insert into bench_rush_audit (chain, seq, event_key, statement_id, actor_user_id, actor_org_id, action, data, at, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, 'needs_submitted', $7, now(), $8, $9)`,
      [
        statementId,
        bareSeq,
        randomUUID(),
        statementId,
        buyer.userId,
        buyer.orgId,
        JSON.stringify({ version }),
        'x'.repeat(64),
        'y'.repeat(64),
      ],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

interface Baselines {
  bareTx: Record<number, Latencies & { failures: number; firstFailure?: string }>;
  signal: Record<number, Latencies & { failures: number; firstFailure?: string }>;
}

async function measureBaselines(
  env: BenchEnvironment,
  buyers: Buyer[],
  bare: { statementId: string },
  connectionCounts: number[],
): Promise<Baselines> {
  const result: Baselines = { bareTx: {}, signal: {} };
  const pool = new pg.Pool({ connectionString: env.endpoints.databaseUrl, max: Math.max(...connectionCounts) });
  const workflowId = `rush-baseline-${randomUUID()}`;
  const handle = await env.temporal.workflow.start('benchBaselineWorkflow', {
    taskQueue: env.baselineTaskQueue,
    workflowId,
    args: [0],
  });
  try {
    for (const connections of connectionCounts) {
      result.bareTx[connections] = await paced(connections, baselineSeconds, (n) =>
        bareTransaction(pool, bare.statementId, buyers[n % buyers.length]!, 1_000 + bareSeq + n),
      );
      result.signal[connections] = await paced(connections, baselineSeconds, () => handle.signal('poke'));
    }
  } finally {
    await handle.signal('finish');
    await pool.end();
  }
  return result;
}

/** Two processes that spin forever: both cores busy. Stopped by their ids. */
function saturateCores(): ChildProcess[] {
  return Array.from({ length: 2 }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}
async function stopSpinners(spinners: ChildProcess[]) {
  await Promise.all(
    spinners.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

interface PhaseFigures {
  seconds: number;
  kinds: Record<string, Latencies>;
  actions: Latencies;
  reads: Latencies;
  answered200: number;
  retried503: number;
  errors: { status: number; kind: string; body?: string }[];
  readErrors: Record<string, number>;
  unfinished: number;
  autocannon: RushResult['autocannon'];
}

function phaseFigures(r: RushResult): PhaseFigures {
  const firstTry = r.records;
  const ok = firstTry.filter((x) => x.status === 200);
  const kinds: Record<string, Latencies> = {};
  for (const kind of new Set(r.records.map((x) => x.kind)))
    kinds[kind] = latencies(ok.filter((x) => x.kind === kind).map((x) => x.ms));
  const readErrors: Record<string, number> = {};
  for (const x of r.reads) if (x.status !== 200) readErrors[x.status] = (readErrors[x.status] ?? 0) + 1;
  return {
    seconds: r.seconds,
    kinds,
    // Every answer counts towards the latency, the 503s too (they are answers the buyer waited for).
    actions: latencies(r.records.map((x) => x.ms)),
    reads: latencies(r.reads.map((x) => x.ms)),
    answered200: ok.length,
    retried503: r.records.filter((x) => x.status === 503 && x.retryAfter !== undefined).length,
    errors: r.records
      .filter((x) => x.status !== 200 && !(x.status === 503 && x.retryAfter !== undefined))
      .map((x) => ({ status: x.status, kind: x.kind, ...(x.body ? { body: x.body } : {}) })),
    readErrors,
    unfinished: r.unfinished,
    autocannon: r.autocannon,
  };
}

// --- what the statement workflow's history says the rush asked of the worker -----------------

const tsMs = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : NaN;
const durationMs = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  d ? Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : NaN;

interface WorkerFigures {
  runs: number;
  workflowTaskTimeoutMs: number;
  signals: number;
  workflowTasks: number;
  taskTimedOut: number;
  taskFailed: number;
  /** Why the failed workflow tasks failed (the history's cause), with their count. */
  taskFailCauses: Record<string, number>;
  taskWait: Latencies;
  taskRun: Latencies;
  activities: number;
  activityWait: Latencies;
  activityRun: Latencies;
  peakActivities: number;
  activityTypes: Record<string, number>;
}

async function workerFigures(
  env: BenchEnvironment,
  statementId: string,
  from: number,
  to: number,
): Promise<WorkerFigures> {
  const workflowId = `statement-${statementId}`;
  const latest = await env.temporal.workflow.getHandle(workflowId).describe();
  let runId: string | undefined = latest.raw.workflowExecutionInfo?.firstRunId || latest.runId;
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let runs = 0;
  let timeoutMs = NaN;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await env.temporal.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const list: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    runs += 1;
    const started = list[0]?.workflowExecutionStartedEventAttributes;
    if (started) timeoutMs = durationMs(started.workflowTaskTimeout as never);
    // Ids are per run: keep each run's events apart by tagging them with the run.
    for (const e of list) events.push(Object.assign(e, { runId }));
    runId = list[list.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  const inWindow = (e: temporal.api.history.v1.IHistoryEvent) => tsMs(e.eventTime) >= from && tsMs(e.eventTime) <= to;
  const key = (e: temporal.api.history.v1.IHistoryEvent & { runId?: string }, id: unknown) =>
    `${e.runId}:${String(id)}`;
  const byId = new Map(events.map((e) => [key(e, e.eventId), e]));
  const scheduledAt = (e: temporal.api.history.v1.IHistoryEvent & { runId?: string }, id: unknown) =>
    tsMs(byId.get(key(e, id))?.eventTime);

  const taskWait: number[] = [];
  const taskRun: number[] = [];
  let workflowTasks = 0;
  let taskTimedOut = 0;
  let taskFailed = 0;
  const taskFailCauses: Record<string, number> = {};
  const activityWait: number[] = [];
  const activityRun: number[] = [];
  const intervals: [number, number][] = [];
  const activityTypes: Record<string, number> = {};
  let signals = 0;
  for (const e of events.filter(inWindow)) {
    if (e.workflowExecutionSignaledEventAttributes) signals += 1;
    if (e.workflowTaskStartedEventAttributes)
      taskWait.push(tsMs(e.eventTime) - scheduledAt(e, e.workflowTaskStartedEventAttributes.scheduledEventId));
    const closed =
      e.workflowTaskCompletedEventAttributes ??
      e.workflowTaskTimedOutEventAttributes ??
      e.workflowTaskFailedEventAttributes;
    if (closed) {
      workflowTasks += 1;
      if (e.workflowTaskTimedOutEventAttributes) taskTimedOut += 1;
      if (e.workflowTaskFailedEventAttributes) {
        taskFailed += 1;
        const cause =
          proto.temporal.api.enums.v1.WorkflowTaskFailedCause[e.workflowTaskFailedEventAttributes.cause ?? 0] ??
          'unknown';
        taskFailCauses[cause] = (taskFailCauses[cause] ?? 0) + 1;
      }
      taskRun.push(tsMs(e.eventTime) - scheduledAt(e, closed.startedEventId));
    }
    const done =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes;
    if (done) {
      const scheduled = byId.get(key(e, done.scheduledEventId));
      const startedAt = scheduledAt(e, done.startedEventId);
      const name = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      activityTypes[name] = (activityTypes[name] ?? 0) + 1;
      activityWait.push(startedAt - tsMs(scheduled?.eventTime));
      activityRun.push(tsMs(e.eventTime) - startedAt);
      intervals.push([startedAt, tsMs(e.eventTime)]);
    }
  }
  // The most activities running at one moment: what the rush asks of the worker's activity slots.
  const edges = intervals
    .flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const])
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let peakActivities = 0;
  for (const [, d] of edges) peakActivities = Math.max(peakActivities, (now += d));
  return {
    runs,
    workflowTaskTimeoutMs: timeoutMs,
    signals,
    workflowTasks,
    taskTimedOut,
    taskFailed,
    taskFailCauses,
    taskWait: latencies(taskWait),
    taskRun: latencies(taskRun),
    activities: activityRun.length,
    activityWait: latencies(activityWait),
    activityRun: latencies(activityRun),
    peakActivities,
    activityTypes,
  };
}

// --- one condition ----------------------------------------------------------------------------

interface Condition {
  name: 'idle' | 'loaded';
  loadAverage: string;
  submit: PhaseFigures;
  confirm: PhaseFigures;
  closeMs: number;
  endedOnItsOwnMs: number | null;
  finalStage: string;
  lost: {
    submissions: number;
    confirmations: number;
    doubled: number;
    participantsNotSubmitted: number;
    participantsNotConfirmed: number;
    auditValid: boolean;
    detail: string[];
  };
  baselines: Baselines;
  worker: { submit: WorkerFigures; confirm: WorkerFigures };
}

async function runCondition(
  env: BenchEnvironment,
  name: 'idle' | 'loaded',
  statement: { id: string; versions: Map<string, string> },
  lead: Buyer,
  buyers: Buyer[],
  bare: { statementId: string },
): Promise<Condition> {
  const id = statement.id;
  const late = buyers.slice(buyers.length - submitters);
  const submitConnections = Math.ceil((late.length * 2) / phaseSeconds);
  const confirmConnections = Math.ceil(buyers.length / phaseSeconds);
  const spinners = name === 'loaded' ? saturateCores() : [];
  try {
    if (spinners.length) await new Promise((r) => setTimeout(r, 2000));
    out(
      `  [${name}] baselines: bare transaction and bare signal, ${submitConnections} and ${confirmConnections} connections, ${baselineSeconds} s each`,
    );
    const baselines = await measureBaselines(env, buyers, bare, [submitConnections, confirmConnections]);
    for (const [label, set] of [
      ['bare transaction', baselines.bareTx],
      ['bare signal', baselines.signal],
    ] as const)
      for (const [conns, b] of Object.entries(set))
        out(
          `    ${label}, ${conns} connections: ${b.count} in ${baselineSeconds} s, p50 ${ms(b.p50)} ms, p99 ${ms(b.p99)} ms${b.failures ? `, ${b.failures} FAILED (${b.firstFailure})` : ''}`,
        );
    const readersPlan = {
      connections: readers,
      perConnectionRate: readerRate,
      path: `/api/statements/${id}/needs-overview`,
      token: lead.token,
    };
    const loadAvg = loadAverage();

    out(
      `  [${name}] rush 1: ${late.length} buyers save a draft and submit (${submitConnections} connections, 1 request/s each) with ${readers} readers`,
    );
    const submitFrom = Date.now();
    const submitRun = await runRushLoad({
      baseUrl: env.baseUrl,
      writers: {
        connections: submitConnections,
        perConnectionRate: 1,
        items: late.map((b) => ({
          token: b.token,
          actions: [
            {
              method: 'PUT',
              path: `/api/statements/${id}/needs/draft`,
              body: { lines: [needLine(b.orgId)], answers: {} },
              key: `rush-draft-${id}-${b.orgId}`,
              kind: 'draft',
            },
            {
              method: 'POST',
              path: `/api/statements/${id}/needs/submit`,
              key: `rush-submit-${id}-${b.orgId}`,
              kind: 'submit',
            },
          ] satisfies RushAction[],
        })),
      },
      readers: readersPlan,
      maxSeconds: phaseSeconds * 5,
      retryLimit: 10,
    });
    const submitTo = Date.now();
    const submit = phaseFigures(submitRun);
    out(
      `    ${submitRun.seconds.toFixed(1)} s, ${submit.answered200} × 200, ${submit.retried503} × 503 retried, ${submit.errors.length} error(s)${submit.errors[0] ? ` (first: ${submit.errors[0].status} ${submit.errors[0].body ?? ''})` : ''}`,
    );

    // Nothing lost or doubled: every submission answered 200 is a row, once.
    const answered = new Map<string, string>();
    for (const r of submitRun.records)
      if (r.kind === 'submit' && r.status === 200 && r.versionId) answered.set(late[r.item]!.orgId, r.versionId);
    const lateIds = late.map((b) => b.orgId);
    const rows = await env.db
      .selectFrom('need_versions')
      .select(['id', 'organisation_id', 'status'])
      .where('statement_id', '=', id)
      .where('organisation_id', 'in', lateIds)
      .execute();
    const rowIds = new Set(rows.map((r) => r.id));
    const lostSubmissions = [...answered.values()].filter((v) => !rowIds.has(v)).length;
    const doubled = rows.length - new Set(rows.map((r) => r.organisation_id)).size;
    const submittedParticipants = await env.db
      .selectFrom('participants')
      .select('organisation_id')
      .where('statement_id', '=', id)
      .where('organisation_id', 'in', lateIds)
      .where('status', '=', 'submitted')
      .execute();
    const detail: string[] = [];
    if (lostSubmissions) detail.push(`${lostSubmissions} submission(s) answered 200 without a row`);
    if (doubled) detail.push(`${doubled} extra version row(s)`);
    if (submittedParticipants.length !== answered.size)
      detail.push(`${submittedParticipants.length} participants submitted, ${answered.size} submissions answered 200`);

    out(`  [${name}] the lead closes the needs assessment`);
    const closeStart = performance.now();
    const closed = await must(env, 'close', lead.token, 'POST', `/api/statements/${id}/close-stage`);
    const closeMs = performance.now() - closeStart;
    if (closed.stage !== 'confirmation') throw new Error(`the stage closed to ${closed.stage}, not confirmation`);
    const versions = new Map(statement.versions);
    for (const [org, v] of answered) versions.set(org, v);
    await must(env, 'lead confirms', lead.token, 'POST', `/api/statements/${id}/needs/confirm`, {
      versionId: versions.get(lead.orgId),
    });

    const confirmers = buyers.filter((b) => versions.has(b.orgId));
    out(
      `  [${name}] rush 2: ${confirmers.length} buyers confirm (${confirmConnections} connections, 1 request/s each) with ${readers} readers`,
    );
    const confirmFrom = Date.now();
    const confirmRun = await runRushLoad({
      baseUrl: env.baseUrl,
      writers: {
        connections: confirmConnections,
        perConnectionRate: 1,
        items: confirmers.map((b) => ({
          token: b.token,
          actions: [
            {
              method: 'POST',
              path: `/api/statements/${id}/needs/confirm`,
              body: { versionId: versions.get(b.orgId) },
              key: `rush-confirm-${id}-${b.orgId}`,
              kind: 'confirm',
            },
          ] satisfies RushAction[],
        })),
      },
      readers: readersPlan,
      maxSeconds: phaseSeconds * 5,
      retryLimit: 10,
    });
    const confirm = phaseFigures(confirmRun);
    out(
      `    ${confirmRun.seconds.toFixed(1)} s, ${confirm.answered200} × 200, ${confirm.retried503} × 503 retried, ${confirm.errors.length} error(s)${confirm.errors[0] ? ` (first: ${confirm.errors[0].status} ${confirm.errors[0].body ?? ''})` : ''}`,
    );

    // The confirmation deadline is days away: only the last confirmation can end it.
    const endStart = performance.now();
    let endedOnItsOwnMs: number | null = null;
    let finalStage = 'confirmation';
    try {
      const live = await until(
        'the end of the confirmation',
        () => call(env, lead.token, 'GET', `/api/statements/${id}/live`),
        (r) => r.body.stage !== 'confirmation' && r.body.stage !== 'aggregation',
        180_000,
      );
      endedOnItsOwnMs = performance.now() - endStart;
      finalStage = live.body.stage as string;
    } catch {
      detail.push('the confirmation did not end on its own within 180 s');
    }
    const confirmTo = Date.now();

    const confirmedOk = new Set(
      confirmRun.records.filter((r) => r.status === 200).map((r) => confirmers[r.item]!.orgId),
    );
    const confirmedRows = await env.db
      .selectFrom('need_versions')
      .select(['organisation_id'])
      .where('statement_id', '=', id)
      .where('status', '=', 'confirmed')
      .execute();
    const confirmedRowOrgs = new Set(confirmedRows.map((r) => r.organisation_id));
    const lostConfirmations = [...confirmedOk].filter((o) => !confirmedRowOrgs.has(o)).length;
    if (lostConfirmations) detail.push(`${lostConfirmations} confirmation(s) answered 200 without a confirmed version`);
    const participants = await env.db
      .selectFrom('participants')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .where('statement_id', '=', id)
      .groupBy('status')
      .execute();
    const confirmedParticipants = participants.find((p) => p.status === 'confirmed')?.n ?? 0;
    // The lead confirmed outside the measured phase.
    if (confirmedParticipants !== confirmedOk.size + 1)
      detail.push(
        `participants: ${participants.map((p) => `${p.n} ${p.status}`).join(', ')}; ${confirmedOk.size} confirmations answered 200`,
      );
    const audit = await verifyAuditChain(env.db, id);
    if (!audit.valid) detail.push('the audit chain does not verify');

    return {
      name,
      loadAverage: loadAvg,
      submit,
      confirm,
      closeMs,
      endedOnItsOwnMs,
      finalStage,
      lost: {
        submissions: lostSubmissions,
        confirmations: lostConfirmations,
        doubled,
        participantsNotSubmitted: answered.size - submittedParticipants.length,
        participantsNotConfirmed: confirmedOk.size + 1 - confirmedParticipants,
        auditValid: audit.valid,
        detail,
      },
      baselines,
      worker: {
        submit: await workerFigures(env, id, submitFrom, submitTo),
        confirm: await workerFigures(env, id, confirmFrom, confirmTo),
      },
    };
  } finally {
    await stopSpinners(spinners);
  }
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map(
      (r, i) =>
        `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |${i === 0 ? `\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|` : ''}`,
    )
    .join('\n');
}

function report(results: Condition[], workerInForce: WorkerProcess['inForce']) {
  const rows: string[][] = [
    [
      'condition',
      'phase',
      'requests',
      'seconds',
      'p50 ms',
      'p99 ms',
      'max ms',
      'bare tx p99',
      'signal p99',
      '× bare tx',
      '× signal',
      '503 retried',
      'errors',
    ],
  ];
  for (const c of results) {
    const conns = (p: PhaseFigures) =>
      p === c.submit ? Math.ceil((submitters * 2) / phaseSeconds) : Math.ceil(buyersCount / phaseSeconds);
    for (const [label, p] of [
      ['save + submit', c.submit],
      ['confirm', c.confirm],
    ] as const) {
      const bare = c.baselines.bareTx[conns(p)]!;
      const signal = c.baselines.signal[conns(p)]!;
      rows.push([
        c.name,
        `${label} (${conns(p)} conn.)`,
        int(p.actions.count),
        p.seconds.toFixed(1),
        ms(p.actions.p50),
        ms(p.actions.p99),
        ms(p.actions.max),
        ms(bare.p99),
        ms(signal.p99),
        `${(p.actions.p99 / bare.p99).toFixed(1)}×`,
        `${(p.actions.p99 / signal.p99).toFixed(1)}×`,
        String(p.retried503),
        String(p.errors.length),
      ]);
      for (const [kind, l] of Object.entries(p.kinds))
        rows.push([
          c.name,
          `  ${kind} (200s)`,
          int(l.count),
          '',
          ms(l.p50),
          ms(l.p99),
          ms(l.max),
          '',
          '',
          '',
          '',
          '',
          '',
        ]);
      rows.push([
        c.name,
        `  needs overview, ${readers} readers`,
        int(p.reads.count),
        '',
        ms(p.reads.p50),
        ms(p.reads.p99),
        ms(p.reads.max),
        '',
        '',
        '',
        '',
        '',
        String(Object.values(p.readErrors).reduce((a, b) => a + b, 0)),
      ]);
    }
  }
  out();
  out(table(rows));
  out();
  out(
    table([
      [
        'condition',
        'load avg',
        'close (update)',
        'ended on its own',
        'lost submissions',
        'lost confirmations',
        'doubled',
        'audit chain',
        'notes',
      ],
      ...results.map((c) => [
        c.name,
        c.loadAverage,
        `${int(c.closeMs)} ms`,
        c.endedOnItsOwnMs === null ? 'NO' : `${(c.endedOnItsOwnMs / 1000).toFixed(1)} s → ${c.finalStage}`,
        String(c.lost.submissions),
        String(c.lost.confirmations),
        String(c.lost.doubled),
        c.lost.auditValid ? 'valid' : 'BROKEN',
        c.lost.detail.join('; ') || '—',
      ]),
    ]),
  );
  out();
  out(
    `worker: ${JSON.stringify(workerInForce)}; the statement workflow's history during each phase (until the stage ended):`,
  );
  out(
    table([
      [
        'condition',
        'phase',
        'signals',
        'wf tasks',
        'signals/task',
        'task wait p99/max ms',
        'task run p99/max ms',
        'timeout',
        'timed out',
        'failed',
        'activities',
        'act. wait p99/max',
        'act. run p99/max',
        'peak act.',
      ],
      ...results.flatMap((c) =>
        (['submit', 'confirm'] as const).map((ph) => {
          const w = c.worker[ph];
          return [
            c.name,
            ph,
            int(w.signals),
            int(w.workflowTasks),
            (w.signals / Math.max(1, w.workflowTasks)).toFixed(1),
            `${ms(w.taskWait.p99)} / ${ms(w.taskWait.max)}`,
            `${ms(w.taskRun.p99)} / ${ms(w.taskRun.max)}`,
            `${w.workflowTaskTimeoutMs / 1000} s`,
            String(w.taskTimedOut),
            String(w.taskFailed),
            int(w.activities),
            `${ms(w.activityWait.p99)} / ${ms(w.activityWait.max)}`,
            `${ms(w.activityRun.p99)} / ${ms(w.activityRun.max)}`,
            String(w.peakActivities),
          ];
        }),
      ),
    ]),
  );
  for (const c of results)
    for (const ph of ['submit', 'confirm'] as const) {
      out(`  ${c.name} ${ph} activities: ${JSON.stringify(c.worker[ph].activityTypes)}`);
      if (c.worker[ph].taskFailed)
        out(`  ${c.name} ${ph} workflow tasks failed, by cause: ${JSON.stringify(c.worker[ph].taskFailCauses)}`);
    }
  for (const c of results)
    for (const p of [c.submit, c.confirm])
      for (const e of p.errors.slice(0, 5)) out(`  BUG (${c.name}): ${e.kind} answered ${e.status}: ${e.body ?? ''}`);

  for (const c of results) {
    const all = [...Object.values(c.submit.kinds), ...Object.values(c.confirm.kinds)];
    const actionsP99 = Math.max(c.submit.actions.p99, c.confirm.actions.p99);
    const readsP99 = Math.max(c.submit.reads.p99, c.confirm.reads.p99);
    const bareP99 = Math.max(...Object.values(c.baselines.bareTx).map((b) => b.p99));
    const signalP99 = Math.max(...Object.values(c.baselines.signal).map((b) => b.p99));
    const figure = `${submitters} submissions then ${int(buyersCount)} confirmations, each in a minute, ${readers} readers, ${c.name} machine`;
    recordVerdict({
      benchmark: 'deadline-rush',
      figure: `buyers' actions p99: ${figure}`,
      target: `p99 < ${targetP99Ms} ms`,
      measured: `p99 ${ms(actionsP99)} ms (${all.reduce((n, l) => n + l.count, 0)} actions; submit ${ms(c.submit.actions.p99)}, confirm ${ms(c.confirm.actions.p99)})`,
      ratio: `${(actionsP99 / bareP99).toFixed(1)}× bare tx, ${(actionsP99 / signalP99).toFixed(1)}× bare signal`,
      met: actionsP99 < targetP99Ms,
      ...missedBy(actionsP99),
    });
    if (readers > 0)
      recordVerdict({
        benchmark: 'deadline-rush',
        figure: `needs overview p99 (lead): ${figure}`,
        target: `p99 < ${targetP99Ms} ms`,
        measured: `p99 ${ms(readsP99)} ms (${int(c.submit.reads.count + c.confirm.reads.count)} reads)`,
        ratio: `${(readsP99 / bareP99).toFixed(1)}× bare tx`,
        met: readsP99 < targetP99Ms,
        ...missedBy(readsP99),
      });
    const errors =
      c.submit.errors.length +
      c.confirm.errors.length +
      Object.values({ ...c.submit.readErrors }).reduce((a, b) => a + b, 0) +
      Object.values(c.confirm.readErrors).reduce((a, b) => a + b, 0);
    recordVerdict({
      benchmark: 'deadline-rush',
      figure: `errors: ${figure}`,
      target: '0 errors (5xx or non-200 but 503 + Retry-After, retried)',
      measured: `${errors} error(s), ${c.submit.retried503 + c.confirm.retried503} × 503 retried, ${c.submit.unfinished + c.confirm.unfinished} buyer(s) unfinished`,
      ratio: '',
      met: errors === 0 && c.submit.unfinished + c.confirm.unfinished === 0,
    });
    const lost = c.lost.submissions + c.lost.confirmations + c.lost.doubled;
    recordVerdict({
      benchmark: 'deadline-rush',
      figure: `lost submissions: ${figure}`,
      target: '0 lost (rows = answers 200), 0 doubled; stage ends on its own',
      measured: `${c.lost.submissions} lost submissions, ${c.lost.confirmations} lost confirmations, ${c.lost.doubled} doubled; ${c.endedOnItsOwnMs === null ? 'stage did not end' : `ended on its own in ${(c.endedOnItsOwnMs / 1000).toFixed(1)} s`}`,
      ratio: '',
      met: lost === 0 && c.lost.detail.length === 0 && c.endedOnItsOwnMs !== null,
      ...(c.lost.detail.length ? { note: c.lost.detail.join('; ') } : {}),
    });
  }
}

/** A missed p99 says by how much: `1.8× the target (540 ms against 300 ms)`. */
const missedBy = (p99: number): { note?: string } =>
  p99 < targetP99Ms
    ? {}
    : { note: `${(p99 / targetP99Ms).toFixed(1)}× the target (${ms(p99)} ms against ${targetP99Ms} ms)` };

async function main() {
  out(
    `deadline rush benchmark: ${submitters} submissions then ${int(buyersCount)} confirmations, each within ${phaseSeconds} s, ${readers} readers of the needs overview (${readerRate}/s each); conditions: ${conditions.join(', ')}`,
  );
  out(
    `machine: ${os.cpus().length} CPU(s), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadAverage()}`,
  );
  const env = await startBenchEnvironment((line) => out(line), { worker: false });
  let worker: WorkerProcess | undefined;
  try {
    out(`  Temporal ${env.versions.temporal}, PostgreSQL ${env.versions.postgres}`);
    out('  bundling the workflows; the worker runs in a process of its own, with the settings bin/worker.ts uses');
    worker = await startAppWorkerProcess(env, process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []);

    out(
      `preparing (not measured): ${int(buyersCount)} buyers, one statement per condition with every buyer accepted and ${int(buyersCount - submitters)} submitted`,
    );
    const prepStart = performance.now();
    const [lead] = await buyersWithTokens(env, 1, 'RushLead');
    const buyers = await buyersWithTokens(env, buyersCount, 'Rush');
    const statements: { id: string; versions: Map<string, string> }[] = [];
    for (const c of conditions)
      statements.push(await prepareStatement(env, lead!, buyers, `Deadline rush (${c}): electric excavators`));
    const bare = await prepareBareTables(env, buyers);
    out(`  prepared in ${((performance.now() - prepStart) / 1000).toFixed(0)} s`);

    const results: Condition[] = [];
    for (const [i, c] of conditions.entries()) {
      out(`condition: ${c}`);
      results.push(await runCondition(env, c, statements[i]!, lead!, buyers, bare));
    }
    report(results, worker.inForce);
  } finally {
    await worker?.stop();
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
