import type { RequestHandler } from 'express';

import { DomainError, type FieldProblem } from '../domain/errors.js';

/**
 * Bounds on the shape of every JSON body, checked after `express.json` parsed it and before any
 * schema or service sees it. zod, canonical JSON hashing and the PostgreSQL JSON functions all
 * recurse: a body nested 5,000 levels deep overflowed a stack and answered 500. The walk here is
 * iterative (an explicit stack), so no nesting can overflow it.
 */
export const jsonBounds = {
  /** Bytes of one request body; `express.json` answers 413 above it. */
  maxBodyBytes: 2 * 1024 * 1024,
  /** Levels of nesting: the body itself is level 1. The deepest request (agreement terms: distributions, lots, lines) needs 7. */
  maxDepth: 32,
  /** Items in one array: the longest list a request takes is 10,000 (an agreement's distributions). */
  maxArrayLength: 10_000,
  /** Keys in one object: far above any request's widest (100 survey answers). */
  maxObjectKeys: 1_000,
} as const;

export const bodyTooLarge: FieldProblem = {
  field: '(body)',
  rule: `must be at most ${jsonBounds.maxBodyBytes / 1024 / 1024} MB`,
};

/** Keys that name a prototype: refused, so no later merge or spread can reach Object.prototype. */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  value: unknown;
  depth: number;
  key: string | number | undefined;
  parent: Frame | undefined;
}

/** The field path in the notation of the problems (`lines[3].description`); `(body)` for the body itself. */
function pathOf(frame: Frame | undefined, last?: string): string {
  const keys: (string | number)[] = last === undefined ? [] : [last];
  for (let f = frame; f && f.key !== undefined; f = f.parent) keys.unshift(f.key);
  const path = keys.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key),
    '',
  );
  return path || '(body)';
}

/**
 * The problems of a parsed JSON value's shape, at most `maxProblems`: a container nested deeper
 * than the limit (named where the limit is crossed, not walked further), an array or object too
 * large, a prototype key, a number JSON.parse read as Infinity (`1e309`).
 */
export function jsonShapeProblems(
  body: unknown,
  limits: typeof jsonBounds = jsonBounds,
  maxProblems = 10,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Frame[] = [{ value: body, depth: 1, key: undefined, parent: undefined }];
  while (stack.length > 0 && problems.length < maxProblems) {
    const frame = stack.pop()!;
    const { value, depth } = frame;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      problems.push({ field: pathOf(frame), rule: 'must be a finite number' });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) {
      problems.push({ field: pathOf(frame), rule: `must not be nested more than ${limits.maxDepth} levels deep` });
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayLength) {
        problems.push({ field: pathOf(frame), rule: `must have at most ${limits.maxArrayLength} items` });
        continue;
      }
      // Pushed in reverse, so the problems come in the order of the body.
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], depth: depth + 1, key: i, parent: frame });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > limits.maxObjectKeys) {
      problems.push({ field: pathOf(frame), rule: `must have at most ${limits.maxObjectKeys} keys` });
      continue;
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (prototypeKeys.has(key)) {
        problems.push({
          field: pathOf(frame, key),
          rule: 'must not be a prototype key (__proto__, constructor, prototype)',
        });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, key, parent: frame });
    }
  }
  return problems;
}

/** Refuses (400) a parsed JSON body whose shape breaks the bounds, naming where. */
export function boundedJsonBodies(limits: typeof jsonBounds = jsonBounds): RequestHandler {
  return (req, _res, next) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null) return next();
    const problems = jsonShapeProblems(body, limits);
    if (problems.length > 0)
      return next(new DomainError('invalid_input', 'The request body is not within the bounds of a request', problems));
    next();
  };
}
