import { Context } from '@temporalio/activity';

import type { Db } from '../db/database.js';
import { claimMessages, markFailedMany, markSentMany, type OutboxScope, renewLeases, unsentIn } from '../db/outbox.js';
import type { OutboxRow } from '../db/schema.js';
import { isTemporarySmtpFailure, type Mailer } from '../mail/mailer.js';

export interface MailActivityDeps {
  db: Db;
  mailer: Mailer;
  /** How long a claimed message stays reserved for this sender before another may take it. */
  leaseSeconds?: number;
  /** The most messages claimed by one query (fewer under a send rate, so claimed messages are sent well within their lease). */
  batchSize?: number;
  maxAttempts?: number;
  /** The least time between the starts of two statements marking messages sent (ms); see `createMailActivities`. */
  markIntervalMs?: number;
  /**
   * How long a sender keeps renewing the lease of a message it could not get out (seconds): after
   * that, a sender stuck for good (its SMTP connection hanging, say) lets another take over.
   */
  maxHoldSeconds?: number;
}

function heartbeat(details: unknown): void {
  // Also callable outside an activity (benchmarks, tools), where there is nobody to tell.
  try {
    Context.current().heartbeat(details);
  } catch {
    /* not in an activity */
  }
}

/**
 * How many messages one claim takes. Under a send rate, what is claimed (at most two claims are
 * in flight) must go out within half a lease, or another sender could take it over meanwhile.
 */
export function claimSizeFor(options: { batchSize: number; leaseSeconds: number; maxPerSecond?: number }): number {
  if (!options.maxPerSecond) return options.batchSize;
  return Math.max(1, Math.min(options.batchSize, Math.floor((options.maxPerSecond * options.leaseSeconds) / 4)));
}

/** A send that did not go out, as its claim returned it (`attempts` fences a late failure). */
interface SendFailure {
  id: string;
  attempts: number;
  error: string;
  temporary: boolean;
}

/** The statements that record sends' outcomes (`markSentMany`, `markFailedMany` in db/outbox.ts). */
export interface OutcomeWrites {
  markSent(ids: string[]): Promise<void>;
  markFailed(failures: SendFailure[]): Promise<void>;
}

/**
 * Collects the outcome of sends and writes it in batches: one UPDATE for many messages sent. A
 * write starts on the next turn of the event loop, but no sooner than `intervalMs` after the one
 * before it started, or at once when a claim's worth is waiting. While a write is under way,
 * whatever is sent meanwhile waits for it and goes in the one statement that follows it (before,
 * each turn of the event loop queued a statement of its own behind it: 5,101 statements for
 * 10,000 messages in the publication benchmark, the last written 10 s after the relay had taken
 * it). The interval plus a write's round trip bound the window in which a crash leaves a message
 * sent but not marked (it is then sent again with the same Message-ID when its lease runs out);
 * writes never overlap.
 */
export class OutcomeWriter {
  private sent: string[] = [];
  private failed: SendFailure[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private error: unknown;
  /** Outcome writes queued or under way. */
  private writing = 0;
  /** When the next write may start (ms since the epoch): `intervalMs` after the last one started. */
  private nextStart = 0;

  constructor(
    private readonly writes: OutcomeWrites,
    private readonly options: {
      batch: number;
      intervalMs: number;
      retryForMs: number;
    },
  ) {}

  add(outcome: { id: string; attempts: number; error?: string; temporary?: boolean }): void {
    if (outcome.error === undefined) this.sent.push(outcome.id);
    else
      this.failed.push({
        id: outcome.id,
        attempts: outcome.attempts,
        error: outcome.error,
        temporary: outcome.temporary ?? false,
      });
    // While a write is under way, its end writes what came meanwhile.
    if (this.writing > 0) return;
    // A failed write is kept and thrown by the last flush.
    if (this.sent.length + this.failed.length >= this.options.batch) this.flush().catch(() => undefined);
    else this.flushIn(Math.max(0, this.untilNextStart()));
  }

  private untilNextStart(): number {
    return this.nextStart - Date.now();
  }

  private flushIn(ms: number): void {
    this.timer ??= setTimeout(() => this.flush().catch(() => undefined), ms);
  }

  /**
   * Runs a write after the ones before it: this sender's statements never overlap, so they cannot
   * deadlock each other. A write that fails for a passing reason (a deadlock with another sender,
   * a dropped connection, the database down for a while) is tried again, at least once a second,
   * for as long as `retryForMs`: a message sent but never marked would be sent again once its
   * lease ran out (seen with the application's PostgreSQL stopped for 30 s: two e-mails twice).
   * The activity heartbeats meanwhile, so nobody else takes its messages over.
   */
  serialize(write: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          return await write();
        } catch (error) {
          if (Date.now() - started >= this.options.retryForMs) {
            this.error ??= error;
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 4 ** attempt, 1000)));
        }
      }
    });
    return this.chain;
  }

  /** Writes what is collected; resolves when every write so far is done, rejects if one failed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const sent = this.sent.splice(0);
    const failed = this.failed.splice(0);
    if (sent.length > 0 || failed.length > 0) {
      this.nextStart = Date.now() + this.options.intervalMs;
      this.writing += 1;
      if (sent.length > 0) void this.serialize(() => this.writes.markSent(sent));
      if (failed.length > 0) void this.serialize(() => this.writes.markFailed(failed));
      void this.serialize(async () => {
        this.writing -= 1;
        // What was sent while this was written: all of it in one statement, once the interval is over.
        if (this.writing === 0 && this.sent.length + this.failed.length > 0) {
          const wait = this.untilNextStart();
          if (wait > 0) this.flushIn(wait);
          else this.flush().catch(() => undefined);
        }
      });
    }
    return this.chain.then(() => {
      if (this.error !== undefined) throw this.error;
    });
  }
}

/**
 * Sends what the outbox holds. Messages are claimed a batch per query (a lease each), handed to
 * the pooled SMTP transport, and marked sent in batches; the next batch is claimed while the
 * last one is still being sent, so the relay never waits for the database. If the sender dies,
 * the leases of what it claimed run out and another sender sends those messages again with the
 * same Message-ID: the only window in which SMTP, which has no transactions, can see a message
 * twice is between the relay accepting it and the batch that marks it sent (at most `markIntervalMs`
 * and the mark's round trip).
 */
export function createMailActivities(deps: MailActivityDeps) {
  // Short, since a live sender renews what it holds: a dead sender's messages go out within it.
  const leaseSeconds = deps.leaseSeconds ?? 30;
  const maxAttempts = deps.maxAttempts ?? 10;
  // A mark after a quiet spell starts on the next turn of the event loop: a delay of 50 ms there
  // let a worker killed right after its relay took a message send it twice
  // (test/topology-faults.test.ts (a), seed 16002, in CI). In a burst, one mark per 10 ms at most:
  // back to back, a mark every round trip (4-5 messages each, 200-300 a second) was most of
  // PostgreSQL's work in a fan-out and its largest cost against raw nodemailer (publication
  // benchmark, 10,000 suppliers: PostgreSQL 0.19-0.28 ms per e-mail, 0.05-0.15 with the interval;
  // ratio medians 0.77 and 0.70 against 0.86 and 0.88). The window a crash can leave a message
  // sent but not marked grows from two round trips to the interval and one.
  const markIntervalMs = deps.markIntervalMs ?? 10;
  const maxHoldMs = (deps.maxHoldSeconds ?? 300) * 1000;
  /** How often a fan-out's sender looks for the next page while it still has sends under way. */
  const pagePollMs = 25;

  /**
   * Sends what is claimable in `scope`. Unless `othersHeldLeft`, it then waits for what another
   * sender holds there, claiming those messages when their leases run out: the delivery that
   * replaces a dead one (its activity retried after a missed heartbeat) comes back while the dead
   * sender's leases still run, and nothing else would come back for them. A live sender's
   * messages are marked sent meanwhile, which ends the wait as well. With `pollMs`, a claim that
   * finds nothing while sends are still under way is tried again after `pollMs` instead of ending
   * the delivery (a fan-out whose next page is still being queued).
   */
  async function deliver(
    scope: OutboxScope,
    lease = leaseSeconds,
    othersHeldLeft = false,
    pollMs = 0,
  ): Promise<{ sent: number }> {
    const claimSize = claimSizeFor({
      batchSize: deps.batchSize ?? 200,
      leaseSeconds: lease,
      maxPerSecond: deps.mailer.maxPerSecond,
    });
    // Two claims in flight: one being sent, the next already fetched.
    const maxInFlight = claimSize * 2;
    let sent = 0;
    let failed = 0;
    let inFlight = 0;
    let stop = false;
    let wake: (() => void) | undefined;
    // What this sender holds: claimed, and not yet sent (or refused). Their leases are renewed
    // while they wait their turn, so only a dead sender's messages are ever taken over.
    const held = new Map<string, { attempts: number; since: number }>();
    const writes: OutcomeWrites = {
      markSent: (ids) => markSentMany(deps.db, ids),
      markFailed: (failures) => markFailedMany(deps.db, failures, maxAttempts),
    };
    const writer = new OutcomeWriter(writes, {
      batch: claimSize,
      intervalMs: markIntervalMs,
      retryForMs: maxHoldMs,
    });
    // The one heartbeat of a delivery, once a second (the fan-out's activities time out after 10 s
    // without one). A heartbeat after every mark as well (300 a second in a fan-out) took 3-4 % of
    // the worker's thread in the SDK (details encoded, handed to the native worker) for nothing:
    // the SDK sends the server at most one per 80 % of the timeout anyway.
    const ticker = setInterval(() => heartbeat({ sent, failed, inFlight }), 1000);
    // In the writer's line, so a renewal never runs beside a write of the same rows.
    const renewer = setInterval(
      () => {
        const since = Date.now() - maxHoldMs;
        const claims = [...held].filter(([, h]) => h.since > since).map(([id, h]) => ({ id, attempts: h.attempts }));
        if (claims.length > 0) writer.serialize(() => renewLeases(deps.db, claims, lease)).catch(() => undefined);
      },
      Math.max(500, (lease * 1000) / 3),
    );
    const sends: Promise<void>[] = [];

    let pollWait = pollMs;
    let failuresInARow = 0;
    // Failed sends go back to the queue once this delivery has stopped claiming: written at once,
    // a relay refusing fast had them claimed again by the same delivery's next claim, a second
    // attempt counted in one delivery (and a refused message parked sooner than `maxAttempts`).
    const failures: Parameters<OutcomeWriter['add']>[0][] = [];
    const sendBatch = (batch: OutboxRow[]) =>
      Promise.all(
        batch.map(async (row) => {
          try {
            await deps.mailer.send({
              to: row.to_address,
              subject: row.subject,
              text: row.text_body,
              messageId: row.smtp_message_id,
              headers: row.headers,
              calendar: row.calendar,
            });
            sent += 1;
            failuresInARow = 0;
            held.delete(row.id);
            writer.add({ id: row.id, attempts: row.attempts });
          } catch (error) {
            failed += 1;
            failuresInARow += 1;
            held.delete(row.id);
            // A relay that is down or busy (4xx, no answer) does not use up the message's attempts.
            failures.push({
              id: row.id,
              attempts: row.attempts,
              error: (error as Error).message,
              temporary: isTemporarySmtpFailure(error),
            });
            // A failing relay (a claim's worth refused, none taken): stop claiming and let the
            // activity's retry policy back off; what is in flight finishes.
            if (failuresInARow >= claimSize) stop = true;
          } finally {
            inFlight -= 1;
            wake?.();
          }
        }),
      ).then(() => undefined);

    try {
      for (;;) {
        while (!stop) {
          while (inFlight > maxInFlight - claimSize && !stop) await new Promise<void>((resolve) => (wake = resolve));
          if (stop) break;
          const batch = await claimMessages(deps.db, scope, claimSize, lease);
          if (batch.length === 0) {
            // The next page may land while these sends are under way: claimed then, it reaches the
            // pool before the pool runs dry (waiting for every send first left the relay idle at
            // each page the sender had caught up with).
            // Each empty look waits twice as long as the last, up to a second: a slow relay (a send
            // rate) holding a claim's worth for seconds costs a few claims, not one every 25 ms.
            if (pollMs > 0 && inFlight > 0 && !stop) {
              await new Promise((resolve) => setTimeout(resolve, pollWait));
              pollWait = Math.min(pollWait * 2, 1000);
              continue;
            }
            break;
          }
          pollWait = pollMs;
          for (const row of batch) held.set(row.id, { attempts: row.attempts, since: Date.now() });
          inFlight += batch.length;
          sends.push(sendBatch(batch));
        }
        await Promise.all(sends);
        for (const failure of failures.splice(0)) writer.add(failure);
        await writer.flush();
        if (stop || failed > 0 || othersHeldLeft) break;
        // Everything this sender claimed is sent and marked: what is left, another holds.
        const left = await unsentIn(deps.db, scope);
        if (left.unsent === 0) break;
        if (left.claimable > 0) continue;
        heartbeat({ sent, waitingFor: left.unsent });
        const untilLease = left.nextLeaseEnd ? left.nextLeaseEnd.getTime() - Date.now() + 20 : Infinity;
        await new Promise((resolve) => setTimeout(resolve, Math.max(20, Math.min(untilLease, 1000))));
      }
    } finally {
      clearInterval(ticker);
      clearInterval(renewer);
    }
    heartbeat({ sent, failed });
    if (failed > 0)
      throw new Error(`${failed} message(s) could not be sent yet; they stay in the outbox for the next attempt`);
    return { sent };
  }

  return {
    async deliverStatementMail(input: { statementId: string }): Promise<{ sent: number }> {
      return deliver({ statementId: input.statementId });
    },
    async deliverOutboxMessages(input: { messageIds: string[] }): Promise<{ sent: number }> {
      return deliver({ messageIds: input.messageIds });
    },
    async deliverMailByKeyPrefix(input: { keyPrefix: string }): Promise<{ sent: number }> {
      return deliver({ keyPrefix: input.keyPrefix });
    },
    /**
     * Sends everything queued under a key prefix (a supplier notice's fan-out), under a lease of
     * `leaseSeconds`. With `drain`, it also waits for messages another (dead) sender had claimed,
     * until their leases run out and they can be sent here, and returns only when nothing under the
     * prefix is left unsent. Without it (the fan-out is still queueing pages), it keeps looking for
     * newly queued messages until none has come for `idleMs`: a queue that falls behind for a moment
     * costs a short wait, not a round trip through the workflow; and while its sends are under way
     * it looks again after 25 ms (then 50, 100, … up to a second), so a page queued meanwhile joins
     * them before the pool runs dry.
     */
    async deliverQueuedNotices(input: {
      keyPrefix: string;
      drain: boolean;
      leaseSeconds: number;
      idleMs?: number;
    }): Promise<{ sent: number }> {
      let sent = 0;
      let lastProgress = Date.now();
      for (;;) {
        const delivered = (
          await deliver({ keyPrefix: input.keyPrefix }, input.leaseSeconds, true, input.drain ? 0 : pagePollMs)
        ).sent;
        sent += delivered;
        if (!input.drain) {
          if (delivered > 0) lastProgress = Date.now();
          else if (Date.now() - lastProgress >= (input.idleMs ?? 0)) return { sent };
          heartbeat({ sent });
          if (delivered === 0) await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const left = await unsentIn(deps.db, { keyPrefix: input.keyPrefix });
        if (left.unsent === 0) return { sent };
        heartbeat({ sent, waitingFor: left.unsent });
        if (left.claimable > 0) continue;
        // Until the earliest lease runs out (a dead sender's messages come back then), polling at least every second.
        const untilLease = left.nextLeaseEnd ? left.nextLeaseEnd.getTime() - Date.now() + 20 : Infinity;
        await new Promise((resolve) => setTimeout(resolve, Math.max(20, Math.min(untilLease, 1000))));
      }
    },
  };
}

export type MailActivities = ReturnType<typeof createMailActivities>;
