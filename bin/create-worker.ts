import { createRequire } from 'node:module';

import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';

import { type ActivityDeps, createActivities } from '../activities/index.js';
import { keepAliveActivityInterceptors } from '../platform/activity-keep-alive.js';
import { actorSealKey, type Config, loadConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { loadLpSolver } from '../platform/lp-solver.js';
import {
  type TemporalConnectionConfig,
  type TemporalDataConfig,
  temporalDataConverter,
  temporalTls,
} from '../platform/temporal.js';
import { traceActivityInterceptors } from '../platform/temporal-trace.js';

function workflowsModule(name: string): string {
  const require = createRequire(import.meta.url);
  for (const candidate of [`../workflows/${name}.ts`, `../workflows/${name}.js`]) {
    try {
      return require.resolve(candidate);
    } catch {
      /* try the next */
    }
  }
  throw new Error(`workflows/${name} not found next to bin/`);
}

/** Where the workflow sources are: the bundler compiles them (TypeScript or built JavaScript) for the sandbox. */
export function workflowsPath(): string {
  return workflowsModule('index');
}

/** The workflows' interceptors (a trace id passed from updates and signals to activities). */
export function workflowInterceptorModules(): string[] {
  return [workflowsModule('trace-interceptors')];
}

/** What every bundle of the workflows is built from (tests, the Docker image, the worker at start). */
export function workflowBundleOptions(): { workflowsPath: string; workflowInterceptorModules: string[] } {
  return { workflowsPath: workflowsPath(), workflowInterceptorModules: workflowInterceptorModules() };
}

export interface WorkerSetup extends Omit<ActivityDeps, 'solver' | 'actorKey'> {
  address: string;
  namespace: string;
  taskQueue: string;
  /** A pre-built bundle (tests build it once for all workers); otherwise bundled at start. */
  workflowBundle?: { code: string } | { codePath: string };
  options?: Partial<WorkerOptions>;
  /** Where activities run for a request log their end, with its trace id. */
  logger?: Logger;
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
    // A pre-built bundle has the workflow interceptors compiled in (workflowBundleOptions).
    interceptors: {
      workflowModules: workflowInterceptorModules(),
      activity: [keepAliveActivityInterceptors(), traceActivityInterceptors(setup.logger)],
    },
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
