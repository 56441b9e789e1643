/**
 * The application's worker in a process of its own, for benchmarks that measure the worker itself
 * (its RSS is then its own, not shared with the API and the load generator). The same
 * `createWorker` as `bin/worker.ts`, configured like it from the environment (DATABASE_URL,
 * TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, SMTP_URL, PUBLIC_URL, WORKFLOW_BUNDLE), plus
 * BENCH_WORKER_OPTIONS: a JSON object of Temporal worker options to try, e.g.
 * `{"maxCachedWorkflows":500,"maxConcurrentWorkflowTaskExecutions":10}`.
 *
 * Prints one line `ready {…}` on stdout with the options in force (what the SDK compiled, defaults
 * included) once it polls; stops cleanly on SIGTERM. Started by `startWorkerProcess` below.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { bundleWorkflowCode, DefaultLogger, type WorkerOptions } from '@temporalio/worker';

import { workflowBundleOptions } from '../../bin/create-worker.js';
import { freePort } from '../../platform/free-port.js';
import type { BenchEnvironment } from './environment.js';

/** The options a benchmark may vary, and what the worker reports back. */
export type BenchWorkerOptions = Pick<
  Partial<WorkerOptions>,
  'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions'
>;
export interface WorkerInForce {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number | 'tuner';
  maxConcurrentActivityTaskExecutions: number | 'tuner';
  heapLimitMiB: number;
}

export interface WorkerProcess {
  child: ChildProcess;
  inForce: WorkerInForce;
  /** The workflows the worker holds in its cache now (the SDK's `sticky_cache_size` gauge). */
  cachedWorkflows(): Promise<number>;
  /** Resident set size now, and its peak since the process started (Linux: /proc/<pid>/status). */
  memory(): { rssBytes: number; peakRssBytes: number };
  stop(): Promise<void>;
}

/** Starts this file as a worker process; resolves once it polls. */
export async function startWorkerProcess(
  env: Record<string, string>,
  options: BenchWorkerOptions,
  nodeArgs: string[] = [],
): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...env,
      BENCH_WORKER_OPTIONS: JSON.stringify(options),
      BENCH_WORKER_MAIN: '1',
      BENCH_WORKER_METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the worker process exited early (${code}): ${output.slice(-2000)}`));
    child.once('exit', onExit);
    child.stderr!.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
      if (process.env.BENCH_LOG_LEVEL) process.stderr.write(d);
    });
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const ready = /^ready (.*)\n/m.exec(output);
      if (!ready) return;
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      child.off('exit', onExit);
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolve({
        child,
        inForce: JSON.parse(ready[1]!) as WorkerInForce,
        memory: () => processMemory(child.pid!),
        cachedWorkflows: async () => {
          const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
          const line = /^temporal_sticky_cache_size(\{[^}]*\})? ([\d.e+]+)$/m.exec(text);
          return line ? Number(line[2]) : NaN;
        },
        stop: async () => {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

/**
 * The workflows bundled once for any number of worker processes, and the environment such a
 * process reads (`bin/worker.ts`'s variables) to work against a benchmark's services.
 */
export async function bundleForWorkerProcesses(
  env: BenchEnvironment,
): Promise<{ workerEnv: Record<string, string>; remove(): void }> {
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'jd-bench-bundle-'));
  const remove = () => rmSync(bundleDir, { recursive: true, force: true });
  try {
    const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger: new DefaultLogger('WARN') });
    const bundlePath = path.join(bundleDir, 'workflows.js');
    writeFileSync(bundlePath, code);
    return {
      workerEnv: {
        NODE_ENV: 'test',
        DATABASE_URL: env.endpoints.databaseUrl,
        TEMPORAL_ADDRESS: env.endpoints.temporalAddress,
        TEMPORAL_TASK_QUEUE: env.taskQueue,
        SMTP_URL: env.endpoints.smtpUrl,
        PUBLIC_URL: env.baseUrl,
        WORKFLOW_BUNDLE: bundlePath,
      },
      remove,
    };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * The application's worker as deployed (`bin/worker.ts`, a process of its own) against a
 * benchmark's services, with the SDK's default settings; the bundle is removed when it stops.
 * `nodeArgs`, e.g. `--cpu-prof`, go to its `node`.
 */
export async function startAppWorkerProcess(env: BenchEnvironment, nodeArgs: string[] = []): Promise<WorkerProcess> {
  const bundle = await bundleForWorkerProcesses(env);
  try {
    const worker = await startWorkerProcess(bundle.workerEnv, {}, nodeArgs);
    return {
      ...worker,
      stop: async () => {
        await worker.stop();
        bundle.remove();
      },
    };
  } catch (error) {
    bundle.remove();
    throw error;
  }
}

/** VmRSS and VmHWM of a process, in bytes. */
export function processMemory(pid: number): { rssBytes: number; peakRssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

async function main() {
  const v8 = await import('node:v8');
  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  // The SDK's own metrics on a Prometheus endpoint, so the benchmark can read how many workflows the worker holds in its cache.
  const metricsPort = process.env.BENCH_WORKER_METRICS_PORT;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    ...(metricsPort
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } } }
      : {}),
  });
  const { createWorker } = await import('../../bin/create-worker.js');
  const { openDb, openMailer, startup } = await import('../../bin/runtime.js');
  const { config, logger } = startup('bench-worker');
  const options = JSON.parse(process.env.BENCH_WORKER_OPTIONS ?? '{}') as BenchWorkerOptions;
  const db = openDb(config, logger);
  const mailer = openMailer(config);
  const { worker, connection } = await createWorker({
    db,
    mailer,
    publicUrl: config.PUBLIC_URL,
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(config.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE } } : {}),
    options,
  });
  const running = worker.run();
  const compiled = worker.options as unknown as Record<string, unknown> & {
    maxCachedWorkflows: number;
    tuner?: unknown;
  };
  const slots = (
    name: 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions',
    fallback: number,
  ) => options[name] ?? (typeof compiled[name] === 'number' ? (compiled[name] as number) : fallback);
  const inForce: WorkerInForce = {
    maxCachedWorkflows: compiled.maxCachedWorkflows,
    // The SDK turns these into a fixed-size slot tuner; its defaults are 40 and 100.
    maxConcurrentWorkflowTaskExecutions: slots('maxConcurrentWorkflowTaskExecutions', 40),
    maxConcurrentActivityTaskExecutions: slots('maxConcurrentActivityTaskExecutions', 100),
    heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20),
  };
  process.stdout.write(`ready ${JSON.stringify(inForce)}\n`);
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  await running;
  await connection.close();
  mailer.close();
  await db.destroy();
  process.exit(0);
}

if (process.env.BENCH_WORKER_MAIN === '1') {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
