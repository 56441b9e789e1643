import { createRequire } from 'node:module';

import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';

import { type ActivityDeps, createActivities } from '../activities/index.js';
import { actorSealKey, type Config, loadConfig } from '../platform/config.js';
import { loadLpSolver } from '../platform/lp-solver.js';
import {
  type TemporalConnectionConfig,
  type TemporalDataConfig,
  temporalDataConverter,
  temporalTls,
} from '../platform/temporal.js';

/** Where the workflow sources are: the bundler compiles them (TypeScript or built JavaScript) for the sandbox. */
export function workflowsPath(): string {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../workflows/index.ts', '../workflows/index.js']) {
    try {
      return require.resolve(candidate);
    } catch {
      /* try the next */
    }
  }
  throw new Error('workflows/index not found next to bin/');
}

export interface WorkerSetup extends Omit<ActivityDeps, 'solver' | 'actorKey'> {
  address: string;
  namespace: string;
  taskQueue: string;
  /** A pre-built bundle (tests build it once for all workers); otherwise bundled at start. */
  workflowBundle?: { code: string } | { codePath: string };
  options?: Partial<WorkerOptions>;
  /**
   * The Temporal boundary settings (actor key, TLS, payload codec); by default read from the
   * environment like every other setting, so the API and the worker agree.
   */
  security?: Partial<Pick<Config, 'NODE_ENV' | 'TEMPORAL_ACTOR_KEY'> & TemporalConnectionConfig & TemporalDataConfig>;
}

export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; connection: NativeConnection }> {
  const security = setup.security ?? loadConfig(process.env);
  const tls = temporalTls(security);
  const dataConverter = temporalDataConverter(security);
  const connection = await NativeConnection.connect({ address: setup.address, ...(tls ? { tls } : {}) });
  const worker = await Worker.create({
    connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath: workflowsPath() }),
    ...(dataConverter ? { dataConverter } : {}),
    activities: createActivities({
      ...setup,
      solver: await loadLpSolver(),
      actorKey: actorSealKey({
        NODE_ENV: security.NODE_ENV ?? 'development',
        TEMPORAL_ACTOR_KEY: security.TEMPORAL_ACTOR_KEY,
      }),
    }),
    ...setup.options,
  });
  return { worker, connection };
}
