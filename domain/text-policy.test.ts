import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { cleanText } from '../rules/text-hygiene.js';
import {
  characterProblems,
  describeText,
  normaliseText,
  text,
  type TextKind,
  textKinds,
  textLimits,
  textProblem,
  textRules,
} from '../rules/text-policy.js';

const kinds = Object.keys(textKinds) as TextKind[];
const singleLine = kinds.filter((k) => !textKinds[k].multiline);
const multiLine = kinds.filter((k) => textKinds[k].multiline);

describe('characterProblems', () => {
  it('refuses a lone surrogate, high or low, and accepts a pair', () => {
    for (const kind of kinds) {
      expect(characterProblems(kind, 'a\ud800b')).toEqual(['wellFormed']);
      expect(characterProblems(kind, 'a\udc00b')).toEqual(['wellFormed']);
      expect(characterProblems(kind, 'end\ud83d')).toEqual(['wellFormed']);
      expect(characterProblems(kind, 'an emoji \ud83d\ude80')).toEqual([]);
    }
  });

  it('refuses every C0 control but tab, LF and CR, DEL and every C1 control, in every kind', () => {
    const allowedInText = new Set([0x09, 0x0a, 0x0d]);
    for (let code = 0; code <= 0x9f; code++) {
      const isControl = code < 0x20 || code >= 0x7f;
      if (!isControl || allowedInText.has(code)) continue;
      for (const kind of kinds)
        expect(
          characterProblems(kind, `a${String.fromCharCode(code)}b`),
          `U+${code.toString(16)} in ${kind}`,
        ).toContain('noControls');
    }
    expect(characterProblems('paragraph', 'NEL\u0085here')).toEqual(['noControls']);
  });

  it('allows tab and line breaks in multi-line kinds only', () => {
    for (const br of ['\t', '\n', '\r', '\r\n', '\u2028', '\u2029']) {
      for (const kind of multiLine) expect(characterProblems(kind, `one${br}two`)).toEqual([]);
      for (const kind of singleLine) expect(characterProblems(kind, `one${br}two`)).toEqual(['singleLine']);
    }
  });

  it('refuses bidi embeddings, overrides and isolates in single-line kinds, and keeps them for prose', () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      const value = `invoice${String.fromCharCode(code)}fdp.exe`;
      for (const kind of singleLine) expect(characterProblems(kind, value)).toEqual(['noBidiControls']);
      for (const kind of multiLine) expect(characterProblems(kind, value)).toEqual([]);
    }
    // Implicit marks (LRM, RLM, ALM) are how mixed-direction names are written: allowed.
    expect(characterProblems('name', 'Tel Aviv\u200E-Yafo')).toEqual([]);
  });

  it('refuses the non-characters U+FFFE and U+FFFF', () => {
    expect(characterProblems('title', 'a\uFFFE')).toEqual(['noNonCharacters']);
    expect(characterProblems('document', '\uFFFFb')).toEqual(['noNonCharacters']);
  });

  it('names every rule broken, in a fixed order', () => {
    expect(characterProblems('title', '\ud800\u0000\n\u202e\uffff')).toEqual([
      'wellFormed',
      'noControls',
      'singleLine',
      'noBidiControls',
      'noNonCharacters',
    ]);
  });

  it('accepts what people write in the EU languages, and right-to-left names', () => {
    for (const value of [
      'Zürich – Straße',
      'Łódź',
      'Αθήνα',
      'Пловдив',
      'Ærø Kommune',
      'Ħal Qormi',
      'Tallinna Linnavalitsus',
      'القدس',
      'תל אביב',
    ]) {
      for (const kind of kinds) expect(characterProblems(kind, value)).toEqual([]);
    }
  });

  it('is what output hygiene removes, restricted to the kind: text that passes is unchanged by cleanText', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        if (characterProblems('title', value).length === 0) {
          // Single-line text has no controls, no bidi controls, no lone surrogates: the only things cleanText may still drop are the implicit marks.
          expect(cleanText(value).replace(/[\u061C\u200E\u200F]/g, '')).toBe(
            value.replace(/[\u061C\u200E\u200F]/g, ''),
          );
        }
      }),
    );
  });
});

describe('normaliseText', () => {
  it('composes (NFC), trims, and turns CR LF and CR into LF', () => {
    expect(normaliseText('  Cafe\u0301  ')).toBe('Caf\u00e9');
    expect(normaliseText('one\r\ntwo\rthree\n')).toBe('one\ntwo\nthree');
    expect(normaliseText('\u00a0\ufeffnbsp and BOM\u00a0')).toBe('nbsp and BOM');
  });

  it('is idempotent and never adds a character the policy refuses', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom(...kinds), (value, kind) => {
        const once = normaliseText(value);
        expect(normaliseText(once)).toBe(once);
        if (characterProblems(kind, value).length === 0) expect(characterProblems(kind, once)).toEqual([]);
      }),
    );
  });
});

describe('textProblem: the first rule broken, for forms', () => {
  it('reports character rules before length, and length after normalising', () => {
    expect(textProblem('title', 'ab\u0000')).toEqual({ rule: 'noControls', message: textRules.noControls });
    expect(textProblem('title', '  ab  ', { min: 3 })).toEqual({
      rule: 'tooShort',
      message: 'must be at least 3 characters',
      limit: 3,
    });
    expect(textProblem('title', '   ', { min: 1 })).toEqual({
      rule: 'tooShort',
      message: 'must not be empty',
      limit: 1,
    });
    expect(textProblem('title', 'x'.repeat(201))).toEqual({
      rule: 'tooLong',
      message: 'must be at most 200 characters',
      limit: 200,
    });
    // 200 decomposed "é" (400 code units) compose to 200: within the limit.
    expect(textProblem('title', 'e\u0301'.repeat(200))).toBeUndefined();
    expect(
      textProblem('paragraph', 'why', { min: 3, minRule: 'must give a reason of at least 3 characters' }),
    ).toBeUndefined();
    expect(
      textProblem('paragraph', 'no', { min: 3, minRule: 'must give a reason of at least 3 characters' })?.message,
    ).toBe('must give a reason of at least 3 characters');
  });

  it('takes the kind’s limit unless told otherwise', () => {
    expect(textLimits('name').max).toBe(200);
    expect(textLimits('title').max).toBe(200);
    expect(textLimits('line').max).toBe(500);
    expect(textLimits('paragraph').max).toBe(5000);
    expect(textLimits('document').max).toBe(20_000);
    expect(textLimits('document', { max: 50_000 }).max).toBe(50_000);
  });
});

describe('text(): the zod schema', () => {
  const schema = z.object({
    title: text('title', { min: 3 }),
    description: text('document', { min: 1, max: 20_000 }).optional(),
  });
  const issues = (value: unknown) =>
    schema.safeParse(value).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

  it('stays a ZodString with maxLength, minLength and the rule in words in its JSON Schema', () => {
    const title = text('title', { min: 3 });
    expect(title).toBeInstanceOf(z.ZodString);
    const json = z.toJSONSchema(title) as { maxLength: number; minLength: number; description: string };
    expect(json.maxLength).toBe(200);
    expect(json.minLength).toBe(3);
    expect(json.description).toBe(describeText('title', { min: 3 }));
    expect(json.description).toMatch(/no tabs, line breaks or bidirectional controls/);
    const described = z.toJSONSchema(text('name', { description: 'Name of a working group' })) as {
      description: string;
    };
    expect(described.description).toMatch(
      /^Name of a working group\. Text policy: a name on one line, at most 200 characters/,
    );
  });

  it('names the field and the rule', () => {
    expect(issues({ title: 'Excavators\u0000' })).toEqual([
      { path: 'title', message: 'must not contain control characters' },
    ]);
    expect(issues({ title: 'Excavators \ud800' })).toEqual([
      { path: 'title', message: 'must be well-formed Unicode (no lone surrogates)' },
    ]);
    expect(issues({ title: 'Excavators \u202e' })).toEqual([
      { path: 'title', message: 'must not contain bidirectional control characters' },
    ]);
    expect(issues({ title: 'ab' })).toEqual([{ path: 'title', message: 'must be at least 3 characters' }]);
    expect(issues({ title: 'x'.repeat(201) })).toEqual([{ path: 'title', message: 'must be at most 200 characters' }]);
    expect(issues({})).toEqual([{ path: 'title', message: 'is required' }]);
    expect(issues({ title: 42 })).toEqual([{ path: 'title', message: 'must be text' }]);
    expect(issues({ title: 'Fine', description: 'a\u0000\ud800' })).toEqual([
      { path: 'description', message: 'must be well-formed Unicode (no lone surrogates)' },
      { path: 'description', message: 'must not contain control characters' },
    ]);
  });

  it('outputs the normalised text', () => {
    expect(schema.parse({ title: '  Sa\u0303o Paulo ', description: 'one\r\ntwo' })).toEqual({
      title: 'S\u00e3o Paulo',
      description: 'one\ntwo',
    });
  });

  it('agrees with textProblem on every string: accepted exactly when textProblem finds nothing', () => {
    const title = text('title', { min: 3, max: 20 });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (value) => {
        const accepted = title.safeParse(value).success;
        expect(accepted).toBe(textProblem('title', value, { min: 3, max: 20 }) === undefined);
        if (accepted) expect(title.parse(value)).toBe(normaliseText(value));
      }),
    );
  });
});
