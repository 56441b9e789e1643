import { type Logger, pino } from 'pino';

import { currentTraceId } from './trace-context.js';

export type { Logger };

export function createLogger(level: string, name = 'jointdemand'): Logger {
  return pino({
    name,
    level,
    // Sign-in tokens and cookies must never reach the logs.
    redact: ['req.headers.cookie', 'req.headers.authorization', 'token', '*.token'],
    // The request (API) or activity (worker) a line is written for: follow one request by its traceId.
    mixin: () => {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
  });
}
