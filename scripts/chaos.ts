/**
 * `npm run chaos`: the long versions of issue 16's fault tests. Starts the production-like
 * topology once (test/support/topology.ts: the real Temporal server on PostgreSQL, the
 * application database on a cluster of its own, SMTP capture, two workers, two APIs), runs the
 * fault scenarios of test/support/fault-scenarios.ts (the same functions test/topology-faults.test.ts
 * calls once each) one after another on it, and prints one row per fault: runs, passed, failed
 * (with the seeds that repeat them), e-mails, duplicates (sent twice with no crash to explain it:
 * a bug), repeated after a crash (its sender killed between the relay's acceptance and the mark:
 * SMTP has no transactions), lost, and the time to recover (median,
 * p95, max).
 *
 *   npm run chaos                                    200 worker-kill seeds, then the other faults
 *   CHAOS_RUNS=3 npm run chaos                       3 worker-kill seeds
 *   CHAOS_ONLY=worker-kill CHAOS_SEED=16002 CHAOS_RUNS=1 npm run chaos    repeat one seed
 *
 * Settings: CHAOS_RUNS (worker-kill seeds, default 200), CHAOS_API_RUNS (API-kill seeds, 10),
 * CHAOS_SEED (the first seed, 16001), CHAOS_PG_DOWN_SECONDS (30), CHAOS_SMTP_OUTAGE_SECONDS (120),
 * CHAOS_SUPPLIERS (the fan-outs' subscribed suppliers, 1000), CHAOS_PARALLEL (worker-kill statements
 * run at once, 3: each seed's kills then strike the others' statements too, one fault at a time;
 * a seed repeated alone with CHAOS_RUNS=1 meets only its own kills), CHAOS_ONLY (comma-separated scenario
 * names), TOPOLOGY_LOG=1 (the processes' warnings and errors). Exits 1 when any run broke an
 * invariant (a statement not completed, an e-mail sent twice or never, an audit chain that does not
 * verify, a workflow left failing) or could not run; 2 on a bad setting.
 */
import {
  apiKillJourney,
  appDatabaseOutageJourney,
  formatResult,
  ScenarioFailure,
  type ScenarioOptions,
  type ScenarioResult,
  smtpOutageFanout,
  temporalRestartFanout,
  temporalRestartJourney,
  workerKillJourney,
} from '../test/support/fault-scenarios.js';
import { inBatches } from '../test/support/harness.js';
import { startTopology, type Topology } from '../test/support/topology.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name}=${raw}: a whole number of 0 or more, please`);
    process.exit(2);
  }
  return value;
}

const runs = setting('CHAOS_RUNS', 200);
const apiRuns = setting('CHAOS_API_RUNS', 10);
const baseSeed = setting('CHAOS_SEED', 16_001);
const pgDownSeconds = setting('CHAOS_PG_DOWN_SECONDS', 30);
const smtpOutageSeconds = setting('CHAOS_SMTP_OUTAGE_SECONDS', 120);
const suppliers = setting('CHAOS_SUPPLIERS', 1000);
const parallel = Math.max(1, setting('CHAOS_PARALLEL', 3));
const verbose = process.env.TOPOLOGY_LOG === '1';

interface Scenario {
  name: string;
  what: string;
  /** One run per seed; a scenario without seeds runs once (seed undefined). */
  seeds: (number | undefined)[];
  /** Runs at once (default 1). */
  parallel?: number;
  run: (t: Topology, seed: number | undefined, options: ScenarioOptions) => Promise<ScenarioResult>;
}

const seedsFrom = (n: number) => Array.from({ length: n }, (_, i) => baseSeed + i);

const scenarios: Scenario[] = [
  {
    name: 'worker-kill',
    what: 'a worker SIGKILLed at 1–3 seeded points of a whole statement, back after 0–4 s',
    seeds: seedsFrom(runs),
    parallel,
    run: (t, seed, o) => workerKillJourney(t, seed!, o),
  },
  {
    name: 'temporal-restart',
    what: 'the Temporal server restarted with the needs assessment open',
    seeds: [undefined],
    run: (t, _seed, o) => temporalRestartJourney(t, o),
  },
  {
    name: 'pg-stop',
    what: `the application's PostgreSQL stopped ${pgDownSeconds} s with the needs assessment open`,
    seeds: [undefined],
    run: (t, _seed, o) => appDatabaseOutageJourney(t, { ...o, outageSeconds: pgDownSeconds }),
  },
  {
    name: 'smtp-refuse',
    what: `the SMTP relay refusing (451) for ${smtpOutageSeconds} s during a fan-out to ${suppliers} suppliers`,
    seeds: [undefined],
    run: (t, _seed, o) => smtpOutageFanout(t, { ...o, mode: 'refuse', outageSeconds: smtpOutageSeconds, suppliers }),
  },
  {
    name: 'smtp-unreachable',
    what: `the SMTP relay unreachable for ${smtpOutageSeconds} s during a fan-out to ${suppliers} suppliers`,
    seeds: [undefined],
    run: (t, _seed, o) =>
      smtpOutageFanout(t, { ...o, mode: 'unreachable', outageSeconds: smtpOutageSeconds, suppliers }),
  },
  {
    name: 'api-kill',
    what: "an API process SIGKILLed twice with a crowd of 20 buyers' requests in flight",
    seeds: seedsFrom(apiRuns),
    run: (t, seed, o) => apiKillJourney(t, seed!, o),
  },
  {
    name: 'temporal-restart-fan-out',
    what: `the Temporal server restarted with a reminder pending and during a fan-out to ${suppliers} suppliers`,
    seeds: [undefined],
    run: (t, _seed, o) => temporalRestartFanout(t, { ...o, suppliers }),
  },
];

// ---- the table ----------------------------------------------------------------------------------

interface Row {
  scenario: string;
  runs: number;
  passed: number;
  /** Seed (or `once`) and the first lines of what broke. */
  failed: { seed: string; why: string }[];
  emails: number;
  duplicates: number;
  repeatedAfterCrash: number;
  lost: number;
  /**
   * Each fault's time to recover (ms). A fault after which the journey completed no further step
   * (the scenario reports -1: e.g. a queued kill that struck after the last change) is left out of
   * the figures and counted in `noLaterStep`; the run's invariants still judge it.
   */
  recoveries: number[];
  noLaterStep: number;
}

/** The p-th percentile (nearest rank) of the values, or undefined for none. */
function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const duration = (ms: number | undefined) =>
  ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

function formatTable(rows: Row[]): string {
  const header = [
    'scenario',
    'runs',
    'passed',
    'failed (seeds)',
    'e-mails',
    'duplicates',
    'repeated after a crash',
    'lost',
    'recovery p50',
    'p95',
    'max',
  ];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.runs),
    String(r.passed),
    r.failed.length === 0 ? '0' : `${r.failed.length} (${r.failed.map((f) => f.seed).join(', ')})`,
    String(r.emails),
    String(r.duplicates),
    String(r.repeatedAfterCrash),
    String(r.lost),
    duration(percentile(r.recoveries, 50)),
    duration(percentile(r.recoveries, 95)),
    duration(r.recoveries.length > 0 ? Math.max(...r.recoveries) : undefined) +
      (r.noLaterStep > 0 ? ` (+${r.noLaterStep} with no later step)` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

// ---- the run --------------------------------------------------------------------------------------

const only = (process.env.CHAOS_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknownNames = only.filter((name) => !scenarios.some((s) => s.name === name));
if (unknownNames.length > 0) {
  console.error(
    `CHAOS_ONLY: no scenario ${unknownNames.join(', ')}; there are ${scenarios.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = scenarios.filter((s) => (only.length === 0 || only.includes(s.name)) && s.seeds.length > 0);

const started = Date.now();
out(`chaos: ${selected.map((s) => `${s.name} × ${s.seeds.length}`).join(', ')}`);
let t: Topology | undefined;
// Ctrl-C stops every process the topology started and drops its databases.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    out(`\n${signal}: stopping the topology`);
    void (t?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const rows: Row[] = [];
let exitCode = 0;
try {
  t = await startTopology({ log: verbose ? (line) => out(line) : undefined });
  out(
    `topology up in ${((Date.now() - started) / 1000).toFixed(1)} s: Temporal ${t.temporal.address}, ` +
      `app PostgreSQL :${t.appPostgres.port}, APIs ${t.apiUrls.join(' ')}, workers ${t.workers.map((w) => w.pid).join(' ')}`,
  );
  for (const scenario of selected) {
    out(
      `\n=== ${scenario.name}: ${scenario.what} (${scenario.seeds.length} run${scenario.seeds.length === 1 ? '' : 's'})`,
    );
    const row: Row = {
      scenario: scenario.name,
      runs: 0,
      passed: 0,
      failed: [],
      emails: 0,
      duplicates: 0,
      repeatedAfterCrash: 0,
      lost: 0,
      recoveries: [],
      noLaterStep: 0,
    };
    rows.push(row);
    const runOne = async (i: number, seed: number | undefined) => {
      const runStarted = Date.now();
      const label = `${i + 1}/${scenario.seeds.length}${seed === undefined ? '' : ` seed ${seed}`}`;
      row.runs += 1;
      let result: ScenarioResult | undefined;
      let why: string | undefined;
      try {
        result = await scenario.run(t!, seed, { log: (line) => out(`    ${line}`) });
      } catch (error) {
        // A broken invariant carries what was measured; anything else (the topology itself failing) does not.
        if (error instanceof ScenarioFailure) result = error.result;
        why = (error as Error).message.split('\n').slice(0, 8).join('\n      ');
      }
      if (result) {
        row.emails += result.emails;
        row.duplicates += result.duplicates;
        row.repeatedAfterCrash += result.repeatedAfterCrash;
        row.lost += result.lost;
        for (const ms of result.recoveryMs) {
          if (ms >= 0) row.recoveries.push(ms);
          else row.noLaterStep += 1;
        }
      }
      const took = `${((Date.now() - runStarted) / 1000).toFixed(1)} s`;
      if (why === undefined) {
        row.passed += 1;
        out(`  ${label}: passed in ${took}: ${formatResult(result!)}`);
      } else {
        row.failed.push({ seed: seed === undefined ? 'once' : String(seed), why });
        out(`  ${label}: FAILED in ${took}: ${why}`);
      }
    };
    // A pool of `parallel` runs: the next seed starts as soon as one ends (its checks wait for
    // the outbox to drain, often for a killed worker's lease, so runs overlap well).
    await inBatches(scenario.seeds, scenario.parallel ?? 1, (seed, i) => runOne(i, seed));
  }
} catch (error) {
  console.error('chaos: the topology failed:', error);
  exitCode = 1;
} finally {
  await t?.stop();
}

out();
out(formatTable(rows));
for (const r of rows)
  for (const f of r.failed) {
    const runsSetting = r.scenario === 'api-kill' ? 'CHAOS_API_RUNS' : 'CHAOS_RUNS';
    const again =
      f.seed === 'once' ? `CHAOS_ONLY=${r.scenario}` : `CHAOS_ONLY=${r.scenario} CHAOS_SEED=${f.seed} ${runsSetting}=1`;
    out(
      `FAILED ${r.scenario} ${f.seed === 'once' ? '' : `seed ${f.seed} `}(${again} npm run chaos): ${f.why.split('\n')[0]}`,
    );
  }
out(`\n${((Date.now() - started) / 1000).toFixed(0)} s in all`);
if (rows.some((r) => r.failed.length > 0)) exitCode = 1;
process.exit(exitCode);
