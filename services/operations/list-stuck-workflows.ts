import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/**
 * Workflows that are stuck: running, with an activity that has failed more than N attempts and is
 * still being retried (the database refusing a record, SMTP down for hours, a bug). Operators read
 * them at `GET /api/operations/stuck-workflows` and with `npm run stuck-workflows`; tests (the
 * fuzzing harness) call `listStuckWorkflows` with the test's Temporal client and task queue.
 * How to repair one: /tmp/readme-stuck-workflows.md (the README's "Reliability" section).
 */
export interface StuckActivity {
  activityId: string;
  activityType: string;
  /** The attempt now pending (attempt − 1 attempts have failed). */
  attempt: number;
  /** 0: unlimited. */
  maximumAttempts: number;
  state: string;
  lastFailure: { type: string | null; message: string } | null;
  /** When the activity was first scheduled (its ActivityTaskScheduled event), or the current attempt's schedule if the event is too far back. */
  since: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

export interface StuckWorkflow {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  startedAt: string | null;
  activities: StuckActivity[];
}

export interface StuckWorkflowListing {
  /** An activity counts as stuck once its pending attempt is above this (that many attempts failed). */
  threshold: number;
  /** Running workflows looked at; `truncated` when there were more than `maxWorkflows`. */
  scanned: number;
  truncated: boolean;
  workflows: StuckWorkflow[];
}

export interface ListStuckWorkflowsOptions {
  /** STUCK_ACTIVITY_ATTEMPTS: stuck once more than this many attempts have failed (default 5). */
  minFailedAttempts?: number;
  /** Only workflows on this task queue (a test's own queue; the deployment's TEMPORAL_TASK_QUEUE). */
  taskQueue?: string;
  /** Only these workflow ids (a test that knows which workflows it started). */
  workflowIds?: readonly string[];
  /** Only workflows started at or after this time (a fault run that must not inherit an earlier run's failures). */
  startedSince?: Date;
  /** At most this many running workflows are described (default 2,000). */
  maxWorkflows?: number;
  /** Describe calls in flight at once (default 8). */
  concurrency?: number;
}

export const defaultStuckActivityAttempts = 5;

type Timestamp =
  { seconds?: { toNumber(): number } | number | string | null; nanos?: number | null } | null | undefined;

function isoOf(t: Timestamp): string | null {
  if (!t || t.seconds === null || t.seconds === undefined) return null;
  const seconds = typeof t.seconds === 'object' ? t.seconds.toNumber() : Number(t.seconds);
  return new Date(seconds * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const pendingStates: Record<number, string> = {
  1: 'scheduled',
  2: 'started',
  3: 'cancel_requested',
  4: 'paused',
  5: 'pause_requested',
};

/** When each pending activity was first scheduled, from the newest events of the history. */
async function scheduledTimes(client: Client, workflowId: string, runId: string): Promise<Map<string, string>> {
  const times = new Map<string, string>();
  try {
    const page = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: 200,
    });
    for (const event of page.history?.events ?? []) {
      const id = event.activityTaskScheduledEventAttributes?.activityId;
      const at = isoOf(event.eventTime as Timestamp);
      if (id && at && !times.has(id)) times.set(id, at);
    }
  } catch {
    /* the current attempt's schedule time stands in */
  }
  return times;
}

function stuckActivities(
  pending: temporal.api.workflow.v1.IPendingActivityInfo[],
  minFailedAttempts: number,
): StuckActivity[] {
  return pending
    .filter((a) => (a.attempt ?? 1) > minFailedAttempts)
    .map((a) => ({
      activityId: a.activityId ?? '',
      activityType: a.activityType?.name ?? '',
      attempt: a.attempt ?? 1,
      maximumAttempts: a.maximumAttempts ?? 0,
      state: pendingStates[Number(a.state ?? 0)] ?? 'unknown',
      lastFailure: a.lastFailure
        ? { type: a.lastFailure.applicationFailureInfo?.type || null, message: a.lastFailure.message ?? '' }
        : null,
      since: isoOf(a.scheduledTime as Timestamp),
      lastAttemptAt: isoOf((a.lastAttemptCompleteTime ?? a.lastStartedTime) as Timestamp),
      nextAttemptAt: isoOf(a.nextAttemptScheduleTime as Timestamp),
    }));
}

/**
 * Lists running workflows through Temporal visibility and describes each: those with a pending
 * activity above the threshold are returned, with the activity's type, attempt, last failure and
 * since when it has been failing.
 */
export async function listStuckWorkflows(
  client: Client,
  options: ListStuckWorkflowsOptions = {},
): Promise<StuckWorkflowListing> {
  const threshold = options.minFailedAttempts ?? defaultStuckActivityAttempts;
  const maxWorkflows = options.maxWorkflows ?? 2000;
  const clauses = [`ExecutionStatus = 'Running'`];
  if (options.taskQueue) clauses.push(`TaskQueue = ${quoted(options.taskQueue)}`);
  if (options.workflowIds) {
    if (options.workflowIds.length === 0) return { threshold, scanned: 0, truncated: false, workflows: [] };
    clauses.push(`WorkflowId IN (${options.workflowIds.map(quoted).join(', ')})`);
  }
  if (options.startedSince) clauses.push(`StartTime >= ${quoted(options.startedSince.toISOString())}`);

  const running: { workflowId: string; runId: string; type: string; taskQueue: string; startedAt: string | null }[] =
    [];
  let truncated = false;
  for await (const info of client.workflow.list({ query: clauses.join(' AND '), pageSize: 500 })) {
    if (running.length >= maxWorkflows) {
      truncated = true;
      break;
    }
    running.push({
      workflowId: info.workflowId,
      runId: info.runId,
      type: info.type,
      taskQueue: info.taskQueue,
      startedAt: info.startTime?.toISOString() ?? null,
    });
  }

  const found: StuckWorkflow[] = [];
  let next = 0;
  const describeNext = async (): Promise<void> => {
    while (next < running.length) {
      const w = running[next++]!;
      let pending: temporal.api.workflow.v1.IPendingActivityInfo[];
      try {
        pending = (await client.workflow.getHandle(w.workflowId, w.runId).describe()).raw.pendingActivities ?? [];
      } catch {
        continue; // ended meanwhile
      }
      const activities = stuckActivities(pending, threshold);
      if (activities.length === 0) continue;
      const firstScheduled = await scheduledTimes(client, w.workflowId, w.runId);
      for (const a of activities) a.since = firstScheduled.get(a.activityId) ?? a.since;
      found.push({
        workflowId: w.workflowId,
        runId: w.runId,
        workflowType: w.type,
        taskQueue: w.taskQueue,
        startedAt: w.startedAt,
        activities,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, describeNext));
  found.sort(
    (a, b) =>
      (a.activities[0]!.since ?? '').localeCompare(b.activities[0]!.since ?? '') ||
      a.workflowId.localeCompare(b.workflowId),
  );
  return { threshold, scanned: running.length, truncated, workflows: found };
}

/** One line per stuck activity: workflow, activity, attempt, since, last failure. */
export function stuckWorkflowsTable(listing: StuckWorkflowListing): string {
  const rows = listing.workflows.flatMap((w) =>
    w.activities.map((a) => [
      w.workflowId,
      w.workflowType,
      a.activityType,
      String(a.attempt),
      a.since ?? '',
      `${a.lastFailure?.type ? `[${a.lastFailure.type}] ` : ''}${a.lastFailure?.message ?? ''}`
        .replace(/\s+/g, ' ')
        .slice(0, 100),
    ]),
  );
  const header = ['WORKFLOW ID', 'TYPE', 'ACTIVITY', 'ATTEMPT', 'FAILING SINCE', 'LAST FAILURE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const summary = `${listing.workflows.length} stuck workflow(s) of ${listing.scanned} running${listing.truncated ? ' (more were running than were looked at)' : ''}; stuck = more than ${listing.threshold} failed attempts`;
  return rows.length === 0 ? summary : [line(header), ...rows.map(line), '', summary].join('\n');
}
