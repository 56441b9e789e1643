/**
 * The load generator of bench/deadline-rush.bench.ts, in a process of its own (so it does not share
 * the API's event loop): autocannon, driven programmatically, sends each buyer's actions with its
 * own API token and Idempotency-Key, at a fixed rate per connection, while other connections read
 * one URL at their own rate (the lead watching the needs overview). Each connection's requests are
 * spread over the second after the previous connection's (`spread`): a constant arrival rate.
 *
 * Writers: a buyer ("item") has a few actions (save the draft, then submit; or confirm), sent in
 * order on one connection, the next only after the previous answered 200. A 503 with Retry-After
 * is the expected answer to overload: the action is sent again with the same Idempotency-Key once
 * Retry-After has passed (by whichever connection is free then), and counted apart. Any other
 * answer ends that buyer's actions and is an error. While no buyer is ready (all in flight, or
 * waiting out a Retry-After) a connection sends `GET /healthz`, not counted. The run stops when
 * every buyer is done (or after `maxSeconds`).
 *
 * Every request's latency is taken from `setupRequest` (autocannon calls it just before it writes
 * the request) to `onResponse`, per kind of action. autocannon's own status counts are returned
 * beside them as a cross-check.
 */
import { createRequire } from 'node:module';

import { childMain, runInChildProcess } from './child-process-run.js';

export interface RushAction {
  method: 'PUT' | 'POST';
  path: string;
  body?: unknown;
  /** The Idempotency-Key; the same on every retry of this action. */
  key: string;
  /** e.g. `draft`, `submit`, `confirm`: latencies are reported per kind. */
  kind: string;
}

export interface RushPlan {
  baseUrl: string;
  writers: { connections: number; perConnectionRate: number; items: { token: string; actions: RushAction[] }[] };
  readers: { connections: number; perConnectionRate: number; path: string; token: string };
  /** Give up after this long (the phase is then reported with its unfinished buyers). */
  maxSeconds: number;
  /** 503s one action may get before the buyer is given up. */
  retryLimit: number;
}

export interface RushRecord {
  item: number;
  action: number;
  kind: string;
  status: number;
  ms: number;
  /** 0 for the first send, 1.. for retries after a 503. */
  attempt: number;
  retryAfter?: string;
  /** On a 200 to a submission: the version recorded. */
  versionId?: string;
  /** On anything but a 200: the start of the answer. */
  body?: string;
}

export interface RushResult {
  seconds: number;
  records: RushRecord[];
  reads: { status: number; ms: number }[];
  fillers: number;
  /** Buyers whose actions were not all answered 200 (errors, given up, or cut by maxSeconds). */
  unfinished: number;
  autocannon: { writers: AutocannonSummary; readers: AutocannonSummary };
}

interface AutocannonSummary {
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  requests: number;
}

/** Runs a plan in a child process; resolves with what it measured. */
export function runRushLoad(plan: RushPlan): Promise<RushResult> {
  return runInChildProcess(import.meta.url, 'BENCH_RUSH_LOAD_MAIN', plan);
}

// autocannon has no type declarations; the part of its programmatic API used here.
interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: Ctx) => AcRequest | null;
  onResponse?: (status: number, body: string, context: Ctx, headers: Record<string, string | string[]>) => void;
}
interface Ctx {
  item?: number;
  filler?: boolean;
  sentAt?: number;
}
interface AcInstance {
  stop(): void;
}
interface AcResult {
  statusCodeStats?: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
  requests: { total: number };
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AcResult) => void) => AcInstance;

function summary(results: AcResult[]): AutocannonSummary {
  const statuses: Record<string, number> = {};
  for (const r of results)
    for (const [status, v] of Object.entries(r.statusCodeStats ?? {}))
      statuses[status] = (statuses[status] ?? 0) + v.count;
  return {
    statuses,
    errors: results.reduce((n, r) => n + r.errors, 0),
    timeouts: results.reduce((n, r) => n + r.timeouts, 0),
    requests: results.reduce((n, r) => n + r.requests.total, 0),
  };
}

interface Spread {
  stop(): void;
  done: Promise<AcResult[]>;
}

/**
 * `connections` connections at `perConnectionRate` requests a second each, their requests spread
 * evenly over each second (a constant arrival rate, as k6's executor of that name sends). One
 * autocannon instance with `connections: n` would not do: each of its connections paces itself
 * with a one-second timer started when the instance starts, so all n send in the same millisecond
 * every second, and 34 writers with 50 readers arrived as one burst of 84 requests, measuring
 * the queue behind that burst instead of the rush. Here each connection is an instance of its
 * own, started `1 / (n × rate)` of a second after the previous one.
 */
function spread(
  autocannon: Autocannon,
  opts: Record<string, unknown>,
  load: { connections: number; perConnectionRate: number },
): Spread {
  const instances: AcInstance[] = [];
  let stopped = false;
  const gapMs = 1000 / (load.connections * load.perConnectionRate);
  const done = Promise.all(
    Array.from(
      { length: load.connections },
      (_, c) =>
        new Promise<AcResult>((resolve, reject) => {
          const start = () => {
            if (stopped) return resolve({ errors: 0, timeouts: 0, requests: { total: 0 } });
            instances.push(
              autocannon({ ...opts, connections: 1, connectionRate: load.perConnectionRate }, (err, result) =>
                err ? reject(err) : resolve(result),
              ),
            );
          };
          setTimeout(start, c * gapMs);
        }),
    ),
  );
  return {
    stop() {
      stopped = true;
      for (const i of instances) i.stop();
    },
    done,
  };
}

async function main(plan: RushPlan): Promise<RushResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const items = plan.writers.items;
  type State = {
    next: number;
    attempt: number;
    notBefore: number;
    state: 'ready' | 'busy' | 'waiting' | 'done' | 'failed';
  };
  const states: State[] = items.map(() => ({ next: 0, attempt: 0, notBefore: 0, state: 'ready' }));
  const records: RushRecord[] = [];
  const reads: { status: number; ms: number }[] = [];
  const waiting: number[] = [];
  let fresh = 0;
  let settled = 0;
  let fillers = 0;
  const started = performance.now();

  const pick = (): number | undefined => {
    const now = Date.now();
    const w = waiting.findIndex((i) => states[i]!.notBefore <= now);
    if (w >= 0) return waiting.splice(w, 1)[0];
    return fresh < items.length ? fresh++ : undefined;
  };
  const build = (req: AcRequest, ctx: Ctx, i: number): AcRequest => {
    const item = items[i]!;
    const a = item.actions[states[i]!.next]!;
    states[i]!.state = 'busy';
    ctx.item = i;
    ctx.filler = false;
    ctx.sentAt = performance.now();
    return {
      ...req,
      method: a.method,
      path: a.path,
      headers: {
        authorization: `Bearer ${item.token}`,
        'idempotency-key': a.key,
        ...(a.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: a.body === undefined ? '' : JSON.stringify(a.body),
    };
  };
  const filler = (req: AcRequest, ctx: Ctx): AcRequest => {
    ctx.item = undefined;
    ctx.filler = true;
    return { ...req, method: 'GET', path: '/healthz', headers: {}, body: '' };
  };

  // Called from responses only, so after `writers` and `readers` below exist.
  const settle = () => {
    settled += 1;
    if (settled === items.length) {
      writers.stop();
      readers.stop();
    }
  };
  const onResponse = (status: number, body: string, ctx: Ctx, headers: Record<string, string | string[]>) => {
    if (ctx.filler || ctx.item === undefined) {
      fillers += 1;
      return;
    }
    const i = ctx.item;
    const s = states[i]!;
    const a = items[i]!.actions[s.next]!;
    const record: RushRecord = {
      item: i,
      action: s.next,
      kind: a.kind,
      status,
      ms: performance.now() - ctx.sentAt!,
      attempt: s.attempt,
    };
    const retryAfter = headers['retry-after'] ?? headers['Retry-After'];
    if (status === 200) {
      if (a.kind === 'submit') {
        try {
          record.versionId = (JSON.parse(body) as { versionId?: string }).versionId;
        } catch {
          record.body = body.slice(0, 300);
        }
      }
      records.push(record);
      s.next += 1;
      s.attempt = 0;
      if (s.next === items[i]!.actions.length) {
        s.state = 'done';
        settle();
      } else s.state = 'ready';
      return;
    }
    record.body = body.slice(0, 300);
    if (status === 503 && retryAfter !== undefined) {
      record.retryAfter = String(retryAfter);
      records.push(record);
      s.attempt += 1;
      if (s.attempt > plan.retryLimit) {
        s.state = 'failed';
        settle();
        return;
      }
      s.state = 'waiting';
      s.notBefore = Date.now() + Number(retryAfter) * 1000;
      waiting.push(i);
      return;
    }
    records.push(record);
    s.state = 'failed';
    settle();
  };

  const writerRequests: AcRequest[] = [
    {
      // A buyer that is ready again (its Retry-After has passed) first, else the next new buyer.
      setupRequest: (req, ctx) => {
        const i = pick();
        return i === undefined ? filler(req, ctx) : build(req, ctx, i);
      },
      onResponse,
    },
    {
      // The same buyer's next action on the same connection, once the previous one answered 200.
      setupRequest: (req, ctx) => {
        const i = ctx.item;
        if (i === undefined || states[i]!.state !== 'ready') return null; // back to the first request: another buyer
        return build(req, ctx, i);
      },
      onResponse,
    },
  ];

  const common = { url: plan.baseUrl, timeout: 60, duration: plan.maxSeconds };
  const writers = spread(autocannon, { ...common, requests: writerRequests }, plan.writers);
  const readers = spread(
    autocannon,
    {
      ...common,
      requests: [
        {
          method: 'GET',
          path: plan.readers.path,
          headers: { authorization: `Bearer ${plan.readers.token}` },
          setupRequest: (req: AcRequest, ctx: Ctx) => {
            ctx.sentAt = performance.now();
            return req;
          },
          onResponse: (status: number, _body: string, ctx: Ctx) => {
            reads.push({ status, ms: performance.now() - ctx.sentAt! });
          },
        },
      ],
    },
    plan.readers,
  );
  const [w, r] = await Promise.all([writers.done, readers.done]);
  const result: RushResult = {
    seconds: (performance.now() - started) / 1000,
    records,
    reads,
    fillers,
    unfinished: states.filter((s) => s.state !== 'done').length,
    autocannon: { writers: summary(w), readers: summary(r) },
  };
  return result;
}

childMain('BENCH_RUSH_LOAD_MAIN', main);
