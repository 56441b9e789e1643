import type { Client, WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** Temporal warns when one run's history passes these (and fails the run at 51,200 events / 50 MB). */
export const historyWarnEvents = 10_240;
export const historyWarnBytes = 10 * 1024 * 1024;

export interface RunHistory {
  runId: string;
  status: string;
  /** Events in this run's history, as the server counts them. */
  events: number;
  /** The history's size in bytes, as the server measures it against its limits. */
  bytes: number;
}

/**
 * Every run of a workflow, first to last, following the chain of continue-as-new from the first
 * run the server names. Uses the server's own figures (describe), which are what its limits apply
 * to, and needs no visibility store (so nothing is eventually consistent here).
 */
export async function workflowRunHistories(client: Client, workflowId: string): Promise<RunHistory[]> {
  const latest = await client.workflow.getHandle(workflowId).describe();
  const runs: RunHistory[] = [];
  let runId: string | undefined = latest.raw.workflowExecutionInfo?.firstRunId || latest.runId;
  while (runId) {
    const handle: WorkflowHandle = client.workflow.getHandle(workflowId, runId);
    const d = await handle.describe();
    runs.push({ runId, status: d.status.name, events: d.historyLength, bytes: d.historySize ?? 0 });
    if (d.status.name !== 'CONTINUED_AS_NEW') break;
    const history: temporal.api.history.v1.IHistory = await handle.fetchHistory();
    const events = history.events ?? [];
    const last: temporal.api.history.v1.IHistoryEvent | undefined = events[events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

export function summariseRuns(runs: readonly RunHistory[]) {
  return {
    runs: runs.length,
    totalEvents: runs.reduce((n, r) => n + r.events, 0),
    totalBytes: runs.reduce((n, r) => n + r.bytes, 0),
    maxEvents: Math.max(0, ...runs.map((r) => r.events)),
    maxBytes: Math.max(0, ...runs.map((r) => r.bytes)),
  };
}
