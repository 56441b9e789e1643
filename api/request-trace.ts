import type { NextFunction, Request, Response } from 'express';

import { isTraceId } from '../domain/trace-id.js';
import { newTraceId, withTraceId } from '../platform/trace-context.js';

/**
 * Names every request: the client's `X-Request-Id` if it is a plain id (`isTraceId`), else a
 * fresh one, answered in `X-Request-Id`. Mount first.
 */
export function nameRequests() {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const traceId = isTraceId(given) ? given : newTraceId();
    res.locals.traceId = traceId;
    res.setHeader('X-Request-Id', traceId);
    next();
  };
}

/**
 * Runs the rest of the request under its id (`platform/trace-context.ts`): log lines carry
 * `traceId`, and the workflow signals and updates sent carry it in a Temporal header. Mount after
 * the body parsers: they call on from stream events, which would lose the context.
 */
export function traceRequests() {
  return (_req: Request, res: Response, next: NextFunction) => {
    withTraceId(res.locals.traceId as string | undefined, () => next());
  };
}
