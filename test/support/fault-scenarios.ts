import { verifyAuditChain } from '../../db/audit.js';
import { insertApiToken, newSecret } from '../../db/credentials.js';
import { insertOrganisation, insertUser } from '../../db/organisations.js';
import type { Organisation, User } from '../../db/schema.js';
import { agreementChain } from '../../domain/agreement-events.js';
import { listStuckWorkflows } from '../../services/operations/list-stuck-workflows.js';
import { inBatches, uniqueEmail, until } from './harness.js';
import { everyPhaseJointly, needLine, responsibilitiesOf, statementDetails } from './sample-input.js';
import { RoundRobinClient, seededRandom, type Topology } from './topology.js';

/**
 * Issue 16's fault scenarios on the production-like topology (test/support/topology.ts), as
 * functions that test/topology-faults.test.ts calls once each and `npm run chaos` loops. Each
 * drives whole statements through the API (requests spread over the API processes by
 * RoundRobinClient, which repeats a request whose connection failed with the same
 * Idempotency-Key), strikes its fault, and then checks the invariants:
 *
 * - every statement completes (every step answers 2xx, the statement reaches its last stage);
 * - every e-mail of it is sent exactly once: its outbox rows are all `sent`, and each Message-ID
 *   is captured once at the SMTP capture server (none twice, none missing, none unknown);
 * - the audit chains of the statement and its agreement verify;
 * - no workflow is Failed or TimedOut, and none has an activity that failed 3 times or more.
 *
 * A violated invariant throws a `ScenarioFailure` naming the scenario and its seed (and carrying
 * the result measured so far); otherwise the result is returned, for a line or a table row.
 * Nothing here imports the test runner's assertions, so a script can call these as well.
 */

export interface ScenarioResult {
  scenario: string;
  seed?: number;
  /** From the scenario's start to its statement's last stage, before the checks (ms). */
  statementMs: number;
  /** Per fault, the time to recover (ms); what each one measures is in the scenario's notes. */
  recoveryMs: number[];
  /** E-mails the scenario's statements caused (its outbox rows), each expected exactly once. */
  emails: number;
  /**
   * Message-IDs captured more than once that no crash explains: a bug. (SMTP has no transactions:
   * a sender killed after the relay took a message and before marking it sent leaves it in doubt,
   * and the next sender sends it again, with the same Message-ID. Those are `repeatedAfterCrash`.)
   */
  duplicates: number;
  /** Message-IDs captured twice because their first sender died holding them (see `duplicates`). */
  repeatedAfterCrash: number;
  /** Message-IDs never captured. */
  lost: number;
  auditValid: boolean;
  /** Workflows Failed or TimedOut, or with an activity at its 3rd failed attempt or more. */
  failingWorkflows: string[];
  /** What else was measured (the faults, probe answers), one phrase each. */
  notes: string[];
}

/** A broken invariant (or a step that never completed): the message names the scenario and seed. */
export class ScenarioFailure extends Error {
  constructor(
    message: string,
    readonly result: ScenarioResult,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScenarioFailure';
  }
}

export interface ScenarioOptions {
  /** Progress lines (the faults as they strike); silent by default. */
  log?: (line: string) => void;
}

type Actor = { org: Organisation; user: User; api: RoundRobinClient };

const faultsInProgress = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `fault` on a process after any other fault on that process has ended (it is up again):
 * `npm run chaos` runs several statements at once, and a kill must not strike a restart half-done.
 */
function oneFaultAtATime(process: object, fault: () => Promise<void>): Promise<void> {
  const next = (faultsInProgress.get(process) ?? Promise.resolve()).catch(() => undefined).then(fault);
  faultsInProgress.set(process, next);
  return next;
}

/**
 * A message whose sending is explained by a crash: claimed again after a sender (`host/pid`,
 * db/outbox.ts) that is no longer alive had claimed it. The topology's processes all run here.
 */
function diedHoldingIt(claimedBy: readonly string[]): boolean {
  return claimedBy.slice(0, -1).some((claimer) => {
    const pid = Number(claimer.split('/').pop());
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

const stripAngles = (mid: string) => mid.replace(/^<|>$/g, '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One scenario's run: its actors, the times at which a step of its journey completed (recovery is
 * measured against them) and the hook its fault strikes from (called before every change request).
 */
class Run {
  readonly progress: number[] = [];
  onChange: (() => void) | undefined;
  /** Changes sent and not yet answered (a request whose connection failed is repeated, still counted once). */
  inFlight = 0;
  readonly started = Date.now();
  readonly notes: string[] = [];
  readonly recoveryMs: number[] = [];
  statementMs = 0;

  constructor(
    readonly t: Topology,
    readonly scenario: string,
    readonly seed?: number,
  ) {}

  /** How to repeat this run, for failure messages. */
  get context(): string {
    return this.seed === undefined
      ? this.scenario
      : `${this.scenario}, seed ${this.seed} (CHAOS_SEED=${this.seed} CHAOS_RUNS=1 repeats it)`;
  }

  ok<T extends { status: number; body: unknown }>(what: string, res: T): T {
    if (res.status >= 300) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
    this.progress.push(Date.now());
    return res;
  }

  /**
   * Records the time from a fault at `at` to the first step completed after it; a fault that
   * struck after the journey's last step (a kill whose turn came late) has none, and is noted.
   */
  recovered(at: number): void {
    const ms = this.nextStepAfter(at);
    if (ms === undefined) this.notes.push('a fault after the last step (no recovery time)');
    else this.recoveryMs.push(ms);
  }

  /** From `at` to the first step completed after it (undefined: none yet). */
  nextStepAfter(at: number): number | undefined {
    const next = this.progress.find((p) => p > at);
    return next === undefined ? undefined : next - at;
  }

  async actor(country: string, label: string): Promise<Actor> {
    const org = await insertOrganisation(this.t.db, {
      kind: 'buyer',
      name: `${label} ${country}`,
      country,
      buyer_legal_type: 'la',
      sme: null,
    });
    const user = await insertUser(this.t.db, {
      organisation_id: org.id,
      email: uniqueEmail(label),
      name: label,
      locale: 'en',
      roles: ['signatory'],
      is_admin: false,
    });
    const secret = newSecret('jd_');
    await insertApiToken(this.t.db, { userId: user.id, name: 'topology', secret, expiresAt: null });
    const api = new RoundRobinClient(this.t.apiUrls, { bearer: secret });
    api.onChange = () => {
      this.inFlight += 1;
      this.onChange?.();
    };
    api.onAnswer = (status) => {
      this.inFlight -= 1;
      if (status < 300) this.progress.push(Date.now());
    };
    return { org, user, api };
  }

  result(checked: Checked | undefined): ScenarioResult {
    return {
      scenario: this.scenario,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
      statementMs: this.statementMs,
      recoveryMs: this.recoveryMs,
      emails: checked?.emails ?? 0,
      duplicates: checked?.duplicates.length ?? 0,
      repeatedAfterCrash: checked?.repeatedAfterCrash.length ?? 0,
      lost: checked?.lost.length ?? 0,
      auditValid: checked?.auditValid ?? false,
      failingWorkflows: checked?.failingWorkflows ?? [],
      notes: this.notes,
    };
  }

  /** Runs the scenario's body; any error leaves as a ScenarioFailure naming the run. */
  async guard<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (error instanceof ScenarioFailure) throw error;
      throw new ScenarioFailure(`${this.context}: ${(error as Error).message}`, this.result(undefined), {
        cause: error,
      });
    }
  }

  /** Checks the invariants of `ids`' statements; throws a ScenarioFailure naming what broke, else returns the result. */
  async verdict(
    ids: string[],
    options: { extraRecipients?: ReadonlySet<string>; violations?: string[]; drainMs?: number } = {},
  ): Promise<ScenarioResult> {
    const checked = await checkInvariants(this.t, ids, { ...options, since: new Date(this.started) });
    const result = this.result(checked);
    const broken = [...(options.violations ?? [])];
    if (checked.unsent.length > 0)
      broken.push(`${checked.unsent.length} outbox message(s) never sent: ${JSON.stringify(checked.unsent)}`);
    if (checked.duplicates.length > 0)
      broken.push(`e-mails sent more than once: ${JSON.stringify(checked.duplicates)}`);
    if (checked.lost.length > 0) broken.push(`e-mails never captured: ${JSON.stringify(checked.lost)}`);
    if (checked.unknown.length > 0) broken.push(`e-mails not from the outbox: ${JSON.stringify(checked.unknown)}`);
    if (checked.auditProblems.length > 0) broken.push(`audit chains: ${checked.auditProblems.join('; ')}`);
    if (checked.failingWorkflows.length > 0) broken.push(`failing workflows: ${checked.failingWorkflows.join(', ')}`);
    if (broken.length > 0) throw new ScenarioFailure(`${this.context}: ${broken.join('\n')}`, result);
    return result;
  }
}

interface Checked {
  emails: number;
  unsent: unknown[];
  duplicates: [string, number][];
  repeatedAfterCrash: [string, number][];
  lost: string[];
  unknown: string[];
  auditValid: boolean;
  auditProblems: string[];
  failingWorkflows: string[];
}

/**
 * The invariants of some statements: every outbox message of theirs (and, with `extraRecipients`,
 * every supplier notice to those addresses) sent, each Message-ID captured exactly once; the
 * statements' and agreements' audit chains verify; no workflow failing. Waits up to `drainMs`
 * for the outbox to drain (a killed sender's lease runs out, a retry backs off) before it judges.
 */
async function checkInvariants(
  t: Topology,
  ids: string[],
  options: { extraRecipients?: ReadonlySet<string>; drainMs?: number; since: Date },
): Promise<Checked> {
  const extra = [...(options.extraRecipients ?? [])];
  const ours = () => {
    let q = t.db
      .selectFrom('outbox')
      .select([
        'key',
        'subject',
        'status',
        'attempts',
        'lease_until',
        'created_at',
        'smtp_message_id',
        'last_error',
        'claimed_by',
      ]);
    q = q.where((w) =>
      extra.length > 0
        ? w.or([
            w('statement_id', 'in', ids),
            w.and([w('key', 'like', 'supplier-notice:%'), w('to_address', 'in', extra)]),
          ])
        : w('statement_id', 'in', ids),
    );
    return q.execute();
  };
  let rows = await ours();
  try {
    rows = await until(ours, (r) => r.every((m) => m.status === 'sent'), options.drainMs ?? 180_000, 'outbox sent');
  } catch {
    rows = await ours();
  }
  const unsent = rows
    .filter((m) => m.status !== 'sent')
    .map(({ smtp_message_id: _mid, claimed_by: _by, ...m }) => m)
    .slice(0, 20);
  const expected = new Set(rows.map((o) => stripAngles(o.smtp_message_id)));
  await t.mail
    .waitFor((messages) => {
      const seen = new Set(messages.map((x) => stripAngles(x.messageId)));
      return [...expected].every((mid) => seen.has(mid));
    }, 60_000)
    .catch(() => undefined);
  // A late duplicate would come within a moment of the last send.
  await sleep(2000);
  const counts = new Map<string, number>();
  for (const m of t.mail.messages) {
    const mid = stripAngles(m.messageId);
    counts.set(mid, (counts.get(mid) ?? 0) + 1);
  }
  // Read after the capture: every message captured so far (other runs' too) is in the outbox by now.
  const all = new Set(
    (await t.db.selectFrom('outbox').select('smtp_message_id').execute()).map((o) => stripAngles(o.smtp_message_id)),
  );
  const claimers = new Map(rows.map((o) => [stripAngles(o.smtp_message_id), o.claimed_by]));
  const sentTwice = [...counts].filter(([mid, n]) => n > 1 && expected.has(mid));
  const repeatedAfterCrash = sentTwice.filter(([mid]) => diedHoldingIt(claimers.get(mid) ?? []));
  const duplicates = sentTwice.filter(([mid]) => !diedHoldingIt(claimers.get(mid) ?? []));
  const lost = [...expected].filter((mid) => !counts.has(mid));
  const unknown = [...counts.keys()].filter((mid) => !all.has(mid));

  const auditProblems: string[] = [];
  for (const id of ids) {
    for (const chain of [id, agreementChain(id)]) {
      const verified = await verifyAuditChain(t.db, chain);
      if (!verified.valid) auditProblems.push(`${chain}: ${JSON.stringify(verified).slice(0, 500)}`);
    }
  }
  const failingWorkflows: string[] = [];
  // Only this run's workflows: an earlier run's failure was reported by that run, and would
  // otherwise fail every run after it.
  const since = options.since.toISOString();
  for await (const w of t.client.workflow.list({
    query: `(ExecutionStatus="Failed" OR ExecutionStatus="TimedOut") AND StartTime >= "${since}"`,
  }))
    failingWorkflows.push(`${w.workflowId} (${w.status.name})`);
  // An activity that failed during an outage retries on its backoff (up to a minute apart): it is
  // failing only if it still has not got through well after the outage.
  let stuck = await listStuckWorkflows(t.client, {
    taskQueue: t.taskQueue,
    minFailedAttempts: 3,
    startedSince: options.since,
  });
  try {
    stuck = await until(
      () => listStuckWorkflows(t.client, { taskQueue: t.taskQueue, minFailedAttempts: 3, startedSince: options.since }),
      (s) => s.workflows.length === 0,
      90_000,
      'activities retrying after the fault to get through',
    );
  } catch {
    stuck = await listStuckWorkflows(t.client, {
      taskQueue: t.taskQueue,
      minFailedAttempts: 3,
      startedSince: options.since,
    });
  }
  for (const w of stuck.workflows)
    failingWorkflows.push(
      `${w.workflowId} (${w.activities.map((a) => `${a.activityType} attempt ${a.attempt}: ${a.lastFailure?.message ?? ''}`).join(', ')})`,
    );
  return {
    emails: expected.size,
    unsent,
    duplicates,
    repeatedAfterCrash,
    lost,
    unknown,
    auditValid: auditProblems.length === 0,
    auditProblems,
    failingWorkflows,
  };
}

function agreementTerms(lead: Actor, parties: readonly Actor[]) {
  return {
    leadAuthorityOrgId: lead.org.id,
    applicableLaw: { kind: 'party_country', country: lead.org.country },
    procedureType: 'open',
    lots: [{ id: 'ALL', title: 'Electric excavators', cpvCodes: ['43260000'] }],
    responsibilities: responsibilitiesOf(
      lead.org.id,
      parties.map((a) => a.org.id),
    ),
    phases: everyPhaseJointly(),
    contractConclusion: 'each_party_own_contract',
    costSharing: { method: 'equal' },
    languages: ['en'],
    disputeResolution: { text: 'Amicable settlement first.', forum: 'The courts of the lead’s seat' },
    duration: { kind: 'until', date: `${new Date().getUTCFullYear() + 4}-12-31` },
    accession: { allowed: false },
  };
}

interface Cast {
  lead: Actor;
  others: Actor[];
}

interface JourneyOptions {
  label: string;
  /** Buyers besides the lead (default 1); with more, each step of theirs goes at once. */
  buyers?: number;
  /** The needs assessment's deadline and reminders (default: the sample schedule's 30 days, 7 and 1 day before). */
  needsDeadline?: () => string;
  reminderOffsets?: string[];
  /** While the needs assessment is open (reminders scheduled), before anyone submits. */
  needsOpen?: (id: string, cast: Cast) => Promise<void>;
  /** In market engagement (the consultation fan-out started), before the lead closes it. */
  inMarket?: (id: string, cast: Cast) => Promise<void>;
  /** Through the agreement to `in_force` (default); false ends at publication. */
  agreement?: boolean;
}

/**
 * A whole statement: draft → invitations → needs assessment → confirmation → aggregation →
 * market engagement → approval → published → agreement in force (with one other buyer: 19
 * changes through the API, 14 of them before the agreement). Returns the statement's id.
 */
async function wholeStatement(run: Run, o: JourneyOptions): Promise<string> {
  const lead = await run.actor('FI', `${o.label}-lead`);
  const others = await inBatches(
    Array.from({ length: o.buyers ?? 1 }, (_, i) => i),
    10,
    (i) => run.actor('FI', `${o.label}-buyer${i + 1}`),
  );
  const everyone = [lead, ...others];
  // With one other buyer, one step after another (the seeded kills of (a) strike the same changes
  // every run); with a crowd, each step of theirs at once.
  const crowd = others.length > 1;
  const all = <T>(actors: Actor[], fn: (a: Actor) => Promise<T>) => inBatches(actors, crowd ? actors.length : 1, fn);
  const live = () => lead.api.get(`/api/statements/${id}/live`);
  const stage = (name: string) => until(live, (r) => r.body.stage === name, 120_000, name);

  const schedule = statementDetails().schedule;
  const details = statementDetails({
    criticalMass: { minBuyers: 2, minCountries: 1, minTotalValueEur: '100000' },
    ...(o.reminderOffsets ? { schedule: { ...schedule, reminderOffsets: o.reminderOffsets } } : {}),
  });
  const id = run.ok('create', await lead.api.post('/api/statements', details)).body.id as string;
  run.ok(
    'invite',
    await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: others.map((b) => b.org.id) }),
  );
  await all(others, async (b) => run.ok('accept', await b.api.post(`/api/statements/${id}/invitation/accept`)));
  run.ok(
    'open needs assessment',
    await lead.api.post(
      `/api/statements/${id}/needs-assessment/open`,
      o.needsDeadline ? { deadline: o.needsDeadline() } : undefined,
    ),
  );
  await o.needsOpen?.(id, { lead, others });
  const versions = new Map<Actor, string>();
  await all(everyone, async (a) => {
    const quantity = a === lead ? '2' : '1';
    run.ok(
      'needs draft',
      await a.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine({ quantity })], answers: {} }),
    );
    versions.set(a, run.ok('needs submit', await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId);
  });
  run.ok('close needs assessment', await lead.api.post(`/api/statements/${id}/close-stage`));
  const confirm = async (a: Actor) =>
    run.ok('confirm', await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions.get(a) }));
  await all(everyone, confirm);
  await stage('market_engagement');
  run.progress.push(Date.now());
  await o.inMarket?.(id, { lead, others });

  run.ok('close market engagement', await lead.api.post(`/api/statements/${id}/close-stage`));
  await stage('approval');
  await all(everyone, async (a) =>
    run.ok('approve', await a.api.post(`/api/statements/${id}/approval`, { version: 1, decision: 'approve' })),
  );
  await stage('published');
  run.progress.push(Date.now());
  const signatories = run.ok('signatories', await lead.api.get(`/api/statements/${id}/signatories`)).body
    .signatories as { organisationId: string }[];
  const expected = everyone.map((a) => a.org.id).sort();
  const actual = signatories.map((s) => s.organisationId).sort();
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`signatories ${JSON.stringify(actual)}, expected every approver ${JSON.stringify(expected)}`);
  if (o.agreement === false) return id;

  const base = `/api/statements/${id}/agreement`;
  run.ok('start agreement', await lead.api.post(base, {}));
  await all(others, async (a) => run.ok('join agreement', await a.api.post(`${base}/join`, {})));
  const v1 = run.ok('propose terms', await lead.api.post(`${base}/versions`, agreementTerms(lead, everyone))).body
    .currentVersion;
  await all(everyone, async (a) =>
    run.ok('sign', await a.api.post(`${base}/sign`, { versionId: v1.versionId, versionHash: v1.contentHash })),
  );
  await until(
    () => lead.api.get(base),
    (r) => r.body.status === 'in_force',
    120_000,
    'agreement in force',
  );
  run.progress.push(Date.now());
  return id;
}

/** A result as one line: the figures and the notes. */
export function formatResult(r: ScenarioResult): string {
  return (
    `${r.scenario}${r.seed === undefined ? '' : ` seed ${r.seed}`}: statement ${(r.statementMs / 1000).toFixed(1)} s, ` +
    `recovery ${r.recoveryMs.length ? r.recoveryMs.map((ms) => `${ms} ms`).join(', ') : '–'}, ${r.emails} e-mails, ` +
    `${r.duplicates} duplicate${r.repeatedAfterCrash ? ` (+${r.repeatedAfterCrash} repeated after a sender died holding it)` : ''}, ${r.lost} lost, audit ${r.auditValid ? 'valid' : 'BROKEN'}, ` +
    `${r.failingWorkflows.length} failing workflows${r.notes.length ? ` (${r.notes.join('; ')})` : ''}`
  );
}

/**
 * (a) Worker processes killed with SIGKILL at seeded points of a whole statement: one to three
 * kills, each just before a seeded one of its 19 changes, in the background while the workers
 * are busy; each killed worker stays down a seeded 0–4 s and is started again. Recovery: from
 * each kill to the next completed step.
 */
export async function workerKillJourney(
  t: Topology,
  seed: number,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const run = new Run(t, 'worker SIGKILL', seed);
  const random = seededRandom(seed);
  return run.guard(async () => {
    const killAt = new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => 1 + Math.floor(random() * 19)));
    const kills: { at: number; change: number; worker: string; downMs: number }[] = [];
    let chaos = Promise.resolve();
    let change = 0;
    run.onChange = () => {
      change += 1;
      if (!killAt.has(change)) return;
      const n = change;
      const worker = t.workers[Math.floor(random() * t.workers.length)]!;
      const downMs = Math.floor(random() * 4000);
      // One fault at a time per run, and per worker across runs: a worker is killed, stays down a
      // while, and is started again.
      chaos = chaos.then(() =>
        oneFaultAtATime(worker, async () => {
          const at = Date.now();
          await worker.kill();
          options.log?.(`${run.context}: ${worker.name} killed before change ${n}`);
          kills.push({ at, change: n, worker: worker.name, downMs });
          await sleep(downMs);
          await worker.start();
        }),
      );
    };
    let id: string;
    try {
      id = await wholeStatement(run, { label: `chaos${seed}` });
    } finally {
      run.onChange = undefined;
      await chaos;
    }
    run.statementMs = Date.now() - run.started;
    const violations: string[] = [];
    if (kills.length !== killAt.size) violations.push(`${kills.length} kills, ${killAt.size} planned`);
    if (change !== 19) violations.push(`${change} changes made through the API, 19 expected`);
    for (const k of kills) run.recovered(k.at);
    run.notes.push(...kills.map((k) => `${k.worker} killed before change ${k.change}, down ${k.downMs} ms`));
    return run.verdict([id], { violations });
  });
}

/**
 * (b) The Temporal server restarted (SIGTERM, then started again) while the needs assessment is
 * open and its reminders are scheduled as timers. Recovery: from the restart's beginning to the
 * next completed step (the server's own time to come back is in the notes).
 */
export async function temporalRestartJourney(t: Topology, options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const run = new Run(t, 'Temporal server restart');
  return run.guard(async () => {
    let restart = { at: 0, ms: 0 };
    const id = await wholeStatement(run, {
      label: 'restart',
      needsOpen: async () => {
        const at = Date.now();
        await t.temporal.restart();
        restart = { at, ms: Date.now() - at };
        options.log?.(`${run.context}: server back in ${restart.ms} ms`);
      },
    });
    run.statementMs = Date.now() - run.started;
    run.recovered(restart.at);
    run.notes.push(`server back in ${restart.ms} ms`);
    return run.verdict([id]);
  });
}

/** What the API answered a request during an outage: a status, or `timeout` / the network error. */
interface ProbeAnswer {
  api: string;
  method: string;
  answer: number | string;
  code?: string;
  ms: number;
}

async function probe(url: string, method: string, path: string, bearer: string, body?: unknown): Promise<ProbeAnswer> {
  const started = Date.now();
  try {
    const res = await fetch(new URL(path, url), {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json', 'Idempotency-Key': 'outage-probe' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { code?: string }).code;
    } catch {
      /* not JSON */
    }
    return { api: url, method, answer: res.status, ...(code ? { code } : {}), ms: Date.now() - started };
  } catch (error) {
    const e = error as Error;
    return { api: url, method, answer: e.name === 'TimeoutError' ? 'timeout' : e.message, ms: Date.now() - started };
  }
}

/**
 * (c) The application's PostgreSQL stopped (`pg_ctl stop -m fast`) for `outageSeconds` (default
 * 30) while the needs assessment is open. Meanwhile the API is asked, every 2 s and each process
 * in turn, for a read (the statement's live state) and a change (a needs draft): each must answer
 * 503 within 15 s (not 500, not hang). Then the cluster starts again and the journey completes.
 * Recovery: from the cluster's start to the next completed step.
 */
export async function appDatabaseOutageJourney(
  t: Topology,
  options: ScenarioOptions & { outageSeconds?: number } = {},
): Promise<ScenarioResult> {
  const run = new Run(t, 'application PostgreSQL stopped');
  const outageMs = (options.outageSeconds ?? 30) * 1000;
  return run.guard(async () => {
    const probes: ProbeAnswer[] = [];
    let back = 0;
    const id = await wholeStatement(run, {
      label: 'pgstop',
      needsOpen: async (statementId, { lead }) => {
        const stopped = Date.now();
        await t.appPostgres.stop();
        options.log?.(`${run.context}: stopped in ${Date.now() - stopped} ms`);
        const bearer = lead.api.auth.bearer!;
        for (let i = 0; Date.now() < stopped + outageMs - 2000; i++) {
          const url = t.apiUrls[i % t.apiUrls.length]!;
          probes.push(
            ...(await Promise.all([
              probe(url, 'GET', `/api/statements/${statementId}/live`, bearer),
              probe(url, 'PUT', `/api/statements/${statementId}/needs/draft`, bearer, {
                lines: [needLine({ quantity: '9' })],
                answers: {},
              }),
            ])),
          );
          await sleep(2000);
        }
        await sleep(Math.max(0, stopped + outageMs - Date.now()));
        await t.appPostgres.start();
        back = Date.now();
        options.log?.(`${run.context}: started again after ${back - stopped} ms`);
      },
    });
    run.statementMs = Date.now() - run.started;
    run.recovered(back);
    const tally = new Map<string, number>();
    for (const p of probes) {
      const key = `${p.method} ${p.answer}${p.code ? ` ${p.code}` : ''}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    run.notes.push(
      `${outageMs / 1000} s outage, ${probes.length} requests during it: ${[...tally].map(([k, n]) => `${n}× ${k}`).join(', ')}, ` +
        `slowest ${Math.max(0, ...probes.map((p) => p.ms))} ms`,
    );
    const wrong = probes.filter((p) => p.answer !== 503);
    return run.verdict([id], {
      violations: wrong.length
        ? [`during the database outage the API answered other than 503: ${JSON.stringify(wrong.slice(0, 10))}`]
        : [],
    });
  });
}

/** The actions each buyer of a crowd takes through the API, each to be recorded exactly once. */
const crowdActions = ['invitation_answered', 'needs_submitted', 'needs_confirmed', 'approval_decided'];

/**
 * (d) An API process killed with SIGKILL while a crowd's requests are in flight: `buyers`
 * (default 20) buyers and their lead take each step at once (accept, needs draft and submission,
 * confirmation, approval: about 110 changes, spread over both APIs); two seeded kills, each a
 * seeded 0–300 ms after a seeded change, of a seeded API, which stays down 0.5–3 s. The clients
 * repeat a request whose connection failed on the other API with the same Idempotency-Key. Every
 * buyer's action must be recorded exactly once in the statement's audit chain. The statement
 * ends at publication (no agreement). Recovery: from each kill to the next completed step.
 */
export async function apiKillJourney(
  t: Topology,
  seed: number,
  options: ScenarioOptions & { buyers?: number } = {},
): Promise<ScenarioResult> {
  const run = new Run(t, 'API SIGKILL', seed);
  const random = seededRandom(seed);
  const buyers = options.buyers ?? 20;
  return run.guard(async () => {
    // The crowd's changes: accept (n), draft and submit (2 (n + 1)), confirm and approve (n + 1 each), and the lead's five.
    const total = buyers + 4 * (buyers + 1) + 5;
    const killAt = [
      3 + Math.floor(random() * Math.floor(total / 2)),
      Math.floor(total / 2) + Math.floor(random() * Math.floor(total / 2 - 3)),
    ];
    const kills: { at: number; change: number; api: string; inFlight: number; downMs: number }[] = [];
    let chaos = Promise.resolve();
    let change = 0;
    run.onChange = () => {
      change += 1;
      if (!killAt.includes(change)) return;
      const n = change;
      const api = t.apis[Math.floor(random() * t.apis.length)]!;
      const delayMs = Math.floor(random() * 300);
      const downMs = 500 + Math.floor(random() * 2500);
      chaos = chaos.then(async () => {
        await sleep(delayMs);
        const at = Date.now();
        const inFlight = run.inFlight;
        await api.kill();
        options.log?.(`${run.context}: ${api.name} killed ${delayMs} ms after change ${n}, ${inFlight} in flight`);
        kills.push({ at, change: n, api: api.name, inFlight, downMs });
        await sleep(downMs);
        await api.start();
      });
    };
    let id: string;
    let crowd: Actor[] = [];
    try {
      id = await wholeStatement(run, {
        label: `crowd${seed}`,
        buyers,
        agreement: false,
        needsOpen: async (_id, { others }) => {
          crowd = others;
        },
      });
    } finally {
      run.onChange = undefined;
      await chaos;
    }
    run.statementMs = Date.now() - run.started;
    for (const k of kills) run.recovered(k.at);
    run.notes.push(
      ...kills.map(
        (k) =>
          `${k.api} killed after change ${k.change} of ${change} with ${k.inFlight} in flight, down ${k.downMs} ms`,
      ),
    );
    const violations: string[] = [];
    if (kills.length !== killAt.length) violations.push(`${kills.length} kills, ${killAt.length} planned`);
    const events = await t.db
      .selectFrom('audit_events')
      .select(['actor_org_id', 'action'])
      .where('chain', '=', id)
      .where(
        'actor_org_id',
        'in',
        crowd.map((a) => a.org.id),
      )
      .execute();
    const counts = new Map<string, number>();
    for (const e of events)
      counts.set(`${e.actor_org_id} ${e.action}`, (counts.get(`${e.actor_org_id} ${e.action}`) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
    const missing = crowd.flatMap((a) =>
      crowdActions.filter((action) => !counts.has(`${a.org.id} ${action}`)).map((action) => `${a.org.id} ${action}`),
    );
    if (twice.length) violations.push(`actions recorded more than once: ${twice.join(', ')}`);
    if (missing.length) violations.push(`actions never recorded: ${missing.join(', ')}`);
    run.notes.push(
      `${crowd.length} buyers, ${events.length} of their actions recorded, each once: ${twice.length === 0}`,
    );
    return run.verdict([id], { violations });
  });
}

/**
 * `count` verified suppliers subscribed to CPV division 43 (the journeys' excavators), written in
 * bulk; returns their addresses and a function that ends their subscriptions (so the next
 * scenario's statements do not fan out to them).
 */
async function subscribedSuppliers(
  t: Topology,
  count: number,
  label: string,
): Promise<{ emails: Set<string>; unsubscribe: () => Promise<void> }> {
  const tag = `${label}-${Date.now().toString(36)}`;
  const userIds: string[] = [];
  const emails = new Set<string>();
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    await t.db.transaction().execute(async (trx) => {
      const orgs = await trx
        .insertInto('organisations')
        .values(
          Array.from({ length: n }, (_, k) => ({
            kind: 'supplier' as const,
            name: `Supplier ${tag} ${start + k}`,
            country: ['DE', 'FR', 'PL', 'IT'][k % 4]!,
            sme: k % 3 !== 0,
          })),
        )
        .returning('id')
        .execute();
      const users = await trx
        .insertInto('users')
        .values(
          orgs.map((o, k) => ({
            organisation_id: o.id,
            email: `${tag}-${start + k}@suppliers.example`,
            name: `Supplier ${start + k}`,
            roles: [],
            email_verified_at: new Date(),
          })),
        )
        .returning(['id', 'organisation_id', 'email'])
        .execute();
      await trx
        .insertInto('supplier_subscriptions')
        .values(
          users.map((u) => ({
            user_id: u.id,
            organisation_id: u.organisation_id,
            cpv_prefixes: ['43'],
            countries: [],
          })),
        )
        .execute();
      for (const u of users) {
        userIds.push(u.id);
        emails.add(u.email.toLowerCase());
      }
    });
  }
  return {
    emails,
    unsubscribe: async () => {
      for (let i = 0; i < userIds.length; i += 5000)
        await t.db
          .deleteFrom('supplier_subscriptions')
          .where('user_id', 'in', userIds.slice(i, i + 5000))
          .execute();
    },
  };
}

/**
 * Counts the notices captured for some suppliers as they arrive (from the moment it is made), and
 * lets a scenario strike once a number of them have theirs: polled every 5 ms, so the fault falls
 * in the middle of a fan-out rather than after it.
 */
class NoticeWatch {
  private index: number;
  private readonly perRecipient = new Map<string, number>();
  private messageCount = 0;
  private cancelled = false;

  constructor(
    private readonly t: Topology,
    private readonly emails: ReadonlySet<string>,
  ) {
    this.index = t.mail.messages.length;
  }

  private update(): void {
    const all = this.t.mail.messages;
    for (; this.index < all.length; this.index++) {
      const to = all[this.index]!.to.find((a) => this.emails.has(a));
      if (to === undefined) continue;
      this.messageCount += 1;
      this.perRecipient.set(to, (this.perRecipient.get(to) ?? 0) + 1);
    }
  }

  /** Distinct suppliers with a notice so far. */
  recipients(): number {
    this.update();
    return this.perRecipient.size;
  }

  /** Notices so far, repeats included. */
  messages(): number {
    this.update();
    return this.messageCount;
  }

  /** Resolves true once `ok` holds, false after `timeoutMs` or once cancelled. */
  async reach(ok: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.cancelled && Date.now() < deadline) {
      if (ok()) return true;
      await sleep(5);
    }
    return false;
  }

  cancel(): void {
    this.cancelled = true;
  }
}

/** The outage the suite uses (CHAOS_SMTP_OUTAGE_SECONDS, default 20 s); `npm run chaos` passes the issue's 120. */
export const smtpOutageSeconds = Number(process.env.CHAOS_SMTP_OUTAGE_SECONDS ?? 20);

/**
 * (e) The SMTP relay refusing every message (`refuse`: 451 at MAIL FROM) or unreachable
 * (`unreachable`: nothing listening, open connections dropped) for `outageSeconds` during a
 * fan-out: `suppliers` (default 300) subscribed suppliers are told of the consultation when
 * market engagement opens; the outage begins once a fifth of them have their notice. Every
 * notice (and every other e-mail of the statement, refused alike meanwhile) must arrive exactly
 * once afterwards, the publication notices to the same suppliers too. Recovery: from the relay's
 * return to the first notice after it, and to the last one.
 */
export async function smtpOutageFanout(
  t: Topology,
  options: ScenarioOptions & { mode?: 'refuse' | 'unreachable'; outageSeconds?: number; suppliers?: number } = {},
): Promise<ScenarioResult> {
  const mode = options.mode ?? 'refuse';
  const outageMs = (options.outageSeconds ?? smtpOutageSeconds) * 1000;
  const count = options.suppliers ?? 300;
  const run = new Run(t, `SMTP ${mode === 'refuse' ? 'refusing (451)' : 'unreachable'}`);
  return run.guard(async () => {
    const suppliers = await subscribedSuppliers(t, count, `smtp-${mode}`);
    const watch = new NoticeWatch(t, suppliers.emails);
    const endOutage = async () => {
      t.mail.refuse(false);
      await t.mail.up();
    };
    // Armed before the journey: the relay goes once a fifth of the suppliers have their notice.
    const outage = (async () => {
      if (!(await watch.reach(() => watch.recipients() >= count / 5, 10 * 60_000))) return undefined;
      const at = Date.now();
      if (mode === 'refuse') t.mail.refuse({ code: 451 });
      else await t.mail.down();
      const before = watch.recipients();
      options.log?.(`${run.context}: relay out after ${before} of ${count} notices`);
      await sleep(Math.max(0, at + outageMs - Date.now()));
      const during = watch.recipients() - before;
      await endOutage();
      return { at, before, during, back: Date.now(), messagesAtBack: watch.messages() };
    })().catch(() => undefined);
    try {
      const id = await wholeStatement(run, {
        label: `smtp-${mode}`,
        inMarket: async () => {
          const o = await outage;
          if (!o) throw new Error(`the consultation fan-out never reached ${count / 5} of ${count} suppliers`);
          const firstAfter = (await watch.reach(() => watch.messages() > o.messagesAtBack, 300_000))
            ? Date.now() - o.back
            : -1;
          if (!(await watch.reach(() => watch.recipients() >= count, 300_000)))
            throw new Error(
              `${watch.recipients()} of ${count} suppliers had their notice 300 s after the relay came back`,
            );
          const lastAfter = Date.now() - o.back;
          run.recoveryMs.push(firstAfter, lastAfter);
          run.notes.push(
            `${count} suppliers, relay out ${outageMs / 1000} s after ${o.before} notices` +
              `${o.during > 0 ? ` (${o.during} more accepted as it went: in flight)` : ''}; ` +
              `first notice ${firstAfter} ms after it came back, the last ${lastAfter} ms after`,
          );
        },
      });
      run.statementMs = Date.now() - run.started;
      return await run.verdict([id], { extraRecipients: suppliers.emails, drainMs: 300_000 });
    } finally {
      watch.cancel();
      await endOutage();
      await suppliers.unsubscribe();
    }
  });
}

/**
 * (f) The Temporal server restarted twice in one statement: right after the needs assessment
 * opens with a reminder due 15 s later (its timer set before the restart; the reminder must still
 * go out), and during the consultation fan-out to `suppliers` (default 1,000) subscribed
 * suppliers, once a fifth have their notice. Every notice, and the publication notices after,
 * arrive exactly once. Recovery: from each restart's beginning to the next completed step (after
 * the first, a read of the statement; for the one during the fan-out, the time to its last notice
 * is in the notes).
 */
export async function temporalRestartFanout(
  t: Topology,
  options: ScenarioOptions & { suppliers?: number } = {},
): Promise<ScenarioResult> {
  const count = options.suppliers ?? 1000;
  const run = new Run(t, 'Temporal server restart during a fan-out');
  return run.guard(async () => {
    const suppliers = await subscribedSuppliers(t, count, 'restart-fanout');
    const watch = new NoticeWatch(t, suppliers.emails);
    const restarts: { at: number; ms: number }[] = [];
    const restart = async () => {
      const at = Date.now();
      await t.temporal.restart();
      restarts.push({ at, ms: Date.now() - at });
      options.log?.(`${run.context}: server back in ${Date.now() - at} ms`);
    };
    // Armed before the journey: the server restarts once a fifth of the suppliers have their notice.
    const duringFanout = (async () => {
      if (!(await watch.reach(() => watch.recipients() >= count / 5, 10 * 60_000))) return undefined;
      const reached = watch.recipients();
      await restart();
      return reached;
    })().catch(() => undefined);
    let reminder = 'not sent';
    try {
      const id = await wholeStatement(run, {
        label: 'restart-fanout',
        // The reminder 45 s before a deadline a minute away: 15 s after opening.
        needsDeadline: () => new Date(Date.now() + 60_000).toISOString(),
        reminderOffsets: ['PT45S'],
        needsOpen: async (statementId, { lead }) => {
          const opened = Date.now();
          await restart();
          // The journey waits for the reminder next: its recovery is the first read answered after the restart.
          run.ok('live', await lead.api.get(`/api/statements/${statementId}/live`));
          const sent = await until(
            () =>
              t.db
                .selectFrom('outbox')
                .select(['status', 'sent_at'])
                .where('key', 'like', `reminder:${statementId}:%`)
                .execute(),
            (rows) => rows.length > 0 && rows.every((r) => r.status === 'sent'),
            40_000,
            'the reminder scheduled before the restart',
          ).catch(() => []);
          if (sent.length > 0)
            reminder = `${sent.length} reminder e-mails sent ${Math.max(...sent.map((r) => r.sent_at!.getTime())) - opened} ms after opening`;
        },
        inMarket: async () => {
          const reached = await duringFanout;
          if (reached === undefined)
            throw new Error(`the consultation fan-out never reached ${count / 5} of ${count} suppliers`);
          if (!(await watch.reach(() => watch.recipients() >= count, 300_000)))
            throw new Error(`${watch.recipients()} of ${count} suppliers had their notice 300 s after the restart`);
          run.notes.push(
            `restarted after ${reached} of ${count} notices; the last ${Date.now() - restarts[1]!.at} ms after the restart began`,
          );
        },
      });
      run.statementMs = Date.now() - run.started;
      for (const r of restarts) run.recovered(r.at);
      run.notes.push(`server back in ${restarts.map((r) => `${r.ms} ms`).join(' and ')}`, reminder);
      return await run.verdict([id], {
        extraRecipients: suppliers.emails,
        drainMs: 300_000,
        violations: reminder === 'not sent' ? ['the reminder scheduled before the restart never went out'] : [],
      });
    } finally {
      watch.cancel();
      await suppliers.unsubscribe();
    }
  });
}
