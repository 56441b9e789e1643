import { existsSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';
import type { TestSpecification } from 'vitest/node';

import LongestFirstSequencer, {
  durationsFile,
  durationsFromReport,
  readDurations,
} from './support/longest-first-sequencer.js';

const root = '/repo';

/** The parts of vitest's context and specifications the ordering reads. */
function sequencer(recorded: Record<string, number>, cachedMs: Record<string, number> = {}) {
  const ctx = {
    config: { root },
    cache: {
      getFileTestResults: (key: string) => (key in cachedMs ? { duration: cachedMs[key], failed: false } : undefined),
      getFileStats: (key: string) => ({ size: key.length }),
    },
  };
  return new LongestFirstSequencer(ctx as never, recorded);
}

function spec(file: string, project = 'integration', groupOrder = 1): TestSpecification {
  return {
    moduleId: `${root}/${file}`,
    project: { name: project, config: { sequence: { groupOrder }, isolate: true } },
  } as unknown as TestSpecification;
}

const names = (specs: TestSpecification[]) => specs.map((s) => s.moduleId.slice(root.length + 1));

describe('the longest-first order of the test files', () => {
  it('runs the longest recorded files first, files without a figure before them, unit tests before all', async () => {
    const files = [
      spec('test/short.test.ts'),
      spec('test/topology-faults.test.ts'),
      spec('domain/rules.test.ts', 'unit', 0),
      spec('test/new.test.ts'),
      spec('test/middle.test.ts'),
    ];
    const ordered = await sequencer({
      'test/short.test.ts': 3.5,
      'test/topology-faults.test.ts': 485,
      'test/middle.test.ts': 40,
      'domain/rules.test.ts': 1,
    }).sort(files);
    expect(names(ordered)).toEqual([
      'domain/rules.test.ts',
      'test/new.test.ts',
      'test/topology-faults.test.ts',
      'test/middle.test.ts',
      'test/short.test.ts',
    ]);
  });

  it("prefers this machine's last run (vitest's cache) to the committed table", async () => {
    const ordered = await sequencer(
      { 'test/a.test.ts': 100, 'test/b.test.ts': 10 },
      { 'integration:test/b.test.ts': 200_000 },
    ).sort([spec('test/a.test.ts'), spec('test/b.test.ts')]);
    expect(names(ordered)).toEqual(['test/b.test.ts', 'test/a.test.ts']);
  });
});

describe('the table of durations', () => {
  it('names each file from the root of the checkout that ran it, wherever that checkout was', () => {
    const table = durationsFromReport(
      [
        { name: '/tmp/tmp.x/p/test/topology-faults.test.ts', startTime: 0, endTime: 487_940 },
        { name: '/tmp/tmp.x/p/domain/rules.test.ts', startTime: 1000, endTime: 1200 },
      ],
      (dir) => dir === '/tmp/tmp.x/p',
    );
    expect(table).toEqual({ 'domain/rules.test.ts': 0.2, 'test/topology-faults.test.ts': 487.9 });
  });

  it('names only files of this checkout in the committed table (a name matching none leaves that file unordered)', () => {
    const checkout = path.resolve(path.dirname(durationsFile), '../..');
    const names = Object.keys(readDurations());
    expect(names.length).toBeGreaterThan(100);
    expect(names.filter((name) => !existsSync(path.join(checkout, name)))).toEqual([]);
  });
});
