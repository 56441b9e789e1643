import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { roles } from './support/cast.js';
import { type OpenApiDocument, operationsOf } from './support/fuzz/requests.js';
import {
  describeFailure,
  describeStuck,
  formatTable,
  type FuzzResult,
  planRequests,
  runPlan,
  stuckAfterRun,
} from './support/fuzz/run.js';
import { buildScene, type Scene } from './support/fuzz/scene.js';
import { type Harness, startHarness } from './support/harness.js';

/**
 * Fuzzing every route (issue 14): for every operation of the OpenAPI document, as each of the ten
 * kinds of caller of the authorisation matrix (support/cast.ts), two requests (two rounds, each in
 * its own shuffled order) generated from the document with a fixed seed: valid (generated, or a
 * known-good body), invalid (one mutation of either) or hostile (NUL, lone surrogates, 10⁶ characters, JSON 5,000 deep, `1e309`, prototype
 * keys, bad content types, path values and headers; see support/fuzz/hostile-values.ts). Real rows
 * first: a statement in each stage, an agreement, a supplier's response.
 *
 * Asserts no 5xx, no request slower than 5 s, every 400 a problem document naming a field and
 * rule, every other 4xx a problem document, and afterwards no workflow with a failing activity.
 * A failure prints seed, index, role and request; FUZZ_SEED=<seed> runs the same requests again.
 * `npm run fuzz` is the long run.
 */

const seed = Number(process.env.FUZZ_SEED ?? 14_2026);
const concurrency = 4;
/** About 2,200 requests: under a minute after the scene on an idle machine, a few on a loaded one. */
const rounds = 2;

describe('fuzzing every route with generated and hostile requests', () => {
  let h: Harness;
  let scene: Scene;
  let doc: OpenApiDocument;
  let results: FuzzResult[] = [];

  beforeAll(async () => {
    h = await startHarness();
    doc = (await (await fetch(new URL('/api/openapi.json', h.baseUrl))).json()) as OpenApiDocument;
    scene = await buildScene(h.db, h.baseUrl);
  }, 240_000);
  afterAll(async () => h?.close());

  it('answers every request within 5 s, without a 5xx, with problem documents for every 4xx', async () => {
    const perRound = operationsOf(doc).length * roles.length;
    const plan = planRequests(doc, seed, { passes: rounds });
    // Every operation of the document, as every kind of caller, in each round.
    expect(new Set(plan.map((p) => `${p.op.key} ${p.role}`)).size).toBe(perRound);
    expect(plan).toHaveLength(rounds * perRound);
    const started = Date.now();
    results = await runPlan({
      baseUrl: h.baseUrl,
      doc,
      pool: scene.pool,
      knownGoodBodies: scene.knownGoodBodies,
      credentials: scene.credentials,
      plan,
      seed,
      concurrency,
      // The first round may have signed callers out everywhere: new tokens for the second.
      passStarts: Array.from({ length: rounds }, (_, i) => i * perRound),
      betweenPasses: scene.renewCredentials,
    });
    console.log(
      `fuzz: seed ${seed}, ${results.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s\n${formatTable(results, [])}`,
    );
    const failures = results.filter((r) => r.problems.length > 0).map((r) => describeFailure(r, seed));
    expect(failures, `${failures.length} of ${results.length} requests failed a check (seed ${seed})`).toEqual([]);
  }, 600_000);

  it('leaves no workflow with a failing activity', async () => {
    expect(results.length, 'the fuzz run above sent its requests').toBeGreaterThan(0);
    const stuck = (await stuckAfterRun(h.temporal, h.taskQueue)).map(describeStuck);
    expect(stuck, 'workflows with an activity failing and retrying after the fuzz run').toEqual([]);
  });
});
