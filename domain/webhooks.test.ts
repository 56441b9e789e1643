import { describe, expect, it } from 'vitest';

import {
  isNonPublicAddress,
  webhookEndpointInputSchema,
  webhookMaxRetryDelayMs,
  webhookRetryDelayMs,
  webhookUrlProblem,
} from '../rules/webhooks.js';

const strict = { allowHttpLocalhost: false };
const local = { allowHttpLocalhost: true };

describe('webhook endpoint URLs', () => {
  it('accepts HTTPS to public hosts', () => {
    expect(webhookUrlProblem('https://hooks.example.com/jointdemand', strict)).toBeNull();
    expect(webhookUrlProblem('https://hooks.example.com:8443/x?y=1', strict)).toBeNull();
    expect(webhookUrlProblem('https://93.184.216.34/hook', strict)).toBeNull();
  });

  it('refuses plain HTTP, credentials and non-URLs', () => {
    expect(webhookUrlProblem('http://hooks.example.com/', strict)).toBe('must use https://');
    expect(webhookUrlProblem('ftp://hooks.example.com/', strict)).toBe('must use https://');
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', strict)).toMatch(/user name/);
    expect(webhookUrlProblem('hooks.example.com', strict)).toBe('must be an absolute URL');
    expect(webhookUrlProblem(`https://example.com/${'a'.repeat(2000)}`, strict)).toMatch(/at most/);
  });

  it('refuses private, loopback and link-local targets (SSRF)', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://192.168.1.10/',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://[::1]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://2130706433/',
      'https://0x7f000001/',
    ])
      expect(webhookUrlProblem(url, strict), url).toMatch(/private|local/);
    for (const url of ['https://localhost/', 'https://printer.local/', 'https://db.internal/', 'https://intranet/'])
      expect(webhookUrlProblem(url, strict), url).not.toBeNull();
  });

  it('lets loopback through only when allowed (tests, development)', () => {
    expect(webhookUrlProblem('http://127.0.0.1:4567/hook', local)).toBeNull();
    expect(webhookUrlProblem('http://localhost:4567/hook', local)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:4567/hook', strict)).toBe('must use https://');
    expect(webhookUrlProblem('http://10.0.0.1/hook', local)).toBe('must use https://');
    expect(webhookUrlProblem('https://192.168.0.1/hook', local)).toMatch(/private/);
  });

  it('knows public from non-public addresses', () => {
    expect(isNonPublicAddress('8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('2a00:1450:4001::1')).toBe(false);
    expect(isNonPublicAddress('172.32.0.1')).toBe(false);
    expect(isNonPublicAddress('172.31.255.255')).toBe(true);
    expect(isNonPublicAddress('::ffff:7f00:1')).toBe(true);
  });
});

describe('webhook retry schedule', () => {
  it('doubles from the base and stops growing at 6 hours', () => {
    expect([1, 2, 3, 4].map((n) => webhookRetryDelayMs(n, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(webhookRetryDelayMs(14, 30_000)).toBe(webhookMaxRetryDelayMs);
    expect(webhookRetryDelayMs(1000, 30_000)).toBe(webhookMaxRetryDelayMs);
    expect(webhookRetryDelayMs(1, 200)).toBe(200);
  });
});

describe('webhook endpoint input', () => {
  it('names the field and the rule', () => {
    const result = webhookEndpointInputSchema.safeParse({ url: '', eventTypes: [] });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(expect.arrayContaining(['url: is required', 'eventTypes: choose at least one event type']));
    expect(
      webhookEndpointInputSchema.safeParse({ url: 'https://x.example', eventTypes: ['statement.drafted'] }).success,
    ).toBe(false);
  });
});
