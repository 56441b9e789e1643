/** Runs under way in this process, by key, and whether another was asked for meanwhile. */
const underway = new Map<string, { again: boolean }>();

/**
 * Runs `run` for `key` in the background, one at a time per key in this process: calls made while
 * a run is under way cost one more run after it, however many they are, so the last run always
 * starts after the last call. For work that reads the current state, where one read after many
 * changes is as good as one per change (waking a workflow, refreshing a read model). With
 * `minIntervalMs`, a run that follows another starts no sooner than that after the one before
 * began. `run` handles its own errors; a run that throws anyway ends the chain quietly.
 */
export function runCoalesced(key: string, run: () => Promise<void>, options: { minIntervalMs?: number } = {}): void {
  const running = underway.get(key);
  if (running) {
    running.again = true;
    return;
  }
  const state = { again: false };
  underway.set(key, state);
  void (async () => {
    try {
      for (;;) {
        state.again = false;
        const started = Date.now();
        await run();
        // The key stays taken until the interval is over, so a call that comes after the run but
        // within it waits too (it started a run at once: a crowd of buyers a few milliseconds
        // apart signalled their workflow twice as often as the interval meant).
        const rest = (options.minIntervalMs ?? 0) - (Date.now() - started);
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
        if (!state.again) break;
      }
    } catch {
      /* the run's own to report */
    } finally {
      underway.delete(key);
    }
  })();
}
