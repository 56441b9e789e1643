import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the project keeps what it builds or fetches once per machine (outside any clone). */
export function machineCacheDir(name: string): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'jointdemand', name);
}

export function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && executable(candidate)) return candidate;
  }
  return undefined;
}

/** The Go toolchain that builds the Temporal CLI and server: on the PATH, or where the machine installs it. */
export function goBinary(): string | undefined {
  return onPath('go') ?? (executable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}
