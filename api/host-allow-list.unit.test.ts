import { request } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';
import { describe, expect, it } from 'vitest';

import { isOwnOrigin } from './csrf.js';
import {
  hostAllowList,
  hostPolicy,
  isAllowedHost,
  isLoopbackHostname,
  maxKeptVerdicts,
  parseHostHeader,
} from './host-allow-list.js';

describe('Host allow-list', () => {
  it('allows the public host, with or without its default port, and nothing else in production', () => {
    const policy = hostPolicy('https://demand.example.eu', 'production');
    for (const host of ['demand.example.eu', 'DEMAND.example.eu', 'demand.example.eu:443'])
      expect(isAllowedHost(policy, host), host).toBe(true);
    for (const host of [
      'demand.example.eu:8443',
      'evil.example',
      'demand.example.eu.evil.example',
      'localhost:3000',
      '127.0.0.1',
      '',
      undefined,
    ]) {
      expect(isAllowedHost(policy, host), String(host)).toBe(false);
    }
  });

  it('allows loopback names on any port outside production', () => {
    const policy = hostPolicy('http://localhost:3000', 'development');
    for (const host of ['localhost:3000', 'localhost:5173', '127.0.0.1:3000', '[::1]:3000', 'app.localhost:3000'])
      expect(isAllowedHost(policy, host), host).toBe(true);
    for (const host of ['rebind.attacker.example:3000', '192.0.2.2:3000', 'localhost.attacker.example'])
      expect(isAllowedHost(policy, host), host).toBe(false);
  });

  it('parses Host headers strictly', () => {
    expect(parseHostHeader('Example.org:8080')).toEqual({ hostname: 'example.org', port: '8080' });
    expect(parseHostHeader('[::1]:3000')).toEqual({ hostname: '[::1]', port: '3000' });
    for (const bad of ['', 'bad host', 'a/b', 'user@host', 'host:port'])
      expect(parseHostHeader(bad), bad).toBeUndefined();
    expect(isLoopbackHostname('127.5.6.7')).toBe(true);
    expect(isLoopbackHostname('localhostx')).toBe(false);
  });
});

describe('own origin (CSRF)', () => {
  const prod = { publicUrl: 'https://demand.example.eu', nodeEnv: 'production' };
  it('is the public origin only, in production', () => {
    expect(isOwnOrigin('https://demand.example.eu', prod)).toBe(true);
    for (const origin of [
      'http://demand.example.eu',
      'https://evil.example',
      'https://sub.demand.example.eu',
      'null',
      'http://localhost:3000',
      'garbage',
    ]) {
      expect(isOwnOrigin(origin, prod), origin).toBe(false);
    }
  });
  it('adds loopback origins in development (the vite dev server)', () => {
    const dev = { publicUrl: 'http://localhost:3000', nodeEnv: 'development' };
    expect(isOwnOrigin('http://localhost:5173', dev)).toBe(true);
    expect(isOwnOrigin('http://127.0.0.1:3000', dev)).toBe(true);
    expect(isOwnOrigin('http://attacker.example', dev)).toBe(false);
  });
});

describe('the Host allow-list middleware, which keeps its verdicts', () => {
  it('answers each Host the same however often it comes, and past the verdicts it keeps', async () => {
    const app = express();
    app.use(hostAllowList({ publicUrl: 'https://demand.example.eu', nodeEnv: 'production' }));
    app.get('/x', (_req, res) => res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/x', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const cases: [string, number][] = [
        ['demand.example.eu', 200],
        ['evil.example', 421],
        ['bad host', 400],
        ['demand.example.eu:443', 200],
      ];
      for (let round = 0; round < 2; round++)
        for (const [host, status] of cases) expect(await statusFor(host), `${host}, round ${round}`).toBe(status);
      // More distinct names than are kept: later ones are still judged, and kept ones unchanged.
      for (let n = 0; n <= maxKeptVerdicts; n++) expect(await statusFor(`n${n}.evil.example`)).toBe(421);
      expect(await statusFor('late.evil.example')).toBe(421);
      expect(await statusFor('demand.example.eu.')).toBe(400);
      for (const [host, status] of cases) expect(await statusFor(host), host).toBe(status);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
