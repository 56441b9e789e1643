import type { Socket } from 'node:net';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  /** Attached files (an invitation's `.ics`), their content as text. */
  attachments: { filename: string; contentType: string; content: string }[];
  receivedAt: Date;
}

export interface CaptureServer {
  port: number;
  messages: CapturedMessage[];
  /** Resolves once `predicate` holds for the captured messages, or rejects after `timeoutMs`. */
  waitFor(predicate: (messages: CapturedMessage[]) => boolean, timeoutMs?: number): Promise<CapturedMessage[]>;
  /**
   * A relay's temporary refusal: from now on every message is refused at MAIL FROM with `code`
   * (default 451, "try again later"; 421 is a relay closing the transmission channel), until
   * `refuse(false)`. Nothing refused is kept.
   */
  refuse(refusal: { code?: number; message?: string } | false): void;
  /** The relay unreachable: stops listening and drops every open connection, until `up()`. */
  down(): Promise<void>;
  /** Listens again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A part's Content-Type with its parameters (`text/calendar; method=PUBLISH; charset=utf-8`). */
function fullContentType(header: unknown, fallback: string): string {
  const h = header as { value?: string; params?: Record<string, string> } | undefined;
  if (!h?.value) return fallback;
  return [h.value, ...Object.entries(h.params ?? {}).map(([k, v]) => `${k}=${v}`)].join('; ');
}

/**
 * A real SMTP server that keeps what it receives, for development and tests: the product talks
 * SMTP to it exactly as it would to a production relay.
 */
export async function startCaptureServer(
  options: { port?: number; host?: string; keep?: number; onMessage?: (m: CapturedMessage) => void } = {},
): Promise<CaptureServer> {
  const messages: CapturedMessage[] = [];
  const waiters = new Set<() => void>();
  const keep = options.keep ?? Infinity;
  let refusal: { code: number; message: string } | undefined;
  const sockets = new Set<Socket>();
  /** How often the relay went down: a message read across a `down()` is not kept. */
  let downs = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'jointdemand mail capture',
    size: 10 * 1024 * 1024,
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const since = downs;
      simpleParser(stream)
        .then((parsed) => {
          // The relay went away while it read this message: like a relay that died before it
          // committed a message, it keeps nothing it had not acknowledged (the sender never heard
          // the 250, and sends the message again).
          if (downs !== since) return callback(new Error('connection lost'));
          const headers: Record<string, string> = {};
          for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.key.length + 1).trim();
          const message: CapturedMessage = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
            headers,
            attachments: parsed.attachments.map((a) => ({
              filename: a.filename ?? '',
              contentType: fullContentType(a.headers.get('content-type'), a.contentType),
              content: a.content.toString('utf8'),
            })),
            receivedAt: new Date(),
          };
          messages.push(message);
          if (messages.length > keep) messages.splice(0, messages.length - keep);
          options.onMessage?.(message);
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  const host = options.host ?? '127.0.0.1';
  // The raw connections, so that `down()` can drop them as a relay that went away would.
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, an error is one client's connection failing (a sender killed mid-message
  // resets it): that client's business. Unheard, each would end the process that hosts the capture.
  server.on('error', () => {});
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    messages,
    waitFor(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(messages)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(messages);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`mail capture: condition not met within ${timeoutMs} ms (${messages.length} messages captured)`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    refuse(next) {
      refusal = next
        ? {
            code: next.code ?? 451,
            message: next.message ?? 'Requested action aborted: local error in processing, try again later',
          }
        : undefined;
    },
    async down() {
      if (!server.server.listening) return;
      downs += 1;
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async up() {
      if (server.server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.server.once('error', reject);
        server.server.listen(port, host, () => {
          server.server.off('error', reject);
          resolve();
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
