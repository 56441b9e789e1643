import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';

import { executable, goBinary, machineCacheDir, onPath } from './executables.js';

/**
 * Finds the Temporal CLI (which carries the real Temporal server as `server start-dev`):
 * $TEMPORAL_CLI, then `temporal` on the PATH, then a cached build outside the clone, and as a
 * last resort builds it with Go into that cache. There is no fake server to fall back to.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

export function temporalCacheDir(): string {
  return machineCacheDir(`temporal-${TEMPORAL_CLI_VERSION.replace(/^v/, '')}`);
}

export class TemporalCliMissing extends Error {}

export async function findOrBuildTemporalCli(log: (message: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!executable(fromEnv)) throw new TemporalCliMissing(`TEMPORAL_CLI=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const found = onPath('temporal');
  if (found) return found;
  const cacheDir = temporalCacheDir();
  const cached = path.join(cacheDir, 'temporal');
  if (executable(cached)) return cached;

  const go = goBinary();
  if (!go) {
    throw new TemporalCliMissing(
      'The Temporal CLI was not found and Go is not installed to build it.\n' +
        '  Either install the CLI (https://docs.temporal.io/cli) and put `temporal` on the PATH,\n' +
        '  or set TEMPORAL_CLI=/path/to/temporal, or install Go so it can be built from source.',
    );
  }
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${cacheDir} (once per machine; this can take a long while)...`,
  );
  const staging = path.join(cacheDir, `.build-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  const code = await new Promise<number>((resolve) => {
    const child = spawn(go, ['install', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: staging, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (c) => resolve(c ?? 1));
    child.on('error', () => resolve(1));
  });
  if (code !== 0 || !executable(path.join(staging, 'temporal'))) {
    throw new TemporalCliMissing(
      `Building the Temporal CLI with \`go install ${MODULE}@${TEMPORAL_CLI_VERSION}\` failed (exit ${code}).`,
    );
  }
  // Moved into place only when complete, so an interrupted build is never mistaken for a good one.
  renameSync(path.join(staging, 'temporal'), cached);
  log(`Temporal CLI ready: ${cached}`);
  return cached;
}

export function temporalCliVersion(cli: string): string {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr).trim();
}
