import { condition } from '@temporalio/workflow';

/**
 * Update handlers interleave at every `await`. Stage-wide changes (open, close, cancel, a
 * deadline) take the lock exclusively; a participant's own changes (answer, submit, confirm)
 * take it shared, one at a time per participant, so thousands of buyers are not queued
 * behind each other but never race a stage change.
 */
export class ProcessLock {
  private exclusive = false;
  private exclusiveWaiting = 0;
  private shared = 0;
  private readonly keys = new Set<string>();

  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.exclusiveWaiting += 1;
    await condition(() => !this.exclusive && this.shared === 0);
    this.exclusiveWaiting -= 1;
    this.exclusive = true;
    try {
      return await fn();
    } finally {
      this.exclusive = false;
    }
  }

  async runShared<T>(key: string, fn: () => Promise<T>): Promise<T> {
    // Waiting writers go first, or a steady stream of submissions could hold a deadline off.
    await condition(() => !this.exclusive && this.exclusiveWaiting === 0 && !this.keys.has(key));
    this.shared += 1;
    this.keys.add(key);
    try {
      return await fn();
    } finally {
      this.shared -= 1;
      this.keys.delete(key);
    }
  }
}
