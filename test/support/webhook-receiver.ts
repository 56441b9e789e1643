import { createServer, type Server } from 'node:http';

import { verifyWebhook } from '../../platform/webhook-signature.js';

/** One POST as the receiver saw it, and what became of its answer. */
export interface ReceivedPost {
  /** The receiver's path it came to (`/hook/<n>`: one per endpoint). */
  path: string;
  webhookId: string;
  timestamp: string;
  signature: string;
  body: string;
  receivedAt: number;
  /** When the 2xx answer was handed to the connection (the sender may still have died before reading it). */
  answeredAt?: number;
  /** When the sender's connection closed before an answer was written (it died mid-delivery). */
  abandonedAt?: number;
  /** The signature checked against the secret registered for `path` (undefined: none registered yet). */
  valid?: boolean;
}

export interface WebhookReceiver {
  /** The URL for endpoint `n`. */
  urlFor(n: number): string;
  /** The signing secret endpoint `n` got when registered; its POSTs are verified with it. */
  setSecret(n: number, secret: string): void;
  readonly posts: readonly ReceivedPost[];
  /** Requests received and not yet answered or abandoned. */
  open(): number;
  close(): Promise<void>;
}

/**
 * A Standard Webhooks receiver on 127.0.0.1 for tests: it records every POST (its `webhook-id`,
 * whether the signature verifies), answers 200 after `delayMs(post)` (slow, so a sender can be
 * killed while its requests are held here), and notes whether the answer was written or the
 * sender's connection went away first. It never dedupes: the test counts what a receiver would
 * have had to dedupe.
 */
export async function startWebhookReceiver(options: {
  delayMs: (post: ReceivedPost) => number;
}): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  const secrets = new Map<string, string>();
  let pending = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const post: ReceivedPost = {
        path: req.url ?? '',
        webhookId: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      const secret = secrets.get(post.path);
      if (secret)
        post.valid = verifyWebhook(
          secret,
          { id: post.webhookId, timestamp: post.timestamp, signature: post.signature },
          post.body,
          { nowSeconds: Math.floor(Date.now() / 1000) },
        );
      posts.push(post);
      pending += 1;
      let settled = false;
      const settle = (field: 'answeredAt' | 'abandonedAt') => {
        if (settled) return;
        settled = true;
        pending -= 1;
        post[field] = Date.now();
      };
      // The sender died (or gave up) while its request waited here: no answer reached it.
      res.on('close', () => {
        if (!res.writableFinished) settle('abandonedAt');
      });
      res.on('finish', () => settle('answeredAt'));
      setTimeout(() => {
        if (settled || res.destroyed) return;
        res.statusCode = 200;
        res.end('ok');
      }, options.delayMs(post));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    urlFor: (n) => `http://127.0.0.1:${port}/hook/${n}`,
    setSecret: (n, secret) => secrets.set(`/hook/${n}`, secret),
    posts,
    open: () => pending,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
