import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CaptureServer, startCaptureServer } from '../mail/capture-server.js';

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
