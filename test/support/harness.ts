import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';

import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';

import { createApp } from '../../api/app.js';
import { answerMalformedRequests } from '../../api/client-errors.js';
import { createWorker } from '../../bin/create-worker.js';
import { insertApiToken, newSecret } from '../../db/credentials.js';
import { createDb, type Db } from '../../db/database.js';
import { insertOrganisation, insertUser } from '../../db/organisations.js';
import type { Organisation, User } from '../../db/schema.js';
import { type CaptureServer, startCaptureServer } from '../../mail/capture-server.js';
import { createSmtpMailer, type Mailer } from '../../mail/mailer.js';
import { type Config, loadConfig } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import { traceClientInterceptor } from '../../platform/temporal-trace.js';
import type { ServiceContext } from '../../services/context.js';
import { closePublicDocuments } from '../../services/publication/public-documents.js';
import { copyDatabase } from './database.js';

export { deliveryYear, needLine, statementDetails } from './sample-input.js';

let runtimeInstalled = false;
function ensureRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed already in this process */
  }
}

export interface Harness {
  db: Db;
  temporal: Client;
  mail: CaptureServer;
  mailer: Mailer;
  baseUrl: string;
  config: Config;
  ctx: ServiceContext;
  taskQueue: string;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Real services for one test file: the run's Temporal dev server and database, an SMTP capture
 * server, a worker on a task queue of its own, and the API listening on a free port.
 */
export async function startHarness(
  options: { worker?: boolean; freshDatabase?: boolean; mailSendingRateLimit?: number } = {},
): Promise<Harness> {
  ensureRuntime();
  const taskQueue = `jd-test-${randomUUID()}`;
  const mail = await startCaptureServer();
  // Files run in parallel against one database; a file whose assertions cover everything in it
  // (a digest of all pilots, say) asks for a database of its own.
  const fresh = options.freshDatabase ? await createFreshDatabase(inject('databaseUrl')) : undefined;
  const databaseUrl = fresh?.url ?? inject('databaseUrl');
  const temporalAddress = inject('temporalAddress');
  let config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    // Webhook receivers in tests listen on 127.0.0.1 (test/webhooks.test.ts).
    WEBHOOK_ALLOW_HTTP_LOCALHOST: 'true',
  });
  // The API and the worker run as the application role, as in production; `h.db` keeps the
  // owner's rights so a test can set a scene (or tamper) the application itself could not.
  const db = createDb(databaseUrl, 5);
  const appDb = createDb(databaseUrl, 5, config.DATABASE_ROLE);
  const mailer = createSmtpMailer(config.SMTP_URL, config.MAIL_FROM);
  const connection = await Connection.connect({ address: temporalAddress, connectTimeout: '30s' });
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    interceptors: { workflow: [traceClientInterceptor] },
  });
  const logger = createLogger('silent');

  // The API needs to know its own URL for links in mail; listen first, then build the app.
  const holder: { handler?: (req: unknown, res: unknown) => void } = {};
  const { createServer } = await import('node:http');
  const server: Server = createServer((req, res) => holder.handler!(req, res));
  answerMalformedRequests(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  config = { ...config, PUBLIC_URL: baseUrl };
  const ctx: ServiceContext = { db: appDb, temporal, config, logger };
  const { app } = createApp({
    ctx,
    db: appDb,
    temporal,
    mailer,
    secureCookies: false,
    signInRateLimit: options.mailSendingRateLimit ?? 1000,
    checkResponses: true,
  });
  holder.handler = app as never;

  let worker: { worker: Worker; run: Promise<void>; close: () => Promise<void> } | undefined;
  const startWorker = async () => {
    if (worker) return;
    const created = await createWorker({
      db: appDb,
      mailer,
      publicUrl: baseUrl,
      address: temporalAddress,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    worker = { worker: created.worker, run: created.worker.run(), close: () => created.connection.close() };
  };
  const stopWorker = async () => {
    if (!worker) return;
    const w = worker;
    worker = undefined;
    w.worker.shutdown();
    await w.run;
    await w.close();
  };
  if (options.worker !== false) await startWorker();

  return {
    db,
    temporal,
    mail,
    mailer,
    baseUrl,
    config,
    ctx,
    taskQueue,
    startWorker,
    stopWorker,
    async close() {
      await stopWorker();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closePublicDocuments(ctx);
      await connection.close();
      mailer.close();
      await mail.close();
      await db.destroy();
      await appDb.destroy();
    },
  };
}

/**
 * A migrated database with the reference lists (a copy of the run's template), named after the
 * run's one. The run's teardown drops it, once every test process has exited: dropping it here,
 * with `force`, would kill connections a pool may still be closing and surface as an unhandled error.
 */
async function createFreshDatabase(runUrl: string): Promise<{ url: string }> {
  const name = `${new URL(runUrl).pathname.slice(1)}_${randomUUID().slice(0, 8)}`;
  return { url: await copyDatabase(inject('databaseTemplateUrl'), name) };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A small HTTP client that keeps a session cookie or sends a bearer token, like a real client
 * would. Like the web client, it sends every change with an Idempotency-Key and repeats it with
 * the same key when the server sheds load (503 with Retry-After), a few times; a test that
 * wants to see the 503 itself sets `retryUnavailable` to 0.
 */
export class ApiClient {
  cookie: string | undefined;
  retryUnavailable = 4;
  constructor(
    readonly baseUrl: string,
    readonly auth: { cookie?: string; bearer?: string } = {},
  ) {
    this.cookie = auth.cookie;
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const changes = method !== 'GET' && method !== 'HEAD';
    const sent =
      changes && !Object.keys(headers).some((k) => k.toLowerCase() === 'idempotency-key')
        ? { ...headers, 'Idempotency-Key': randomUUID() }
        : headers;
    for (let attempt = 0; ; attempt += 1) {
      const res = await this.send<T>(method, path, body, sent);
      const retryAfter = Number(res.headers.get('retry-after'));
      if (!changes || res.status !== 503 || !(retryAfter > 0) || attempt >= this.retryUnavailable) return res;
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    }
  }

  private async send<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && typeof body !== 'string') h['content-type'] ??= 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.auth.bearer) h.authorization = `Bearer ${this.auth.bearer}`;
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    // A small cookie jar, like a browser's: the session cookie and the sign-in binding cookie.
    for (const set of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = set.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const expired = pair.endsWith('=') || attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      const jar = new Map(
        (this.cookie ?? '')
          .split('; ')
          .filter(Boolean)
          .map((c) => [c.slice(0, c.indexOf('=')), c] as const),
      );
      if (expired) jar.delete(name);
      else jar.set(name, pair);
      this.cookie = jar.size > 0 ? [...jar.values()].join('; ') : undefined;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}

export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@test.example`;

export async function makeOrganisation(
  h: Harness,
  o: {
    kind: Organisation['kind'];
    name?: string;
    country: string;
    buyerLegalType?: string;
    sme?: boolean;
    /** eForms OPP-051 / OPP-052: a central purchasing body. */
    awardingCpb?: boolean;
    acquiringCpb?: boolean;
  },
): Promise<Organisation> {
  return insertOrganisation(h.db, {
    kind: o.kind,
    name: o.name ?? `${o.kind} ${randomUUID().slice(0, 6)}`,
    country: o.country,
    buyer_legal_type: o.kind === 'buyer' ? (o.buyerLegalType ?? 'la') : null,
    sme: o.kind === 'supplier' ? (o.sme ?? true) : null,
    awarding_cpb: o.awardingCpb ?? false,
    acquiring_cpb: o.acquiringCpb ?? false,
  });
}

export async function makeUser(
  h: Harness,
  orgId: string,
  u: { label?: string; email?: string; locale?: string; roles?: string[]; isAdmin?: boolean } = {},
): Promise<User> {
  return insertUser(h.db, {
    organisation_id: orgId,
    email: u.email ?? uniqueEmail(u.label ?? 'user'),
    name: u.label ?? 'Test User',
    locale: u.locale ?? 'en',
    roles: u.roles ?? [],
    is_admin: u.isAdmin ?? false,
  });
}

/** A member of a new organisation, authenticated with an API token (quick, for setting the scene). */
export async function makeActor(
  h: Harness,
  o: Parameters<typeof makeOrganisation>[1],
  u: Parameters<typeof makeUser>[2] = {},
): Promise<{ org: Organisation; user: User; api: ApiClient }> {
  const org = await makeOrganisation(h, o);
  const user = await makeUser(h, org.id, u);
  const secret = newSecret('jd_');
  await insertApiToken(h.db, { userId: user.id, name: 'test', secret, expiresAt: null });
  return { org, user, api: new ApiClient(h.baseUrl, { bearer: secret }) };
}

/** Signs in the way a person does: ask for a link, read it from the captured mail, follow it. */
export async function signIn(h: Harness, email: string): Promise<ApiClient> {
  const client = new ApiClient(h.baseUrl);
  const before = h.mail.messages.length;
  const res = await client.post('/api/auth/sign-in', { email });
  if (res.status !== 202) throw new Error(`sign-in request answered ${res.status}`);
  // The link's mail, not another one to the same address (a process notice sent meanwhile).
  const linkIn = (text: string) =>
    (text.match(/https?:\/\/\S+/g) ?? []).map((u) => new URL(u).searchParams.get('token')).find((t) => t !== null);
  const isLink = (x: { to: string[]; text: string }) =>
    x.to.includes(email.toLowerCase()) && linkIn(x.text) !== undefined;
  const messages = await h.mail.waitFor((m) => m.slice(before).some(isLink));
  const token = linkIn(messages.slice(before).find(isLink)!.text)!;
  const verified = await client.post('/api/auth/verify', { token });
  if (verified.status !== 200) throw new Error(`verify answered ${verified.status}`);
  return client;
}

/** How many statements the database holds: what a refused request must leave as it was. */
/** The statements one lead organisation holds: other files create statements in the same database meanwhile. */
export async function countStatements(db: Db, leadOrgId: string): Promise<number> {
  const row = await db
    .selectFrom('statements')
    .where('lead_org_id', '=', leadOrgId)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function until<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs `fn` over `items` with at most `limit` at a time (a crowd of clients, not a stampede). */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

/**
 * Every payload of a workflow history, decoded to text. Searching the raw history object finds
 * nothing useful: payloads are byte arrays, and timestamps' digits match number fragments by chance.
 */
export function historyPayloadText(history: unknown): string {
  const texts: string[] = [];
  const decoder = new TextDecoder();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (node instanceof Uint8Array) return;
    const record = node as Record<string, unknown>;
    if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
      texts.push(decoder.decode(record.data));
      return;
    }
    for (const value of Object.values(record)) visit(value);
  };
  visit(history);
  return texts.join('\n');
}
