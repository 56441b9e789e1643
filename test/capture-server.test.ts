import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CaptureServer, startCaptureServer } from '../mail/capture-server.js';
import { createSmtpMailer, type Mailer } from '../mail/mailer.js';

/**
 * Seen in CI: a worker killed while it sent mail (test/buyer-rush.test.ts) reset its SMTP
 * connections, and the capture server's unheard 'error' event ended as an uncaught exception in
 * the test process. A client that goes away is the client's business; the server keeps serving.
 */
describe('the SMTP capture server when a client resets its connection', () => {
  let capture: CaptureServer;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  beforeAll(async () => {
    capture = await startCaptureServer();
    process.on('uncaughtException', onUncaught);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await capture?.close();
  });

  it('keeps serving, and nothing is thrown, after a client resets the connection mid-conversation', async () => {
    // Reset in the middle of a message, as a sender killed while it streams one; several of them,
    // as a worker's pooled connections all go at once.
    for (let i = 0; i < 3; i += 1) {
      const socket = net.connect(capture.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      for (const line of [
        'EHLO reset.example',
        'MAIL FROM:<a@reset.example>',
        'RCPT TO:<b@reset.example>',
        'DATA',
        'Subject: half a message',
        '',
        'the body so',
      ]) {
        socket.write(`${line}\r\n`);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      socket.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(uncaught).toEqual([]);

    const again = net.connect(capture.port, '127.0.0.1');
    const banner = await new Promise<string>((resolve) => again.once('data', (d) => resolve(d.toString())));
    again.destroy();
    expect(banner).toMatch(/^220 /);
  });
});

/**
 * The relay's outages the fault scenarios need (test/support/fault-scenarios.ts): refusing every
 * message for a while with a temporary failure, and going away altogether (nothing listening,
 * open connections dropped) before it comes back on the same port.
 */
describe('the SMTP capture server refusing, then unreachable, then back', () => {
  let capture: CaptureServer;
  let mailer: Mailer;
  const message = (n: number) => ({
    to: `someone-${n}@relay.example`,
    subject: `Message ${n}`,
    text: 'Hello',
    messageId: `<outage-${n}-${Date.now()}@jointdemand>`,
    headers: {},
  });
  const captured = (m: { messageId: string }) =>
    capture.messages.filter((x) => `<${x.messageId}>` === m.messageId || x.messageId === m.messageId);
  beforeAll(async () => {
    capture = await startCaptureServer();
    mailer = createSmtpMailer(`smtp://127.0.0.1:${capture.port}`, 'jointdemand <noreply@jointdemand.test>');
  });
  afterAll(async () => {
    mailer?.close();
    await capture?.close();
  });

  it('refuses every message with the temporary code it is given, keeps none of them, and accepts again after', async () => {
    const first = message(1);
    await mailer.send(first);
    expect(captured(first)).toHaveLength(1);

    for (const code of [451, 421]) {
      capture.refuse({ code });
      const refused = message(code);
      await expect(mailer.send(refused)).rejects.toMatchObject({ responseCode: code });
      expect(captured(refused)).toHaveLength(0);
      capture.refuse(false);
      await mailer.send(refused);
      expect(captured(refused)).toHaveLength(1);
    }
  });

  it('is unreachable while down (connections refused, open ones dropped) and listens on the same port once up', async () => {
    // A pooled connection is open from the test before; going down drops it.
    await mailer.send(message(2));
    await capture.down();
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(capture.port, '127.0.0.1');
      socket.once('connect', () => resolve('connected'));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    const during = message(3);
    await expect(mailer.send(during)).rejects.toThrow();
    expect(captured(during)).toHaveLength(0);

    await capture.up();
    await mailer.send(during);
    expect(captured(during)).toHaveLength(1);
  });
});
