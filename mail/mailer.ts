import nodemailer, { type Transporter } from 'nodemailer';

import type { Config } from '../platform/config.js';
import { cleanSingleLine } from '../rules/text-hygiene.js';

export interface MailToSend {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  /** An iCalendar document (METHOD:PUBLISH), attached as `deadlines.ics`. */
  calendar?: string | null;
}

/** A message's calendar as an attachment: `text/calendar; method=PUBLISH`, which calendar clients offer to add. */
export function calendarAttachments(calendar: string | null | undefined) {
  return calendar
    ? [
        {
          filename: 'deadlines.ics',
          content: calendar,
          contentType: 'text/calendar; method=PUBLISH; charset=utf-8',
          contentDisposition: 'attachment' as const,
        },
      ]
    : undefined;
}

export interface Mailer {
  send(message: MailToSend): Promise<void>;
  /** Checks that the SMTP server answers; used by /readyz. */
  verify(): Promise<void>;
  close(): void;
  /** The send rate this mailer keeps to (messages per second), if any: senders size their batches by it. */
  readonly maxPerSecond?: number;
  /** SMTP connections it uses at once. */
  readonly connections?: number;
}

/** nodemailer's codes for a failure below SMTP: the relay refused the connection, dropped it, timed out, or cannot be found now. */
const connectionFailureCodes = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS']);

/**
 * A failure that says "not now" rather than "never": a 4xx reply (the relay busy, greylisting,
 * 421 closing the channel, 451 local error) or no reply at all (the relay unreachable). Such a
 * message waits for the relay however long it takes; only a permanent failure (5xx, or a message
 * nodemailer cannot send at all) counts towards parking it.
 */
export function isTemporarySmtpFailure(error: unknown): boolean {
  const e = error as { responseCode?: unknown; code?: unknown } | null;
  if (typeof e?.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  return typeof e?.code === 'string' && connectionFailureCodes.has(e.code);
}

export interface SmtpPoolOptions {
  /** false: one connection per message (a probe such as /readyz's dead-relay test). */
  pool?: boolean;
  /** SMTP connections open at once (nodemailer `maxConnections`). */
  maxConnections?: number;
  /** Messages sent over one connection before it is replaced (nodemailer `maxMessages`); 0: no limit. */
  maxMessages?: number;
  /** At most this many messages per second from this process (paced by `createPacer`); 0: no limit. */
  maxPerSecond?: number;
}

/** The defaults of MAIL_POOL_CONNECTIONS, MAIL_POOL_MAX_MESSAGES and MAIL_MAX_PER_SECOND (platform/config.ts). */
export const defaultSmtpPool = { maxConnections: 5, maxMessages: 1000, maxPerSecond: 0 } as const;

/** The pool settings a deployment chose (MAIL_POOL_CONNECTIONS, MAIL_POOL_MAX_MESSAGES, MAIL_MAX_PER_SECOND). */
export function smtpPoolOptions(
  config: Pick<Config, 'MAIL_POOL_CONNECTIONS' | 'MAIL_POOL_MAX_MESSAGES' | 'MAIL_MAX_PER_SECOND'>,
): SmtpPoolOptions {
  return {
    maxConnections: config.MAIL_POOL_CONNECTIONS,
    maxMessages: config.MAIL_POOL_MAX_MESSAGES,
    maxPerSecond: config.MAIL_MAX_PER_SECOND,
  };
}

/**
 * Paces sends to at most `perSecond`: `take()` resolves when the next message may go. Releases
 * come `step` at a time (a hundredth of the rate, at least one) and each group at least
 * `step / perSecond` seconds after the previous one was released, so any one second holds at most
 * the rate plus one group, and a stalled process does not catch up in a burst afterwards.
 * (nodemailer's own `rateLimit` was measured to let 18 messages through in one second at a limit of
 * 12 with 3 connections: it counts a message when it is handed to a connection but checks the count
 * only when a connection frees up, so every connection may pass the check at once.)
 */
export function createPacer(
  perSecond: number,
  clock: { now(): number; sleep(ms: number): Promise<void> } = {
    now: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  },
): { take(): Promise<void> } {
  const step = Math.max(1, Math.ceil(perSecond / 100));
  const gapMs = (1000 * step) / perSecond;
  let chain: Promise<void> = Promise.resolve();
  let released = step;
  let lastRelease = -Infinity;
  return {
    take() {
      const turn = chain.then(async () => {
        if (released >= step) {
          const wait = lastRelease + gapMs - clock.now();
          if (wait > 0) await clock.sleep(wait);
          lastRelease = clock.now();
          released = 0;
        }
        released += 1;
      });
      chain = turn;
      return turn;
    },
  };
}

/**
 * nodemailer over SMTP, pooled: several connections, each reused for many messages, so a fan-out
 * pays no connection set-up per message. With `maxPerSecond` every message waits its turn before it
 * is handed to the pool (one pacer for all its connections), so a relay's limit is kept.
 */
export function createSmtpMailer(smtpUrl: string, from: string, options: SmtpPoolOptions = {}): Mailer {
  const url = new URL(smtpUrl);
  const pool = options.pool ?? true;
  const maxConnections = options.maxConnections ?? defaultSmtpPool.maxConnections;
  const maxMessages = options.maxMessages ?? defaultSmtpPool.maxMessages;
  const maxPerSecond = options.maxPerSecond ?? defaultSmtpPool.maxPerSecond;
  const transport: Transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    pool,
    maxConnections,
    maxMessages: maxMessages > 0 ? maxMessages : Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const pacer = maxPerSecond > 0 ? createPacer(maxPerSecond) : undefined;
  return {
    ...(maxPerSecond > 0 ? { maxPerSecond } : {}),
    connections: pool ? maxConnections : 1,
    async send(message) {
      await pacer?.take();
      await transport.sendMail({
        from,
        to: message.to,
        // Again at the last step, for messages queued before subjects were cleaned when composed.
        subject: cleanSingleLine(message.subject),
        text: message.text,
        messageId: message.messageId,
        headers: message.headers,
        attachments: calendarAttachments(message.calendar),
      });
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}
