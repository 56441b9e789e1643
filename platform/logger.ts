import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'jointdemand'): Logger {
  return pino({
    name,
    level,
    // Sign-in tokens and cookies must never reach the logs.
    redact: ['req.headers.cookie', 'req.headers.authorization', 'token', '*.token'],
  });
}
