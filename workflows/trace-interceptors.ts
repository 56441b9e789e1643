import { AsyncLocalStorage, type Headers, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

import { traceHeader } from '../domain/trace-id.js';

type TracePayload = NonNullable<Headers[string]>;

/**
 * The trace id of the update or signal a handler runs for, kept as the header's payload (never
 * decoded here) for the activities it schedules. Headers are not commands: adding them changes no
 * command a recorded history replays.
 */
const current = new AsyncLocalStorage<TracePayload>();

function passOn<T extends { headers: Headers }>(input: T): T {
  const payload = current.getStore();
  if (!payload || input.headers[traceHeader]) return input;
  return { ...input, headers: { ...input.headers, [traceHeader]: payload } };
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      handleUpdate: (input, next) => {
        const payload = input.headers[traceHeader];
        return payload ? current.run(payload, () => next(input)) : next(input);
      },
      handleSignal: (input, next) => {
        const payload = input.headers[traceHeader];
        return payload ? current.run(payload, () => next(input)) : next(input);
      },
    },
  ],
  outbound: [
    {
      scheduleActivity: (input, next) => next(passOn(input)),
      scheduleLocalActivity: (input, next) => next(passOn(input)),
      startChildWorkflowExecution: (input, next) => next(passOn(input)),
      signalWorkflow: (input, next) => next(passOn(input)),
    },
  ],
});
