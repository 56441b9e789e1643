import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { actorSealKey, developmentActorKey, loadConfig } from './config.js';
import { connectTemporalClient, temporalDataConverter, temporalTls } from './temporal.js';
import { startTemporalDevServer } from './temporal-dev-server.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-temporal-config-'));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('the Temporal connection from configuration', () => {
  it('has no TLS unless asked, server-checked TLS with a CA, and mutual TLS with a client certificate and key', () => {
    expect(temporalTls(loadConfig({}))).toBeUndefined();
    expect(temporalTls(loadConfig({ TEMPORAL_TLS: 'true' }))).toEqual({});
    const ca = file('ca.pem', 'CA');
    const crt = file('client.pem', 'CERT');
    const key = file('client.key', 'KEY');
    const tls = temporalTls(
      loadConfig({
        TEMPORAL_TLS_CA_FILE: ca,
        TEMPORAL_TLS_CERT_FILE: crt,
        TEMPORAL_TLS_KEY_FILE: key,
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
    )!;
    expect(tls.serverNameOverride).toBe('temporal.internal');
    expect(tls.serverRootCACertificate?.toString()).toBe('CA');
    expect(tls.clientCertPair?.crt.toString()).toBe('CERT');
    expect(tls.clientCertPair?.key.toString()).toBe('KEY');
    expect(() => temporalTls(loadConfig({ TEMPORAL_TLS_CERT_FILE: crt }))).toThrow(/go together/);
  });

  it('encrypts payloads only when a payload key is configured', () => {
    expect(temporalDataConverter(loadConfig({}))).toBeUndefined();
    expect(
      temporalDataConverter(loadConfig({ TEMPORAL_PAYLOAD_KEY: Buffer.alloc(32, 1).toString('base64') }))
        ?.payloadCodecs,
    ).toHaveLength(1);
  });

  it('requires an actor key of its own in production', () => {
    expect(actorSealKey(loadConfig({ NODE_ENV: 'test' }))).toBe(developmentActorKey);
    expect(() => actorSealKey({ NODE_ENV: 'production' })).toThrow(/TEMPORAL_ACTOR_KEY/);
    expect(actorSealKey({ NODE_ENV: 'production', TEMPORAL_ACTOR_KEY: 'x'.repeat(40) })).toBe('x'.repeat(40));
    expect(() => loadConfig({ TEMPORAL_ACTOR_KEY: 'short' })).toThrow(/TEMPORAL_ACTOR_KEY/);
  });

  it('does not let a production process connect to Temporal without the actor key', async () => {
    await expect(
      connectTemporalClient({ NODE_ENV: 'production', TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_NAMESPACE: 'default' }),
    ).rejects.toThrow(/TEMPORAL_ACTOR_KEY/);
  });
});

describe('the Temporal dev server', () => {
  const freePort = () =>
    new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(port));
      });
    });
  /** A stand-in for the CLI that writes down its arguments and exits. */
  const fakeCli = () => {
    const args = path.join(dir, `args-${Math.random()}.json`);
    const cli = file(
      `fake-temporal-${Math.random()}`,
      `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(args)}, JSON.stringify(process.argv.slice(2)));\n`,
    );
    chmodSync(cli, 0o755);
    return { cli, args: () => JSON.parse(readFileSync(args, 'utf8')) as string[] };
  };

  it('binds the Web UI to loopback even when the frontend listens on every interface, or starts without it', async () => {
    const withUi = fakeCli();
    await expect(
      startTemporalDevServer({ cli: withUi.cli, address: `0.0.0.0:${await freePort()}`, dataDir: dir, uiPort: 1 }),
    ).rejects.toThrow(/exited/);
    const args = withUi.args();
    expect(args[args.indexOf('--ui-ip') + 1]).toBe('127.0.0.1');
    expect(args).not.toContain('--headless');

    const headless = fakeCli();
    await expect(
      startTemporalDevServer({ cli: headless.cli, address: `127.0.0.1:${await freePort()}`, dataDir: dir, ui: false }),
    ).rejects.toThrow(/exited/);
    expect(headless.args()).toContain('--headless');
    expect(headless.args()).not.toContain('--ui-port');
  });
});
