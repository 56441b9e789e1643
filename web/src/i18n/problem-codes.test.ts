import { problemCodeInfo } from '@jointdemand/rules/problem-codes';
import { describe, expect, it } from 'vitest';

import { ApiProblem, problemCodes } from '../api/client';
import de from './de.json';
import en from './en.json';
import fr from './fr.json';

/**
 * Every problem code the server can send (the shared list in rules/problem-codes.ts) and the
 * web's own `network` has a translated title and help in every language, so ErrorSummary never
 * shows a bare key; and the client recognises each code the server sends.
 */
const catalogues = { en, fr, de } as Record<string, { problem: Record<string, unknown> }>;

describe('problem codes in the web', () => {
  it('are the server’s list plus network', () => {
    expect(problemCodes).toEqual([...Object.keys(problemCodeInfo), 'network']);
  });

  it('each have a title and a help text in every language', () => {
    const missing: string[] = [];
    for (const [locale, catalogue] of Object.entries(catalogues)) {
      for (const code of problemCodes) {
        const entry = catalogue.problem[code] as { title?: unknown; help?: unknown } | undefined;
        for (const part of ['title', 'help'] as const) {
          const text = entry?.[part];
          if (typeof text !== 'string' || text.trim() === '') missing.push(`${locale}:problem.${code}.${part}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('keep the code the server sent, and fall back on the status for one it did not', () => {
    for (const [code, { status }] of Object.entries(problemCodeInfo)) {
      expect(ApiProblem.fromResponse(status, { code, detail: 'x' }).code).toBe(code);
    }
    expect(ApiProblem.fromResponse(409, { code: 'no_such_code' }).code).toBe('conflict');
    expect(ApiProblem.fromResponse(503, undefined).code).toBe('unavailable');
    expect(ApiProblem.fromResponse(418, {}).code).toBe('internal');
  });
});
