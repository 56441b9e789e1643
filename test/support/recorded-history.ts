import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { expect, inject } from 'vitest';

/** The histories `test/replay.test.ts` replays after every change. */
export const historiesDir = path.resolve('test/fixtures/histories');

/**
 * Waits for the workflow's end and replays its history against today's code. With
 * RECORD_HISTORIES=1 it also keeps the history as `file` among the recorded ones, exported the way
 * an operator exports a production history (`temporal workflow show -o json`).
 */
export async function recordAndReplay(handle: WorkflowHandle, file: string): Promise<void> {
  await handle.result();
  const history = await handle.fetchHistory();
  if (process.env.RECORD_HISTORIES) {
    mkdirSync(historiesDir, { recursive: true });
    const json = execFileSync(
      inject('temporalCli'),
      [
        'workflow',
        'show',
        '--address',
        inject('temporalAddress'),
        '--workflow-id',
        handle.workflowId,
        '--output',
        'json',
      ],
      { maxBuffer: 64 << 20 },
    );
    writeFileSync(path.join(historiesDir, file), json);
  }
  await expect(
    Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, handle.workflowId),
  ).resolves.toBeUndefined();
}
