import { describe, expect, it } from 'vitest';

import { ConfigError, cookieSecure, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('works with no settings at all on a development machine', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/jointdemand');
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(cookieSecure(config)).toBe(false);
  });

  it('lets an aggregation use exchange rates up to 7 days old unless configured otherwise, naming a bad value', () => {
    expect(loadConfig({}).EXCHANGE_RATE_MAX_AGE_DAYS).toBe(7);
    expect(loadConfig({ EXCHANGE_RATE_MAX_AGE_DAYS: '14' }).EXCHANGE_RATE_MAX_AGE_DAYS).toBe(14);
    expect(() => loadConfig({ EXCHANGE_RATE_MAX_AGE_DAYS: 'a week' })).toThrow(/EXCHANGE_RATE_MAX_AGE_DAYS/);
    expect(() => loadConfig({ EXCHANGE_RATE_MAX_AGE_DAYS: '-1' })).toThrow(ConfigError);
  });

  it('names every bad value at once', () => {
    try {
      loadConfig({
        DATABASE_URL: 'mysql://x',
        PORT: 'eighty',
        TEMPORAL_ADDRESS: 'nohost',
        SMTP_URL: 'http://mail',
        PUBLIC_URL: 'not a url',
      });
      expect.unreachable('loadConfig accepted bad values');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['DATABASE_URL', 'PORT', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'PUBLIC_URL'])
        expect(problems).toContain(name);
    }
  });

  it('treats empty variables as unset and https as secure cookies', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
    expect(cookieSecure(loadConfig({ PUBLIC_URL: 'https://jointdemand.example' }))).toBe(true);
    expect(cookieSecure(loadConfig({ PUBLIC_URL: 'https://jointdemand.example', COOKIE_SECURE: 'false' }))).toBe(false);
  });
});
