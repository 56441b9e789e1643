import type { Db } from '../../db/database.js';
import { etagOf, publicListSize, type RenderDeps, renderOnMiss } from '../../db/public-document-renderer.js';
import {
  findPublicDocument,
  findPublicList,
  listenForPublicDocumentChanges,
  type PublicDocumentKey,
  type PublicDocumentKind,
  type PublicListName,
} from '../../db/public-documents.js';
import { DomainError } from '../../domain/errors.js';
import type { Config } from '../../platform/config.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import type { ServiceContext } from '../context.js';

/** Bytes as they are served, and the strong ETag that names them. */
export interface PublicRepresentation {
  body: Buffer;
  etag: string;
  /** How long a shared cache may keep it without asking (a consultation's deadline shortens it). */
  sharedMaxAgeSeconds: number;
}

/** A shared cache (a CDN in front) may serve a list or a page this long before asking again. */
export const sharedMaxAgeSeconds = 30;
/**
 * What an API process keeps in memory, at most, and for how long. A rendering committed by any
 * process is announced (`LISTEN`/`NOTIFY`) and drops what was kept at once; the age limit only
 * bounds a notification lost some way the connection did not report.
 */
const maxEntries = 2_000;
const maxAgeMs = 60_000;

interface Kept<T> {
  value: T;
  at: number;
}

interface ConsultationEntry {
  statementId: string;
  deadline: number;
  item: unknown;
}

/**
 * The public documents as stored at publication, kept in memory per API process while nothing
 * new has been rendered: most public requests then touch neither PostgreSQL nor the renderers.
 * Without a database URL to listen with, nothing is kept and each request reads the stored row.
 */
export class PublicDocuments {
  private readonly kept = new Map<string, Kept<unknown>>();
  private readonly loading = new Map<string, Promise<unknown>>();
  /** Bumped by every change heard: a load that began before it must not keep what it read. */
  private generation = 0;
  private listening = false;
  private readonly listener;

  constructor(
    private readonly db: Db,
    private readonly deps: { publicUrl: string; databaseUrl?: string | undefined; databaseRole?: string | undefined },
  ) {
    this.listener = deps.databaseUrl
      ? listenForPublicDocumentChanges(
          { connectionString: deps.databaseUrl, role: deps.databaseRole },
          {
            onChange: (key) => this.forget(key),
            onReset: (listening) => {
              this.listening = listening;
              this.generation += 1;
              this.kept.clear();
            },
          },
        )
      : undefined;
  }

  async close(): Promise<void> {
    await this.listener?.close();
  }

  /** The latest published version's page or OCDS package; 404 while the statement is not published. */
  async statementDocument(statementId: string, document: PublicDocumentKind): Promise<PublicRepresentation> {
    return this.remember(`statement:${statementId}`, document, async () => {
      const stored = await findPublicDocument(this.db, statementId, document);
      // Published before the documents were stored (or just now, by a worker still committing): render it once.
      const found = stored ?? (await renderOnMiss(this.db).statement(await this.renderDeps(), statementId))?.[document];
      if (!found) throw new DomainError('not_found', 'Statement not found');
      return representation(found.body, found.etag);
    });
  }

  /** The latest version of each published statement, newest first, `limit` of them. */
  async statementList(limit: number): Promise<PublicRepresentation> {
    // A page is derived from the whole list: kept only if nothing changed since the list was read.
    const generation = this.generation;
    const all = await this.remember(
      'list:statements',
      'all',
      async () => JSON.parse((await this.list('statements')).body) as unknown[],
    );
    return this.remember(
      'list:statements',
      `limit:${limit}`,
      async () =>
        representation(
          limit >= publicListSize ? (await this.list('statements')).body : JSON.stringify(all.slice(0, limit)),
        ),
      generation,
    );
  }

  async atomFeed(): Promise<PublicRepresentation> {
    return this.remember('list:atom', 'all', async () => {
      const stored = await this.list('atom');
      return representation(stored.body, stored.etag);
    });
  }

  /**
   * Consultations open now, the soonest to close first: the stored list less those whose deadline
   * has passed (they lead it), then the page asked for. A shared cache keeps it no longer than the
   * next deadline.
   */
  async openConsultations(page: { limit: number; offset: number }, now = Date.now()): Promise<PublicRepresentation> {
    const generation = this.generation;
    const all = await this.remember('list:consultations', 'all', async () =>
      (JSON.parse((await this.list('consultations')).body) as { statementId: string; deadline: string | null }[]).map(
        (item): ConsultationEntry => ({ statementId: item.statementId, deadline: Date.parse(item.deadline!), item }),
      ),
    );
    let closed = 0;
    while (closed < all.length && all[closed]!.deadline <= now) closed += 1;
    const open = all.slice(closed);
    const next = open[0]?.deadline;
    const shown = await this.remember(
      'list:consultations',
      `${closed}:${page.limit}:${page.offset}`,
      async () => representation(JSON.stringify(open.slice(page.offset, page.offset + page.limit).map((e) => e.item))),
      generation,
    );
    const untilNext = next === undefined ? sharedMaxAgeSeconds : Math.max(0, Math.floor((next - now) / 1000));
    return { ...shown, sharedMaxAgeSeconds: Math.min(sharedMaxAgeSeconds, untilNext) };
  }

  /** A stored list, rendered and stored by its first reader when nothing has been published since the table was made. */
  private async list(name: PublicListName): Promise<{ body: string; etag: string }> {
    const stored = await findPublicList(this.db, name);
    if (stored) return stored;
    const render = renderOnMiss(this.db);
    if (name === 'consultations') return render.consultations();
    return (await render.publishedLists({ publicUrl: this.deps.publicUrl }))[name];
  }

  private async renderDeps(): Promise<RenderDeps> {
    return { solver: await loadLpSolver(), publicUrl: this.deps.publicUrl };
  }

  private forget(key: PublicDocumentKey): void {
    this.generation += 1;
    const prefix = 'list' in key ? `list:${key.list}\n` : `statement:${key.statementId}\n`;
    for (const k of this.kept.keys()) if (k.startsWith(prefix)) this.kept.delete(k);
  }

  /**
   * `load`'s value, kept under (group, item) while no change is heard: not kept if one was heard
   * since `generation` (when the load began, or earlier for a value derived from one read before).
   */
  private async remember<T>(group: string, item: string, load: () => Promise<T>, since = this.generation): Promise<T> {
    const key = `${group}\n${item}`;
    const kept = this.kept.get(key);
    if (kept && Date.now() - kept.at < maxAgeMs) {
      // Most recently used last, so the oldest is the first to go when the map is full.
      this.kept.delete(key);
      this.kept.set(key, kept);
      return kept.value as T;
    }
    if (!this.listening) return load();
    const generation = since;
    // Requests that miss together share one load, never one begun before a change they follow.
    const loadingKey = `${generation}\n${key}`;
    const pending = this.loading.get(loadingKey);
    if (pending) return pending as Promise<T>;
    const promise = load()
      .then((value) => {
        if (this.listening && generation === this.generation) {
          this.kept.set(key, { value, at: Date.now() });
          if (this.kept.size > maxEntries) this.kept.delete(this.kept.keys().next().value!);
        }
        return value;
      })
      .finally(() => this.loading.delete(loadingKey));
    this.loading.set(loadingKey, promise);
    return promise;
  }
}

function representation(body: string, etag = etagOf(body)): PublicRepresentation {
  return { body: Buffer.from(body, 'utf8'), etag, sharedMaxAgeSeconds };
}

const perContext = new WeakMap<ServiceContext, PublicDocuments>();

/** The reader of one API (one service context): one listening connection each. */
export function publicDocumentsOf(ctx: ServiceContext): PublicDocuments {
  let reader = perContext.get(ctx);
  if (!reader) {
    // Every entry point passes its whole configuration; the context's type names what use-cases need.
    const config = ctx.config as ServiceContext['config'] & Partial<Pick<Config, 'DATABASE_URL' | 'DATABASE_ROLE'>>;
    reader = new PublicDocuments(ctx.db, {
      publicUrl: config.PUBLIC_URL,
      databaseUrl: config.DATABASE_URL,
      databaseRole: config.DATABASE_ROLE,
    });
    perContext.set(ctx, reader);
  }
  return reader;
}

/** Closes the reader of `ctx`, if one was made, and its listening connection: part of an API's shutdown. */
export async function closePublicDocuments(ctx: ServiceContext): Promise<void> {
  const reader = perContext.get(ctx);
  perContext.delete(ctx);
  await reader?.close();
}
