/** Runs under way in this process, by key, and whether another was asked for meanwhile. */
const underway = new Map<string, { again: boolean }>();

/**
 * Runs `run` for `key` in the background, one at a time per key in this process: calls made while
 * a run is under way cost one more run after it, however many they are, so the last run always
 * starts after the last call. For work that reads the current state, where one read after many
 * changes is as good as one per change (waking a workflow, refreshing a read model). `run` handles
 * its own errors; a run that throws anyway ends the chain quietly.
 */
export function runCoalesced(key: string, run: () => Promise<void>): void {
  const running = underway.get(key);
  if (running) {
    running.again = true;
    return;
  }
  const state = { again: false };
  underway.set(key, state);
  void (async () => {
    try {
      do {
        state.again = false;
        await run();
      } while (state.again);
    } catch {
      /* the run's own to report */
    } finally {
      underway.delete(key);
    }
  })();
}
