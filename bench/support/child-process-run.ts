/**
 * A benchmark's helper run in a process of its own (a load generator, a baseline sender), so it
 * does not share an event loop with what it measures: the parent writes a JSON plan, the child
 * (`childMain`) runs on it and writes a JSON result.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the module at `moduleUrl` (its `import.meta.url`) under `node --import tsx` with
 * `flag=1` in its environment; resolves with what its `childMain` returned.
 */
export async function runInChildProcess<Result>(moduleUrl: string, flag: string, plan: unknown): Promise<Result> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-bench-child-'));
  const planFile = path.join(dir, 'plan.json');
  const outFile = path.join(dir, 'result.json');
  writeFileSync(planFile, JSON.stringify(plan));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(moduleUrl), planFile, outFile], {
      env: { ...process.env, [flag]: '1' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0)
      throw new Error(`${path.basename(fileURLToPath(moduleUrl))} exited with ${code}: ${stderr.slice(-2000)}`);
    return JSON.parse(readFileSync(outFile, 'utf8')) as Result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In the child: when `flag` is set, runs `main` on the plan, writes its result and exits (1 on an error). */
export function childMain<Plan, Result>(flag: string, main: (plan: Plan) => Promise<Result>): void {
  if (process.env[flag] !== '1') return;
  const [planFile, outFile] = [process.argv[2]!, process.argv[3]!];
  main(JSON.parse(readFileSync(planFile, 'utf8')) as Plan).then(
    (result) => {
      writeFileSync(outFile, JSON.stringify(result));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
