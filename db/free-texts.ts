import { createHash } from 'node:crypto';

import { sql } from 'kysely';

import { DomainError } from '../domain/errors.js';
import type { FreeTextRef, WithTextRefs } from '../domain/events.js';
import type { DbOrTx } from './database.js';

export interface FreeTextInput {
  statementId: string;
  organisationId: string;
  /** What the text is, e.g. `cancel_reason`. */
  purpose: string;
  text: string;
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Keeps a free text (a reason, a justification) in PostgreSQL and returns what a workflow may
 * carry instead: its id and hash. The id follows from the statement, organisation, purpose and
 * text, so a retried request stores it once and sends the same reference.
 */
export async function storeFreeText(db: DbOrTx, input: FreeTextInput): Promise<FreeTextRef> {
  const hash = textHash(input.text);
  const id = uuidFrom(
    createHash('sha256')
      .update(`${input.statementId}\n${input.organisationId}\n${input.purpose}\n${hash}`)
      .digest('hex'),
  );
  await sql`
    insert into free_texts (id, statement_id, organisation_id, purpose, text, text_hash)
    values (${id}, ${input.statementId}, ${input.organisationId}, ${input.purpose}, ${input.text}, ${hash})
    on conflict (id) do nothing`.execute(db);
  return { textId: id, textHash: hash };
}

/** The event with each free-text reference replaced by its text (what the audit and read models record). */
export async function resolveEventTexts<E>(db: DbOrTx, event: WithTextRefs<E>): Promise<E> {
  const resolved: Record<string, unknown> = { ...(event as Record<string, unknown>) };
  for (const field of ['reason', 'comment']) {
    const value = resolved[field];
    if (value !== null && typeof value === 'object')
      resolved[field] = await resolveFreeText(db, value as FreeTextRef, field);
  }
  return resolved as E;
}

/**
 * The text a reference stands for, checked against its hash; a plain string (older histories) is
 * the text itself. A reference to no text, or to another text, is final (`unprocessable`, naming
 * `field`): no retry brings it back.
 */
export async function resolveFreeText(
  db: DbOrTx,
  value: string | FreeTextRef | null | undefined,
  field = 'reason',
): Promise<string | null> {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  const row = await sql<{
    text: string;
    text_hash: string;
  }>`select text, text_hash from free_texts where id = ${value.textId}`.execute(db);
  const found = row.rows[0];
  if (!found || found.text_hash !== value.textHash || textHash(found.text) !== value.textHash) {
    throw new DomainError('unprocessable', `The ${field} ${value.textId} is not on record or does not match its hash`, [
      { field, rule: 'must refer to a stored text with the same hash' },
    ]);
  }
  return found.text;
}
