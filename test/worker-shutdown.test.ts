import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';

import { NativeConnection } from '@temporalio/worker';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { startWorkerHealthServer } from '../bin/worker-health.js';
import { createDb } from '../db/database.js';
import { enqueueMessages } from '../db/outbox.js';
import { freePort } from '../platform/free-port.js';
import { type Harness, makeActor, startHarness, statementDetails, until } from './support/harness.js';
import { killWorkerProcess, startWorkerProcess, terminateWorkerProcess } from './support/worker-process.js';

/** A relay that holds every message mid-transaction (DATA sent, no answer) until it is let through. */
async function startHoldingRelay() {
  const received: { to: string; messageId: string }[] = [];
  const held: { to: string[]; accept: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      held.push({
        to,
        accept: () => {
          simpleParser(stream)
            .then((m) => {
              for (const address of to) received.push({ to: address, messageId: m.messageId ?? '' });
              callback();
            })
            .catch((error: Error) => callback(error));
        },
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.server.address() as { port: number }).port,
    received,
    /**
     * Messages held for `address`. Only those count: the worker process's webhook relay works on
     * the whole test database, and may send another test file's "webhook disabled" e-mail here.
     */
    heldFor: (address: string) => held.filter((m) => m.to.includes(address.toLowerCase())).length,
    /** Accepts every message held so far. */
    letThrough: () => {
      for (const m of held.splice(0)) m.accept();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function probe(port: number, path: string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('a worker process stopped with SIGTERM while an activity is in flight', () => {
  let h: Harness;
  let relay: Awaited<ReturnType<typeof startHoldingRelay>>;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    h = await startHarness({ worker: false });
    relay = await startHoldingRelay();
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) await killWorkerProcess(worker);
    relay?.letThrough();
    await relay?.close();
    await h?.close();
  });

  it('answers /readyz 503 at once, lets the delivery finish, then exits 0', async () => {
    const healthPort = await freePort();
    // As other test files leave one in the shared database: a "webhook disabled" notice that the
    // worker's webhook relay sends at start, to this relay too. It must not pass for the invitation.
    await enqueueMessages(h.db, [
      {
        key: `webhook-disabled:another-file:${randomUUID()}`,
        statementId: null,
        recipientUserId: null,
        to: 'owner@another-file.example',
        locale: 'en',
        subject: 'Webhook disabled',
        text: 'Another test file’s notice',
      },
    ]);
    const logLines: Record<string, any>[] = [];
    worker = await startWorkerProcess(h, {
      smtpUrl: `smtp://127.0.0.1:${relay.port}`,
      env: { WORKER_HEALTH_PORT: String(healthPort), WORKER_SHUTDOWN_GRACE_SECONDS: '60' },
      onOutput: (chunk) => {
        for (const line of chunk.split('\n'))
          if (line.startsWith('{')) {
            try {
              logLines.push(JSON.parse(line) as Record<string, any>);
            } catch {
              /* a line split across chunks */
            }
          }
      },
    });

    expect(await probe(healthPort, '/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await probe(healthPort, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      state: 'RUNNING',
      checks: { database: { ok: true }, temporal: { ok: true } },
    });

    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const buyer = await makeActor(h, { kind: 'buyer', country: 'SE' });
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    expect((await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] })).status).toBe(
      200,
    );
    // The invitation's delivery activity is in flight: the relay holds its message mid-transaction.
    await until(
      async () => relay.heldFor(buyer.user.email),
      (n) => n >= 1,
      30_000,
      'the invitation held at the relay',
    );
    const pending = await h.db.selectFrom('outbox').select(['id', 'status']).where('statement_id', '=', id).execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]!.status).not.toBe('sent');

    const signalledAt = Date.now();
    const exited = terminateWorkerProcess(worker);
    const stopping = await until(
      () => probe(healthPort, '/readyz'),
      (r) => r.status !== 200,
      10_000,
      '/readyz to refuse',
    );
    expect(stopping).toMatchObject({ status: 503, body: { status: 'stopping' } });
    // Still draining: the activity has not finished, so the process is still there.
    expect(worker.exitCode).toBeNull();
    expect(
      (await h.db.selectFrom('outbox').select('status').where('id', '=', pending[0]!.id).executeTakeFirstOrThrow())
        .status,
    ).not.toBe('sent');

    relay.letThrough();
    const { code, signal } = await exited;
    const shutdownMs = Date.now() - signalledAt;
    expect({ code, signal }).toEqual({ code: 0, signal: null });

    // The activity finished before the process exited: the message reached the relay once and is marked sent.
    expect(relay.received.filter((m) => m.to === buyer.user.email.toLowerCase())).toHaveLength(1);
    const after = await h.db
      .selectFrom('outbox')
      .select('status')
      .where('id', '=', pending[0]!.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('sent');
    const drained = logLines.find((l) => l.msg === 'worker drained');
    expect(drained?.drainedMs).toBeGreaterThanOrEqual(0);
    console.info(`SIGTERM to exit: ${shutdownMs} ms (worker drained in ${drained?.drainedMs} ms)`);
  }, 120_000);
});

describe("the worker's /readyz when a dependency does not answer", () => {
  it('answers 503 within its timeout, naming the database that hangs', async () => {
    // A "database" that accepts connections and never answers: the probe must not hang with it.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const db = createDb(`postgres://nobody@127.0.0.1:${(silent.address() as { port: number }).port}/none`, 1, 'none');
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const health = await startWorkerHealthServer(
      { db, connection, state: () => 'RUNNING', stopping: () => false, timeoutMs: 500 },
      { port: 0, host: '127.0.0.1' },
    );
    try {
      const r = await probe(health.port, '/readyz');
      expect(r.status).toBe(503);
      expect(r.body).toEqual({
        status: 'not ready',
        state: 'RUNNING',
        checks: { database: { ok: false, error: 'no answer within 500 ms' }, temporal: { ok: true } },
      });
      expect((await probe(health.port, '/livez')).status).toBe(200);
    } finally {
      await health.close();
      await connection.close();
      silent.close();
      void db.destroy().catch(() => {});
    }
  });

  it('answers 503 while the SDK worker is not RUNNING', async () => {
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const db = createDb(inject('databaseUrl'), 1, 'none');
    const health = await startWorkerHealthServer(
      { db, connection, state: () => 'DRAINING', stopping: () => false },
      { port: 0, host: '127.0.0.1' },
    );
    try {
      expect(await probe(health.port, '/readyz')).toEqual({
        status: 503,
        body: { status: 'not ready', state: 'DRAINING' },
      });
    } finally {
      await health.close();
      await connection.close();
      await db.destroy();
    }
  });
});
