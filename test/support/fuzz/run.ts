import type { Client } from '@temporalio/client';

import { listStuckWorkflows, type StuckWorkflow } from '../../../services/operations/list-stuck-workflows.js';
import { type Role, roles } from '../cast.js';
import { sendRaw } from './raw-http.js';
import {
  type FuzzRequest,
  type KnownGood,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  type ParameterPool,
  requestArbitrary,
  sampleRequest,
  summariseRequest,
} from './requests.js';

/**
 * The fuzz run shared by test/fuzz.test.ts (a bounded run with a fixed seed) and `npm run fuzz`
 * (10,000 requests): the plan, the checks of each answer, the stuck-workflow check and the table.
 */

/** A request slower than this is a hang, not a slow query: the issue's bound. */
export const SLOW_MS = 5_000;
/** Past this a request is abandoned (and reported as a hang), so one stuck update cannot stall the run. */
export const GIVE_UP_MS = 12_000;

export interface PlannedRequest {
  index: number;
  role: Role;
  op: Operation;
}

export interface FuzzResult {
  index: number;
  role: Role;
  request: FuzzRequest;
  status: number;
  ms: number;
  contentType: string;
  body: string;
  /** What is wrong with the answer; empty when it is fine. */
  problems: string[];
}

/**
 * Acts that end the caller's own credentials or session (or an administrator's hold on a user)
 * go last in each pass, so they do not turn the rest of the pass into 401s.
 */
export const endsCredentials = (key: string) =>
  /sign-out|revoke-credentials|\/disable$|^DELETE \/api\/admin\//.test(key);

/**
 * `passes` rounds over every operation × every role, each round in an order shuffled by the seed,
 * the credential-ending acts last. With `limit`, only the first `limit` requests.
 */
export function planRequests(
  doc: OpenApiDocument,
  seed: number,
  options: { passes?: number; limit?: number; roles?: readonly Role[] } = {},
): PlannedRequest[] {
  const ops = operationsOf(doc);
  const who = options.roles ?? roles;
  const passes = options.passes ?? Math.ceil((options.limit ?? ops.length * who.length) / (ops.length * who.length));
  const plan: PlannedRequest[] = [];
  let random = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: a small deterministic shuffle, independent of fast-check's internals.
    random ^= random << 13;
    random ^= random >>> 17;
    random ^= random << 5;
    return (random >>> 0) / 2 ** 32;
  };
  for (let pass = 0; pass < passes; pass++) {
    const round = ops.flatMap((op) => who.map((role) => ({ op, role })));
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    round.sort((a, b) => Number(endsCredentials(a.op.key)) - Number(endsCredentials(b.op.key)));
    for (const r of round) plan.push({ index: plan.length, ...r });
  }
  return options.limit === undefined ? plan : plan.slice(0, options.limit);
}

/** Whether an answer is acceptable; the reasons when it is not. */
export function checkAnswer(status: number, contentType: string, body: string, ms: number, error?: string): string[] {
  const problems: string[] = [];
  if (error && status === 0) return [`no answer: ${error}`];
  if (status >= 500) problems.push(`${status} server error`);
  if (ms > SLOW_MS) problems.push(`slow: ${Math.round(ms)} ms (bound ${SLOW_MS} ms)`);
  if (status >= 400 && status < 500) {
    if (!contentType.startsWith('application/problem+json')) {
      problems.push(`${status} is not a problem document (content type ${contentType || 'none'})`);
      return problems;
    }
    let doc: { type?: unknown; title?: unknown; status?: unknown; code?: unknown; errors?: unknown } | undefined;
    try {
      doc = JSON.parse(body);
    } catch {
      problems.push(`${status} problem document is not JSON`);
      return problems;
    }
    if (
      typeof doc?.type !== 'string' ||
      typeof doc.title !== 'string' ||
      doc.status !== status ||
      typeof doc.code !== 'string'
    ) {
      problems.push(`${status} problem document lacks type, title, status or code`);
    }
    if (status === 400) {
      const errors = Array.isArray(doc?.errors) ? (doc.errors as { field?: unknown; rule?: unknown }[]) : [];
      if (errors.length === 0) problems.push('400 names no field (no errors[])');
      else if (errors.some((e) => typeof e.field !== 'string' || !e.field || typeof e.rule !== 'string' || !e.rule))
        problems.push('400 has an error without a field or rule');
    }
  }
  return problems;
}

export interface RunOptions {
  baseUrl: string;
  doc: OpenApiDocument;
  pool: ParameterPool;
  /** Bodies that pass the business rules, by operation key: mutated, they reach the services and workflows. */
  knownGoodBodies?: Record<string, KnownGood>;
  credentials: Record<Role, Record<string, string>>;
  plan: PlannedRequest[];
  seed: number;
  concurrency: number;
  /** Called before each pass after the first (`passStarts` holds the plan indexes where passes begin). */
  betweenPasses?: () => Promise<void>;
  passStarts?: number[];
  onResult?: (r: FuzzResult) => void;
}

export async function runPlan(o: RunOptions): Promise<FuzzResult[]> {
  const arbitraries = new Map<string, ReturnType<typeof requestArbitrary>>();
  const arbitraryOf = (op: Operation) => {
    let a = arbitraries.get(op.key);
    if (!a) arbitraries.set(op.key, (a = requestArbitrary(op, o.doc, o.pool, o.knownGoodBodies?.[op.key])));
    return a;
  };
  const results: FuzzResult[] = [];
  const starts = o.passStarts ?? [0];
  const segments = starts.map((s, i) => o.plan.filter((p) => p.index >= s && p.index < (starts[i + 1] ?? Infinity)));
  for (const [i, segment] of segments.entries()) {
    if (i > 0) await o.betweenPasses?.();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(o.concurrency, segment.length) }, async () => {
        while (next < segment.length) {
          const planned = segment[next++]!;
          const request = sampleRequest(arbitraryOf(planned.op), o.seed, planned.index);
          // A hostile header may replace the credential (a garbage bearer token); otherwise the role's own.
          const headers = { ...o.credentials[planned.role], ...request.headers };
          const answer = await sendRaw(
            o.baseUrl,
            {
              method: request.method,
              target: request.target,
              headers,
              ...(request.body !== undefined ? { body: request.body } : {}),
            },
            GIVE_UP_MS,
          );
          const contentType = answer.headers['content-type'] ?? '';
          const result: FuzzResult = {
            index: planned.index,
            role: planned.role,
            request,
            status: answer.status,
            ms: answer.ms,
            contentType,
            body: answer.body,
            problems: checkAnswer(answer.status, contentType, answer.body, answer.ms, answer.error),
          };
          results.push(result);
          o.onResult?.(result);
        }
      }),
    );
  }
  return results.sort((a, b) => a.index - b.index);
}

/** What to print for a failed request: enough to send it again (seed and index make the same request). */
export function describeFailure(r: FuzzResult, seed: number): string {
  const answer = r.body.length > 400 ? `${r.body.slice(0, 400)}…` : r.body;
  return `#${r.index} seed ${seed} as ${r.role}: ${r.request.key}\n    ${summariseRequest(r.request)}\n    -> ${r.status || 'no answer'} in ${Math.round(r.ms)} ms: ${r.problems.join('; ')}\n    answer: ${answer}`;
}

/**
 * Workflows of this run's task queue with a failing activity: one pending on its second attempt
 * or later (the operators' listing, services/operations, with the lowest threshold).
 */
export async function stuckAfterRun(temporal: Client, taskQueue: string): Promise<StuckWorkflow[]> {
  return (await listStuckWorkflows(temporal, { taskQueue, minFailedAttempts: 1 })).workflows;
}

export function describeStuck(w: StuckWorkflow): string {
  return `${w.workflowType} ${w.workflowId}: ${w.activities.map((a) => `${a.activityType} attempt ${a.attempt}${a.lastFailure ? ` (${a.lastFailure.type ?? 'error'}: ${a.lastFailure.message.slice(0, 200)})` : ''}`).join('; ')}`;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** The table: requests per route and status, p50/p95 latency, then the totals. */
export function formatTable(results: FuzzResult[], stuck: StuckWorkflow[]): string {
  const byRoute = new Map<string, FuzzResult[]>();
  for (const r of results) byRoute.set(r.request.key, [...(byRoute.get(r.request.key) ?? []), r]);
  const rows = [...byRoute.entries()].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...rows.map(([k]) => k.length), 5);
  const lines = [
    `${'route'.padEnd(width)}  ${'n'.padStart(5)}  ${'p50 ms'.padStart(7)}  ${'p95 ms'.padStart(7)}  statuses`,
  ];
  for (const [key, rs] of rows) {
    const statuses = new Map<number, number>();
    for (const r of rs) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const ms = rs.map((r) => r.ms);
    const statusText = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s || 'none'}×${n}`)
      .join(' ');
    lines.push(
      `${key.padEnd(width)}  ${String(rs.length).padStart(5)}  ${percentile(ms, 50).toFixed(0).padStart(7)}  ${percentile(ms, 95).toFixed(0).padStart(7)}  ${statusText}`,
    );
  }
  const total = new Map<number, number>();
  for (const r of results) total.set(r.status, (total.get(r.status) ?? 0) + 1);
  lines.push('');
  lines.push(
    `requests ${results.length}; routes ${rows.length}; statuses ${[...total.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s || 'none'}×${n}`)
      .join(' ')}`,
  );
  lines.push(
    `5xx ${results.filter((r) => r.status >= 500).length}; no answer ${results.filter((r) => r.status === 0).length}; slow (> ${SLOW_MS} ms) ${results.filter((r) => r.ms > SLOW_MS).length}; other failed checks ${results.filter((r) => r.problems.length > 0 && r.status < 500 && r.status !== 0 && r.ms <= SLOW_MS).length}; stuck workflows ${stuck.length}`,
  );
  lines.push(
    `latency p50 ${percentile(
      results.map((r) => r.ms),
      50,
    ).toFixed(0)} ms, p95 ${percentile(
      results.map((r) => r.ms),
      95,
    ).toFixed(0)} ms, max ${Math.max(0, ...results.map((r) => r.ms)).toFixed(0)} ms`,
  );
  return lines.join('\n');
}
