import { describe, expect, it } from 'vitest';

import { cleanHeaderText, headerTextMax } from '../rules/text-policy.js';

/** A header kept for reading (a session's User-Agent) is cleaned and cut, never refused. */
describe('cleanHeaderText', () => {
  it('keeps an ordinary User-Agent as it is', () => {
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
    expect(cleanHeaderText(ua)).toBe(ua);
  });

  it('drops NUL, other controls, line breaks, bidi controls, non-characters and lone surrogates', () => {
    expect(cleanHeaderText('curl\u0000/8.0')).toBe('curl/8.0');
    expect(cleanHeaderText('a\u0001b\u007fc\u0085d\u009be')).toBe('abcde');
    expect(cleanHeaderText('one\r\nX-Injected: yes\ttwo')).toBe('one X-Injected: yes two');
    expect(cleanHeaderText('abc\u202edcba\u2066')).toBe('abcdcba');
    expect(cleanHeaderText('x\ud800y\udc00z\uffff')).toBe('xyz');
    expect(cleanHeaderText('ok 🚀 é')).toBe('ok 🚀 é');
  });

  it('cuts a long header to the limit in characters, never splitting a surrogate pair', () => {
    expect(cleanHeaderText('A'.repeat(10_240))).toBe('A'.repeat(headerTextMax));
    const rockets = cleanHeaderText('🚀'.repeat(400))!;
    expect(Array.from(rockets)).toHaveLength(headerTextMax);
    expect(rockets).toBe('🚀'.repeat(headerTextMax));
    // Controls spread through a long value do not eat the characters that are kept.
    expect(cleanHeaderText('\u0000x'.repeat(5000))).toBe('x'.repeat(headerTextMax));
  });

  it('is null when nothing is left, or nothing was sent', () => {
    expect(cleanHeaderText(undefined)).toBeNull();
    expect(cleanHeaderText(null)).toBeNull();
    expect(cleanHeaderText('')).toBeNull();
    expect(cleanHeaderText('\u0000\u0000 \t')).toBeNull();
  });
});
