import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

import { isTraceId, traceHeader } from '../domain/trace-id.js';
import type { Logger } from './logger.js';
import { currentTraceId, withTraceId } from './trace-context.js';

function withTrace(headers: Headers): Headers {
  const traceId = currentTraceId();
  if (!traceId || headers[traceHeader]) return headers;
  return { ...headers, [traceHeader]: defaultPayloadConverter.toPayload(traceId) };
}

/**
 * The client side: every workflow start, signal and update sent while a request's trace id is
 * current carries it in a Temporal header (the workflow's interceptors, `workflows/trace-interceptors.ts`,
 * pass it on to the activities they schedule).
 */
export const traceClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next({ ...input, headers: withTrace(input.headers) }),
  startWithDetails: (input, next) => next({ ...input, headers: withTrace(input.headers) }),
  signal: (input, next) => next({ ...input, headers: withTrace(input.headers) }),
  signalWithStart: (input, next) => next({ ...input, headers: withTrace(input.headers) }),
  startUpdate: (input, next) => next({ ...input, headers: withTrace(input.headers) }),
  startUpdateWithStart: (input, next) =>
    next({
      ...input,
      workflowStartHeaders: withTrace(input.workflowStartHeaders),
      updateHeaders: withTrace(input.updateHeaders),
    }),
};

function traceIdOf(headers: Headers): string | undefined {
  const payload = headers[traceHeader];
  if (!payload) return undefined;
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return isTraceId(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The activity side: an activity scheduled with a trace id runs under it, so its log lines
 * (`traceId`, by the logger's mixin) and the e-mails it enqueues (`X-Trace-Id`) name it; and it
 * logs one line when it ends.
 */
export function traceActivityInterceptors(logger?: Logger): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      execute: (input, next) => {
        const traceId = traceIdOf(input.headers);
        if (!traceId) return next(input);
        return withTraceId(traceId, async () => {
          const started = Date.now();
          const what = {
            activity: ctx.info.activityType,
            workflowId: ctx.info.workflowExecution?.workflowId,
            attempt: ctx.info.attempt,
          };
          try {
            const result = await next(input);
            logger?.info({ ...what, durationMs: Date.now() - started }, 'activity completed');
            return result;
          } catch (error) {
            logger?.warn({ ...what, durationMs: Date.now() - started, err: error }, 'activity failed');
            throw error;
          }
        });
      },
    },
  });
}
