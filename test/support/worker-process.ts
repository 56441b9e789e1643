import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

import { inject } from 'vitest';

import type { Harness } from './harness.js';

/**
 * The production worker entry point in its own process, on the harness's task queue, so a test
 * can kill it like a real crash. `smtpUrl` points it at another relay than the harness's capture.
 */
export function startWorkerProcess(
  h: Harness,
  options: { smtpUrl?: string; env?: Record<string, string>; onOutput?: (chunk: string) => void } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('bin/worker.ts')], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      SMTP_URL: options.smtpUrl ?? h.config.SMTP_URL,
      PUBLIC_URL: h.baseUrl,
      WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      options.onOutput?.(chunk.toString());
      if (output.includes('worker running')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${output}`)));
  });
}

/** SIGKILL: no shutdown hook runs, as in a crash. */
export function killWorkerProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** SIGTERM, as an orchestrator stops a worker: resolves with how the process ended. */
export function terminateWorkerProcess(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.kill('SIGTERM');
  });
}
