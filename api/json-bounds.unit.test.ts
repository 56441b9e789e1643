import { describe, expect, it } from 'vitest';

import { jsonBounds, jsonShapeProblems } from './json-bounds.js';

const deep = (levels: number, leaf: unknown = 'x'): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('jsonShapeProblems', () => {
  it('accepts the shapes requests have', () => {
    expect(
      jsonShapeProblems({
        lines: [{ description: 'x', delivery: { year: 2027 } }],
        answers: { q1: ['a', 'b'], q2: true, q3: 12.5, q4: null },
      }),
    ).toEqual([]);
    expect(jsonShapeProblems(deep(jsonBounds.maxDepth - 1))).toEqual([]);
  });

  it('names where the depth limit is crossed, and does not walk further', () => {
    // The body is level 1 and `answers` level 2, so the 31st "a" is the first container at level 33.
    const problems = jsonShapeProblems({ answers: deep(100_000) });
    expect(problems).toEqual([
      { field: `answers${'.a'.repeat(jsonBounds.maxDepth - 1)}`, rule: 'must not be nested more than 32 levels deep' },
    ]);
    expect(jsonShapeProblems(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`))).toEqual([
      { field: '[0]'.repeat(jsonBounds.maxDepth), rule: 'must not be nested more than 32 levels deep' },
    ]);
  });

  it('names an array or an object that is too large', () => {
    expect(jsonShapeProblems({ ids: new Array(jsonBounds.maxArrayLength + 1).fill(0) })).toEqual([
      { field: 'ids', rule: 'must have at most 10000 items' },
    ]);
    expect(jsonShapeProblems(new Array(jsonBounds.maxArrayLength + 1).fill(0))).toEqual([
      { field: '(body)', rule: 'must have at most 10000 items' },
    ]);
    const wide = Object.fromEntries(Array.from({ length: jsonBounds.maxObjectKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(jsonShapeProblems({ answers: wide })).toEqual([{ field: 'answers', rule: 'must have at most 1000 keys' }]);
  });

  it('refuses prototype keys wherever they are, as JSON.parse makes them own properties', () => {
    const body = JSON.parse('{"__proto__":{"isAdmin":true},"lines":[{"constructor":1}],"a":{"prototype":2}}');
    expect(jsonShapeProblems(body)).toEqual([
      { field: '__proto__', rule: 'must not be a prototype key (__proto__, constructor, prototype)' },
      { field: 'lines[0].constructor', rule: 'must not be a prototype key (__proto__, constructor, prototype)' },
      { field: 'a.prototype', rule: 'must not be a prototype key (__proto__, constructor, prototype)' },
    ]);
  });

  it('refuses the numbers JSON.parse reads as infinite (1e309), and keeps -0', () => {
    expect(jsonShapeProblems(JSON.parse('{"minBuyers":1e309,"list":[-1e309],"zero":-0}'))).toEqual([
      { field: 'minBuyers', rule: 'must be a finite number' },
      { field: 'list[0]', rule: 'must be a finite number' },
    ]);
  });

  it('stops after ten problems', () => {
    expect(jsonShapeProblems(JSON.parse(`[${new Array(50).fill('1e999').join(',')}]`))).toHaveLength(10);
  });
});
