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

/** Temporal warns when one payload (an event's inputs or result) passes 512 KB and fails the call at 2 MB. */
export const payloadWarnBytes = 512 * 1024;
export const payloadLimitBytes = 2 * 1024 * 1024;

export interface LargestPayload {
  /** The event's type, e.g. `ACTIVITY_TASK_COMPLETED`, and its id in the run's history. */
  eventType: string;
  eventId: number;
  /** Which field held it, e.g. `activityTaskCompletedEventAttributes.result`. */
  field: string;
  /** What the activity, signal or update was called, when the event names it. */
  name: string;
  /** The serialised size of the event's payloads (as sent over the wire). */
  bytes: number;
  /** What makes it large: its JSON fields (two levels deep) of more than 1 KB, largest first, e.g. `completedUpdates 390,210`. */
  largeFields: { field: string; bytes: number }[];
}

function largeFieldsOf(payloads: { data?: Uint8Array | null }[]): { field: string; bytes: number }[] {
  const found: { field: string; bytes: number }[] = [];
  const walk = (value: unknown, path: string, depth: number) => {
    if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 2) return;
    for (const [k, v] of Object.entries(value)) {
      const bytes = Buffer.byteLength(JSON.stringify(v) ?? '');
      if (bytes <= 1024) continue;
      found.push({ field: `${path}${k}`, bytes });
      walk(v, `${path}${k}.`, depth + 1);
    }
  };
  payloads.forEach((p, i) => {
    try {
      walk(
        JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8')),
        payloads.length > 1 ? `[${i}].` : '',
        1,
      );
    } catch {
      // Not JSON (binary or encrypted): its size is all there is to say.
    }
  });
  return found.sort((a, b) => b.bytes - a.bytes).slice(0, 5);
}

/**
 * The largest payload set in one run's history: every `Payloads` field of every event (workflow
 * and continue-as-new inputs, activity inputs and results, signal and update inputs, update
 * results, workflow results), measured as its serialised protobuf, which is what Temporal's blob
 * size limits apply to. Also returns how many payloads passed `payloadWarnBytes`.
 */
export async function largestPayloadOfRun(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<{ largest: LargestPayload | null; overWarning: number }> {
  // @temporalio/proto is CommonJS: its namespace sits on the default export when imported from ESM.
  const protoModule = (await import('@temporalio/proto')) as unknown as {
    temporal?: typeof temporal;
    default?: { temporal: typeof temporal };
  };
  const proto = protoModule.temporal ?? protoModule.default!.temporal;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const names = new Map<number, string>();
  let largest: LargestPayload | null = null;
  let overWarning = 0;
  for (const event of history.events ?? []) {
    const eventId = Number(event.eventId ?? 0);
    const eventType = proto.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType);
    const [attrName, attrs] = Object.entries(event).find(([k, v]) => k.endsWith('EventAttributes') && v) ?? [];
    if (!attrName || !attrs) continue;
    const a = attrs as Record<string, any>;
    const name: string =
      a.activityType?.name ??
      a.signalName ??
      a.acceptedRequest?.input?.name ??
      a.workflowType?.name ??
      names.get(Number(a.scheduledEventId ?? -1)) ??
      '';
    if (a.activityType?.name) names.set(eventId, a.activityType.name);
    const visit = (value: unknown, field: string, depth: number) => {
      if (!value || typeof value !== 'object' || depth > 6 || value instanceof Uint8Array) return;
      const v = value as Record<string, unknown>;
      if (Array.isArray(v.payloads)) {
        const bytes = proto.api.common.v1.Payloads.encode(v as never).finish().length;
        if (bytes > payloadWarnBytes) overWarning += 1;
        if (!largest || bytes > largest.bytes)
          largest = {
            eventType,
            eventId,
            field,
            name,
            bytes,
            largeFields: largeFieldsOf(v.payloads as { data?: Uint8Array }[]),
          };
        return;
      }
      for (const [k, child] of Object.entries(v))
        if (k !== 'header' && k !== 'memo' && k !== 'searchAttributes') visit(child, `${field}.${k}`, depth + 1);
    };
    visit(a, attrName, 0);
  }
  return { largest, overWarning };
}
