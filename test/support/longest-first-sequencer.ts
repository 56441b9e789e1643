import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each integration file took in a whole run (`npm run test:durations` rewrites the table
 * from a run's JSON report).
 */
export const durationsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'file-durations.json');

export function readDurations(file = durationsFile): Record<string, number> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * The table from a vitest JSON report: each file's seconds under its path from the root of the
 * checkout that ran it (the nearest folder above it with a `vitest.config.ts`), not from this one.
 * A report of a fresh clone elsewhere (/tmp/…) named its files `../../tmp/…/test/x.test.ts` from
 * here, which matched no file, and the run that followed lost its longest-first order.
 */
export function durationsFromReport(
  testResults: readonly { name: string; startTime: number; endTime: number }[],
  isCheckoutRoot: (dir: string) => boolean = (dir) => existsSync(path.join(dir, 'vitest.config.ts')),
): Record<string, number> {
  const relative = (file: string) => {
    for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir))
      if (isCheckoutRoot(dir)) return path.relative(dir, file);
    throw new Error(`${file} is in no checkout (no vitest.config.ts above it)`);
  };
  return Object.fromEntries(
    testResults
      .map((r) => [relative(r.name), Math.round((r.endTime - r.startTime) / 100) / 10] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/**
 * Runs the longest files first. Vitest's own order on a fresh clone (no cache of earlier runs) is
 * the largest file first, so a short file with long tests (the fault tests on the production-like
 * topology: 106 lines, 8 minutes) started last and ran alone at the end while the other worker
 * had nothing left. Longest first is the classic schedule for a fixed number of workers: the run
 * ends when the work does, give or take the shortest files. Durations come from vitest's cache of
 * this machine's last run when it has one, else from the committed table, else the file's size
 * stands in, as vitest's own.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  constructor(
    ctx: ConstructorParameters<typeof BaseSequencer>[0],
    private readonly recorded: Record<string, number> = readDurations(),
  ) {
    super(ctx);
  }

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byBase = await super.sort(files);
    const rank = new Map(byBase.map((spec, i) => [spec, i]));
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification) => {
      const relative = path.relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative}`)?.duration;
      return cached !== undefined ? cached / 1000 : this.recorded[relative];
    };
    return [...files].sort((a, b) => {
      const order = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
      if (order !== 0) return order;
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      const [sa, sb] = [seconds(a), seconds(b)];
      if (sa !== undefined && sb !== undefined && sa !== sb) return sb - sa;
      // A file without a figure (new since the table) first, as vitest runs unknown files first.
      if (sa === undefined && sb !== undefined) return -1;
      if (sb === undefined && sa !== undefined) return 1;
      return rank.get(a)! - rank.get(b)!;
    });
  }
}
