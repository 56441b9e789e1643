import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enqueueMessages, findMessagesByKey, messageIdFor, type OutgoingMessage } from '../db/outbox.js';
import { type Harness, startHarness } from './support/harness.js';

/**
 * Whatever a message's text holds, it comes back from the outbox as it was written, in every
 * column; a key is queued once, however often and in whichever batch it comes.
 */
describe('queueing messages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(async () => h?.close());

  const awkward = [
    'plain',
    '',
    'with "double quotes", commas, {braces} and a backslash \\ at the end\\',
    'NULL',
    '{"looks":"like json"}',
    'lines\nand\r\ntabs\t',
    'Ünïcödé – 東京 – עברית – 🚀',
  ];

  it('keeps every column of every message as written, counts only new keys, across statements of 1,000', async () => {
    const prefix = `outbox-enqueue:${randomUUID()}:`;
    const statementId = randomUUID();
    const messages: OutgoingMessage[] = Array.from({ length: 1_003 }, (_, i) => ({
      key: `${prefix}${i}`,
      statementId: i % 2 ? statementId : null,
      recipientUserId: i % 3 ? null : randomUUID(),
      to: `enqueue-${i}@suppliers.example`,
      locale: ['en', 'de', 'fr'][i % 3]!,
      subject: `${awkward[i % awkward.length]} ${i}`,
      text: `${awkward[(i + 1) % awkward.length]}\n${awkward[(i + 2) % awkward.length]}`,
      ...(i % 4 === 0 ? { headers: { 'X-Awkward': awkward[i % awkward.length]!.replace(/\s/g, ' ') } } : {}),
      ...(i % 5 === 0 ? { redactAfterSend: true } : {}),
      ...(i % 7 === 0
        ? { calendar: `BEGIN:VCALENDAR\r\nSUMMARY:${awkward[i % awkward.length]}\r\nEND:VCALENDAR` }
        : {}),
    }));
    // A key twice in one call, and keys queued before: neither is queued again nor counted.
    expect(await enqueueMessages(h.db, messages.slice(0, 10))).toBe(10);
    expect(await enqueueMessages(h.db, [...messages, messages[500]!])).toBe(messages.length - 10);
    expect(await enqueueMessages(h.db, messages)).toBe(0);

    const rows = new Map(
      (
        await findMessagesByKey(
          h.db,
          messages.map((m) => m.key),
        )
      ).map((r) => [r.key, r]),
    );
    expect(rows.size).toBe(messages.length);
    for (const m of messages) {
      const row = rows.get(m.key)!;
      expect({
        statementId: row.statement_id,
        recipientUserId: row.recipient_user_id,
        to: row.to_address,
        locale: row.locale,
        subject: row.subject,
        text: row.text_body,
        headers: row.headers,
        redact: row.redact_after_send,
        calendar: row.calendar,
        messageId: row.smtp_message_id,
        status: row.status,
      }).toEqual({
        statementId: m.statementId,
        recipientUserId: m.recipientUserId,
        to: m.to,
        locale: m.locale,
        subject: m.subject,
        text: m.text,
        headers: m.headers ?? {},
        redact: m.redactAfterSend ?? false,
        calendar: m.calendar ?? null,
        messageId: messageIdFor(m.key),
        status: 'pending',
      });
    }
  });
});
