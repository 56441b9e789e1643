import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { Db } from '../db/database.js';
import { enqueueMessages, findMessagesByKey, pendingMessageIdsWithKeyPrefix } from '../db/outbox.js';
import {
  type AttemptOutcome,
  claimDueDeliveries,
  type ClaimedDelivery,
  disableEndpoint,
  findEndpoint,
  markDeliveredMany,
  organisationRecipients,
  recordAttempt,
  renewDeliveryLeases,
} from '../db/webhooks.js';
import { composeForEach } from '../mail/compose.js';
import type { Mailer } from '../mail/mailer.js';
import { openWebhookSecret, signWebhook } from '../platform/webhook-signature.js';
import {
  isNonPublicAddress,
  webhookIdOf,
  webhookMaxAttempts,
  webhookRetryDelayMs,
  webhookTimeoutMs,
  webhookUrlProblem,
} from '../rules/webhooks.js';
import { createMailActivities } from './mail-activities.js';

export interface WebhookRelayDeps {
  db: Db;
  mailer: Mailer;
  publicUrl: string;
  /** Opens the sealed signing secrets (WEBHOOK_SECRET_KEY). */
  secretKey: Buffer;
  allowHttpLocalhost: boolean;
  /** The first retry's delay (WEBHOOK_RETRY_BASE_MS); each next one doubles, at most 6 hours. */
  retryBaseMs: number;
  /** Consecutive failed attempts that disable an endpoint (WEBHOOK_DISABLE_AFTER_FAILURES). */
  disableAfterFailures: number;
  timeoutMs?: number;
  /**
   * How long a claim is kept unless renewed (default 15 s). A live relay renews what it holds a
   * third of the way in, so only a dead relay's deliveries are taken over: within this time.
   */
  leaseSeconds?: number;
  /**
   * How long a relay keeps trying to mark an answered delivery (and keeps its lease) while the
   * database refuses the write (default 300 s); after that the lease runs out and it is sent again.
   */
  maxHoldSeconds?: number;
  /** How often an idle relay looks for due deliveries. */
  pollMs?: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

/** The outbox keys of the e-mails that say an endpoint was disabled. */
const disabledNoticeKeyPrefix = 'webhook-disabled:';

/** Whether an address is this machine's (what WEBHOOK_ALLOW_HTTP_LOCALHOST lets a loopback endpoint reach). */
const isLoopbackAddress = (address: string) => /^127\./.test(address) || address === '::1';

/**
 * The DNS lookup every connection of the relay makes: it refuses a host name that resolves to a
 * private, loopback or link-local address (a public name pointing into the network), and the
 * connection uses the addresses it checked, so a name cannot answer one thing to the check and
 * another to the connection (DNS rebinding).
 */
export function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      const done = callback as (err: NodeJS.ErrnoException | null, address: unknown, family?: number) => void;
      if (error) return done(error, '');
      const list = addresses as unknown as LookupAddress[];
      const refused = list.find(
        (a) => isNonPublicAddress(a.address) && !(allowLoopback && isLoopbackAddress(a.address)),
      );
      if (refused || list.length === 0)
        return done(
          Object.assign(new Error('the host name resolves to a private, loopback or link-local address'), {
            code: 'ENONPUBLIC',
          }),
          '',
        );
      if (options.all) return done(null, list);
      return done(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** One POST; resolves with the status as soon as the answer's head arrives (its body is not read). */
function postOnce(
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  lookup: LookupFunction,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup },
      (res) => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
        res.destroy();
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEOUT' })),
      timeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

/**
 * The webhook relay: a loop in each worker process that claims due deliveries from the webhooks'
 * outbox (`webhook_deliveries`), POSTs each once, signed (Standard Webhooks), and writes the
 * outcome: 2xx delivered; otherwise the row goes back with its next attempt later (exponential
 * backoff) or, after the last attempt, fails. 410 Gone disables the endpoint at once; so does a
 * run of `disableAfterFailures` failed attempts, and the organisation's users are e-mailed once
 * (through the mail outbox, keyed by the disabling). Redirects are not followed.
 *
 * A relay killed mid-delivery (test/webhooks-worker-kill.test.ts) loses nothing: what it held
 * comes back when its leases run out (within `leaseSeconds`, since only a live relay renews
 * them) and is sent again with the same webhook-id. The receiver sees a delivery twice only if
 * the relay died between reading a 2xx and committing its mark (see `markDelivered`), or if the
 * receiver answered into the connection of a process already killed and not yet torn down; it
 * dedupes on webhook-id, as Standard Webhooks asks.
 */
export function createWebhookRelay(deps: WebhookRelayDeps) {
  const timeoutMs = deps.timeoutMs ?? webhookTimeoutMs;
  // Short, since a live relay renews what it holds: a dead relay's deliveries go out again within it.
  const leaseSeconds = deps.leaseSeconds ?? 15;
  const maxHoldMs = (deps.maxHoldSeconds ?? 300) * 1000;
  const mail = createMailActivities({ db: deps.db, mailer: deps.mailer });
  const lookup = guardedLookup(deps.allowHttpLocalhost);

  // What this relay holds: claimed and not yet marked (being sent, or answered and its mark not
  // yet written). Their leases are renewed until marked, so a slow receiver or a slow mark never
  // lets another relay send the same delivery beside this one.
  const held = new Map<string, { attempts: number; since: number }>();
  let renewer: ReturnType<typeof setInterval> | undefined;
  const hold = (c: ClaimedDelivery) => {
    held.set(c.id, { attempts: c.attempts, since: Date.now() });
    renewer ??= setInterval(
      () => {
        const since = Date.now() - maxHoldMs;
        const claims = [...held].filter(([, h]) => h.since > since).map(([id, h]) => ({ id, attempts: h.attempts }));
        renewDeliveryLeases(deps.db, claims, leaseSeconds).catch((e: unknown) => deps.onError?.(e));
      },
      Math.max(500, (leaseSeconds * 1000) / 3),
    );
    renewer.unref?.();
  };
  const release = (id: string) => {
    held.delete(id);
    if (held.size === 0 && renewer) {
      clearInterval(renewer);
      renewer = undefined;
    }
  };

  /**
   * The marks of answered deliveries, as the e-mail sender writes its (activities/mail-activities.ts):
   * collected and written on the next turn of the event loop, many in one statement, one write at a
   * time (the next batch gathers meanwhile). HTTP has no transactions: a relay killed after the
   * receiver answered and before this mark committed leaves the delivery in doubt, and once its
   * lease runs out another relay sends it again, with the same webhook-id (receivers dedupe on
   * it). That window is the answer's arrival to this statement's commit: one event-loop turn and
   * one round trip (test/webhooks-worker-kill.test.ts on a loaded 2-core machine: answers 1–2 ms
   * before a SIGKILL were sent again, 4–7 ms before were marked; with a five-round-trip
   * transaction per answer, as before, one 7 ms before was sent again). A write that fails (the database gone for a while) is tried again, at least
   * once a second, for `maxHoldMs`, the leases renewed meanwhile, so an outage alone repeats nothing.
   */
  let queued: { outcome: AttemptOutcome; done: () => void; failed: (e: unknown) => void }[] = [];
  let flushing: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  const writeMarks = async () => {
    // Everything answered by the time this write's turn comes, however many.
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await markDeliveredMany(
          deps.db,
          batch.map((b) => b.outcome),
        );
        for (const b of batch) b.done();
        return;
      } catch (error) {
        if (Date.now() - started >= maxHoldMs) {
          for (const b of batch) b.failed(error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 4 ** attempt, 1000)));
      }
    }
  };
  const markDelivered = (outcome: AttemptOutcome): Promise<void> =>
    new Promise((done, failed) => {
      queued.push({ outcome, done, failed });
      flushing ??= setTimeout(() => {
        flushing = undefined;
        chain = chain.then(writeMarks);
      }, 0);
    });

  async function post(c: ClaimedDelivery): Promise<{ statusCode: number | null; error: string | null }> {
    let url: URL;
    try {
      url = new URL(c.url);
    } catch {
      return { statusCode: null, error: 'the URL is not valid' };
    }
    const rule = webhookUrlProblem(url.toString(), { allowHttpLocalhost: deps.allowHttpLocalhost });
    if (rule) return { statusCode: null, error: `not sent: the URL ${rule}` };
    const timestamp = Math.floor(Date.now() / 1000);
    const id = webhookIdOf(c.id);
    try {
      const status = await postOnce(
        url,
        c.body,
        {
          'content-type': 'application/json',
          'user-agent': 'jointdemand-webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(openWebhookSecret(deps.secretKey, c.secretSealed), id, timestamp, c.body),
        },
        timeoutMs,
        lookup,
      );
      const ok = status >= 200 && status < 300;
      return {
        statusCode: status,
        error: ok
          ? null
          : status >= 300 && status < 400
            ? `HTTP ${status} (redirects are not followed)`
            : `HTTP ${status}`,
      };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const reason =
        e.code === 'ENONPUBLIC' ? `not sent: ${e.message}` : e.code === 'ETIMEOUT' ? e.message : (e.code ?? e.message);
      return { statusCode: null, error: reason };
    }
  }

  async function attempt(c: ClaimedDelivery): Promise<void> {
    const startedAt = new Date();
    const t0 = performance.now();
    const { statusCode, error } = await post(c);
    const outcome: AttemptOutcome = {
      deliveryId: c.id,
      endpointId: c.endpointId,
      attempt: c.attempts,
      startedAt,
      durationMs: performance.now() - t0,
      statusCode,
      error,
      succeeded: error === null,
    };
    if (outcome.succeeded) return markDelivered(outcome);
    const gone = statusCode === 410;
    const retryAt =
      outcome.succeeded || gone || c.attempts >= webhookMaxAttempts
        ? null
        : new Date(Date.now() + webhookRetryDelayMs(c.attempts, deps.retryBaseMs));
    const messageIds = await deps.db.transaction().execute(async (trx) => {
      const { recorded, consecutiveFailures } = await recordAttempt(trx, outcome, retryAt);
      if (!recorded) return [];
      if (!gone && consecutiveFailures < deps.disableAfterFailures) return [];
      if (!(await disableEndpoint(trx, c.endpointId, gone ? 'gone' : 'failures'))) return [];
      const endpoint = (await findEndpoint(trx, c.endpointId))!;
      const recipients = await organisationRecipients(trx, endpoint.organisationId);
      // Keyed by the attempt that disabled it: one e-mail per disabling, whatever repeats.
      const messages = composeForEach(
        recipients,
        `${disabledNoticeKeyPrefix}${c.endpointId}:${c.id}:${c.attempts}`,
        null,
        gone ? 'mail.webhookGone' : 'mail.webhookDisabled',
        () => ({
          url: endpoint.url,
          failures: String(consecutiveFailures),
          error: error ?? '',
          link: new URL('/supplier/webhooks', deps.publicUrl).toString(),
        }),
      );
      await enqueueMessages(trx, messages);
      return messages.map((m) => m.key);
    });
    if (messageIds.length > 0) {
      const rows = await findMessagesByKey(deps.db, messageIds);
      await mail.deliverOutboxMessages({ messageIds: rows.map((r) => r.id) });
    }
  }

  async function sendQueuedDisabledNotices(): Promise<void> {
    const ids = await pendingMessageIdsWithKeyPrefix(deps.db, disabledNoticeKeyPrefix);
    if (ids.length > 0) await mail.deliverOutboxMessages({ messageIds: ids });
  }

  /** Claims and tries what is due now; returns how many deliveries it tried. */
  async function deliverDue(): Promise<number> {
    const claimed = await claimDueDeliveries(deps.db, deps.batchSize ?? 20, leaseSeconds);
    for (const c of claimed) hold(c);
    await Promise.all(
      claimed.map((c) =>
        attempt(c)
          .catch((e: unknown) => deps.onError?.(e))
          .finally(() => release(c.id)),
      ),
    );
    return claimed.length;
  }

  /** Runs the loop until stopped; stopping waits for the attempts in flight. */
  function start(): { stop(): Promise<void> } {
    let running = true;
    let wake: (() => void) | undefined;
    const loop = (async () => {
      // A relay that stopped between queueing an endpoint's "disabled" e-mail and sending it left
      // it pending in the outbox: the next start sends it (its key keeps it to one message).
      await sendQueuedDisabledNotices().catch((e: unknown) => deps.onError?.(e));
      while (running) {
        const tried = await deliverDue().catch((e: unknown) => {
          deps.onError?.(e);
          return 0;
        });
        if (tried === 0 && running)
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, deps.pollMs ?? 1000);
          });
      }
    })();
    return {
      async stop() {
        running = false;
        wake?.();
        await loop;
      },
    };
  }

  return { deliverDue, start };
}

export type WebhookRelay = ReturnType<typeof createWebhookRelay>;
