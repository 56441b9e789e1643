import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createRequire } from 'node:module';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { loadLpSolver } from './lp-solver.js';

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
  throw new Error('workflows/index not found next to platform/');
}

export interface WorkerSetup extends Omit<ActivityDeps, 'solver'> {
  address: string;
  namespace: string;
  taskQueue: string;
  /** A pre-built bundle (tests build it once for all workers); otherwise bundled at start. */
  workflowBundle?: { code: string } | { codePath: string };
  options?: Partial<WorkerOptions>;
}

export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: setup.address });
  const worker = await Worker.create({
    connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: createActivities({ ...setup, solver: await loadLpSolver() }),
    ...setup.options,
  });
  return { worker, connection };
}
