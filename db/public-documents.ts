import { sql } from 'kysely';
import pg from 'pg';

import type { DbOrTx, Tx } from './database.js';

/** The channel a rendering announces itself on, so every API process drops what it kept. */
const channel = 'public_documents';

export type PublicDocumentKind = 'statement' | 'ocds';
export type PublicListName = 'statements' | 'atom' | 'consultations';

/** What a reader of the public routes keys its memory by: one statement's documents, or one list. */
export type PublicDocumentKey = { statementId: string } | { list: PublicListName };

const keyText = (key: PublicDocumentKey) => ('list' in key ? `list:${key.list}` : `statement:${key.statementId}`);

/**
 * One rendering of a statement's documents at a time: a publication and a change of naming
 * consent render from what they read after taking it, so neither writes over the other's newer view.
 */
export async function lockStatementDocuments(trx: Tx, statementId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`public-documents:${statementId}`}))`.execute(trx);
}

/** One rendering of the public lists at a time (taken after a statement's lock, never before). */
export async function lockPublicLists(trx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('public-lists'))`.execute(trx);
}

/**
 * Stores a published version's document once: a retried activity, or a reader rendering one that
 * is missing at the same moment, finds the row and leaves it (`replace` is for a change that
 * alters what the version shows, a buyer's naming consent). True when a row was written.
 */
export async function storePublicDocument(
  trx: Tx,
  d: { statementId: string; document: PublicDocumentKind; version: number; body: string; etag: string },
  options: { replace?: boolean } = {},
): Promise<boolean> {
  const result = await trx
    .insertInto('public_documents')
    .values({ statement_id: d.statementId, document: d.document, version: d.version, body: d.body, etag: d.etag })
    .onConflict((oc) =>
      options.replace
        ? oc
            .columns(['statement_id', 'document', 'version'])
            .doUpdateSet({ body: d.body, etag: d.etag, rendered_at: sql<Date>`now()` })
            .where('public_documents.etag', '<>', d.etag)
        : oc.columns(['statement_id', 'document', 'version']).doNothing(),
    )
    .executeTakeFirst();
  const written = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  if (written) await notifyChange(trx, { statementId: d.statementId });
  return written;
}

/** Stores a list as it now reads; nothing is written (or announced) when it reads as before. */
export async function storePublicList(
  trx: Tx,
  l: { list: PublicListName; body: string; etag: string },
): Promise<boolean> {
  const result = await trx
    .insertInto('public_lists')
    .values({ list: l.list, body: l.body, etag: l.etag })
    .onConflict((oc) =>
      oc
        .column('list')
        .doUpdateSet({ body: l.body, etag: l.etag, rendered_at: sql<Date>`now()` })
        .where('public_lists.etag', '<>', l.etag),
    )
    .executeTakeFirst();
  const written = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  if (written) await notifyChange(trx, { list: l.list });
  return written;
}

/** Delivered when the transaction commits, and only then (PostgreSQL holds notifications until commit). */
async function notifyChange(trx: Tx, key: PublicDocumentKey): Promise<void> {
  await sql`select pg_notify(${channel}, ${keyText(key)})`.execute(trx);
}

/** The latest published version's document of a statement, as stored. */
export async function findPublicDocument(db: DbOrTx, statementId: string, document: PublicDocumentKind) {
  return db
    .selectFrom('public_documents')
    .select(['version', 'body', 'etag'])
    .where('statement_id', '=', statementId)
    .where('document', '=', document)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findPublicList(db: DbOrTx, list: PublicListName) {
  return db.selectFrom('public_lists').select(['body', 'etag']).where('list', '=', list).executeTakeFirst();
}

/** Every stored rendering of a statement's documents (what the tests count). */
export async function listPublicDocumentsOf(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('public_documents')
    .select(['document', 'version', 'etag', 'rendered_at'])
    .where('statement_id', '=', statementId)
    .orderBy('document')
    .orderBy('version')
    .execute();
}

/**
 * Every statement in market engagement with a deadline, the soonest to close first: the open
 * consultations list before the clock is applied (a consultation whose deadline has passed is
 * not open, even before its workflow closes it; the reader leaves it out at the time it reads).
 */
export async function consultationsInMarketEngagement(db: DbOrTx) {
  return db
    .selectFrom('statements')
    .select(['id', 'title', 'cpv_codes', 'stage_deadline'])
    .where('stage', '=', 'market_engagement')
    .where('stage_deadline', 'is not', null)
    .orderBy('stage_deadline')
    .orderBy('id')
    .execute();
}

export interface PublicDocumentListener {
  close(): Promise<void>;
}

/**
 * Follows renderings committed by any process (`LISTEN`). `onChange` gets each key; `onReset`
 * is called whenever notifications may have been missed (the connection is lost, or not yet
 * listening), so the caller forgets everything it kept. It reconnects by itself.
 */
export function listenForPublicDocumentChanges(
  options: { connectionString: string; role?: string | undefined; retryMs?: number },
  handlers: { onChange(key: PublicDocumentKey): void; onReset(listening: boolean): void },
): PublicDocumentListener {
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const parse = (payload: string | undefined): PublicDocumentKey | undefined => {
    if (payload?.startsWith('list:')) return { list: payload.slice(5) as PublicListName };
    if (payload?.startsWith('statement:')) return { statementId: payload.slice(10) };
    return undefined;
  };
  const retry = () => {
    handlers.onReset(false);
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, options.retryMs ?? 1000);
    timer.unref();
  };
  const connect = async () => {
    const role = options.role && options.role !== 'none' ? options.role : undefined;
    const c = new pg.Client({
      connectionString: options.connectionString,
      ...(role ? { options: `-c role=${role}` } : {}),
    });
    client = c;
    c.on('error', () => {
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      retry();
    });
    c.on('notification', (n) => {
      const key = parse(n.payload);
      if (n.channel === channel && key) handlers.onChange(key);
    });
    try {
      await c.connect();
      // The listening connection must not keep a process alive that has finished its work.
      (c as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      await c.query(`listen ${channel}`);
      if (closed) return void (await c.end());
      // Renderings committed before LISTEN took effect were not heard: start from nothing.
      handlers.onReset(true);
    } catch {
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      retry();
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      handlers.onReset(false);
      if (c) await c.end().catch(() => undefined);
    },
  };
}
