/**
 * `npm run fuzz`: the long fuzz run (issue 14). Starts its own real services the way the
 * benchmarks do (bench/support/environment.ts: a Temporal dev server, a fresh PostgreSQL database
 * with the reference lists, SMTP capture, the worker and the API), sets the same scene as
 * test/fuzz.test.ts, sends requests generated from the OpenAPI document (every operation × every
 * role, round after round, each round in its own shuffled order) and prints the table: requests
 * per route and status, p50/p95 latency, 5xx, slow requests and stuck workflows.
 *
 *   npm run fuzz                                  10,000 requests, seed 142026
 *   npm run fuzz -- --requests 1000 --seed 7      a shorter run, another seed
 *   npm run fuzz -- --concurrency 8
 *
 * Exits 1 when any request failed a check (a 5xx, no answer or slower than 5 s, a 4xx that is
 * not a problem document, a 400 naming no field) or a workflow is left with a failing activity.
 * The server's error log goes to stderr (BENCH_LOG_LEVEL, default `error`): the cause of a 5xx.
 */
import { parseArgs } from 'node:util';

import { startBenchEnvironment } from '../bench/support/environment.js';
import { roles } from '../test/support/cast.js';
import { type OpenApiDocument, operationsOf } from '../test/support/fuzz/requests.js';
import {
  describeFailure,
  describeStuck,
  formatTable,
  planRequests,
  runPlan,
  stuckAfterRun,
} from '../test/support/fuzz/run.js';
import { buildScene } from '../test/support/fuzz/scene.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '142026' },
    concurrency: { type: 'string', default: '4' },
  },
});
const requests = Number(values.requests);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
if (
  !Number.isInteger(requests) ||
  requests < 1 ||
  !Number.isInteger(seed) ||
  !Number.isInteger(concurrency) ||
  concurrency < 1
) {
  console.error('usage: npm run fuzz -- [--requests N] [--seed S] [--concurrency C]');
  process.exit(2);
}

const out = (line = '') => process.stdout.write(`${line}\n`);
process.env.BENCH_LOG_LEVEL ??= 'error';

const started = Date.now();
const env = await startBenchEnvironment(out);
// Ctrl-C stops the services this run started (the Temporal dev server, the database) as well.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    out(`\n${signal}: stopping`);
    void env.close().finally(() => process.exit(130));
  });
}
let exitCode = 0;
try {
  const doc = (await (await fetch(new URL('/api/openapi.json', env.baseUrl))).json()) as OpenApiDocument;
  const scene = await buildScene(env.db, env.baseUrl, out);
  const perPass = operationsOf(doc).length * roles.length;
  const plan = planRequests(doc, seed, { limit: requests });
  const passStarts = Array.from({ length: Math.ceil(plan.length / perPass) }, (_, i) => i * perPass);
  out(
    `fuzzing: ${plan.length} requests, seed ${seed}, ${operationsOf(doc).length} operations × ${roles.length} roles per round, ${concurrency} at a time`,
  );

  let done = 0;
  const progressEvery = plan.length >= 5000 ? 1000 : 100;
  const runStarted = Date.now();
  const results = await runPlan({
    baseUrl: env.baseUrl,
    doc,
    pool: scene.pool,
    knownGoodBodies: scene.knownGoodBodies,
    credentials: scene.credentials,
    plan,
    seed,
    concurrency,
    passStarts,
    betweenPasses: scene.renewCredentials,
    onResult: (r) => {
      done += 1;
      if (r.problems.length > 0) out(`FAILED ${describeFailure(r, seed)}`);
      if (done % progressEvery === 0)
        out(`  ${done} of ${plan.length} requests, ${((Date.now() - runStarted) / 1000).toFixed(0)} s`);
    },
  });
  const stuck = await stuckAfterRun(env.temporal, env.taskQueue);

  out();
  out(formatTable(results, stuck));
  for (const w of stuck) out(`STUCK ${describeStuck(w)}`);
  const failed = results.filter((r) => r.problems.length > 0);
  out();
  out(
    `${results.length} requests in ${((Date.now() - runStarted) / 1000).toFixed(0)} s (${((Date.now() - started) / 1000).toFixed(0)} s with start-up); ${failed.length} failed a check; ${stuck.length} stuck workflows`,
  );
  if (failed.length > 0 || stuck.length > 0) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await env.close();
}
process.exit(exitCode);
