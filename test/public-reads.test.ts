import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { renderStatementDocuments } from '../db/public-document-renderer.js';
import { listPublicDocumentsOf } from '../db/public-documents.js';
import { loadLpSolver } from '../platform/lp-solver.js';
import { PublicDocuments } from '../services/publication/public-documents.js';
import {
  ApiClient,
  type ApiResponse,
  type Harness,
  makeActor,
  needLine,
  startHarness,
  until,
} from './support/harness.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 23, point 1: the public statement, its OCDS package, the list, the Atom feed and the
 * open consultations are rendered when they change and served as stored, with a strong ETag,
 * Cache-Control and 304 for a client that has them already. A database of its own, so no other
 * file's publications change the lists under these assertions.
 */
describe('public reads served from what publication wrote', () => {
  let h: Harness;
  let lead: Actor, oslo: Actor, copenhagen: Actor, tallinn: Actor;
  let id: string;
  let other: string;
  /** A reader of the stored bytes and their tag (fetch itself would ask for gzip: see the gzip test below). */
  const anonymous = () => {
    const client = new ApiClient(h.baseUrl);
    return {
      get: (path: string, headers: Record<string, string> = {}) =>
        client.get(path, { 'accept-encoding': 'identity', ...headers }),
    };
  };
  const etag = (r: ApiResponse) => r.headers.get('etag') ?? '';
  const ok = <T extends { status: number; body: unknown }>(res: T, status = 200): T => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res;
  };
  /** Cached by the browser only until it asks again, which costs a 304. */
  const expectCacheable = (r: ApiResponse) => {
    expect(etag(r)).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const cacheControl = r.headers.get('cache-control') ?? '';
    expect(cacheControl).toContain('public');
    expect(cacheControl).toContain('must-revalidate');
    expect(cacheControl).toMatch(/s-maxage=\d+/);
  };
  /** Another request with the tag answers 304 with no body; a request with another tag gets the document. */
  const expectRevalidates = async (path: string, r: ApiResponse) => {
    const again = ok(await anonymous().get(path));
    expect(etag(again)).toBe(etag(r));
    expect(again.body).toEqual(r.body);
    const notModified = ok(await anonymous().get(path, { 'if-none-match': etag(r) }), 304);
    expect(notModified.body).toBe('');
    expect(etag(notModified)).toBe(etag(r));
    expect(ok(await anonymous().get(path, { 'if-none-match': `"stale", W/${etag(r)}` }), 304).body).toBe('');
    expect(ok(await anonymous().get(path, { 'if-none-match': '"something-else"' })).body).toEqual(r.body);
  };
  /** The public list's tag once it differs from `before` (renderings reach every API process by a notification). */
  const changedFrom = (path: string, before: string) =>
    until(
      () => anonymous().get(path),
      (r) => r.status === 200 && etag(r) !== before,
      10_000,
      `${path} to change`,
    );

  /** A request as sent, and the bytes as answered: fetch would decode a gzipped body itself. */
  const rawGet = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      httpGet(`${h.baseUrl}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      }).on('error', reject);
    });

  beforeAll(async () => {
    h = await startHarness({ freshDatabase: true });
    lead = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Helsinki', country: 'FI' },
      { label: 'lead', roles: ['signatory'] },
    );
    oslo = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Oslo', country: 'NO' },
      { label: 'oslo', roles: ['signatory'] },
    );
    copenhagen = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Copenhagen', country: 'DK' },
      { label: 'cph', roles: ['signatory'] },
    );
    tallinn = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Tallinn', country: 'EE' },
      { label: 'tallinn', roles: ['signatory'] },
    );
    const needs = (): [Actor, Record<string, unknown>[]][] => [
      [lead, [needLine({ quantity: '4' })]],
      [oslo, [needLine({ quantity: '3' })]],
      [copenhagen, [needLine({ quantity: '2' })]],
    ];
    [id, other] = await Promise.all([
      statementInMarketEngagement(h, lead, needs()),
      statementInMarketEngagement(h, lead, needs()),
    ]);
  });
  afterAll(async () => h?.close());

  it('serves the open consultations with a strong ETag and 304, and keeps an unpublished statement 404', async () => {
    const list = ok(await anonymous().get('/api/consultations'));
    expect(list.body.map((c: { statementId: string }) => c.statementId).sort()).toEqual([id, other].sort());
    expectCacheable(list);
    await expectRevalidates('/api/consultations', list);
    // Pages are cached per page asked for.
    const firstOnly = ok(await anonymous().get('/api/consultations?limit=1'));
    expect(firstOnly.body).toEqual(list.body.slice(0, 1));
    expect(etag(firstOnly)).not.toBe(etag(list));

    // A consultation whose deadline has passed is not open, even before its workflow closes it:
    // the reader applies the clock (time is input here) to the stored list.
    const reader = new PublicDocuments(h.db, { publicUrl: h.baseUrl });
    const soonest = Date.parse(list.body[0].deadline);
    const later = JSON.parse((await reader.openConsultations({ limit: 50, offset: 0 }, soonest)).body.toString('utf8'));
    // Both statements open at once: their deadlines may fall in the same millisecond.
    expect(later).toEqual(list.body.filter((c: { deadline: string }) => Date.parse(c.deadline) > soonest));
    expect(later).not.toContainEqual(list.body[0]);
    expect((await reader.openConsultations({ limit: 50, offset: 0 }, soonest - 1000)).etag).toBe(etag(list));

    for (const path of [`/api/public/statements/${id}`, `/api/public/statements/${id}/ocds.json`]) {
      const res = await anonymous().get(path);
      expect(res.status).toBe(404);
      // A problem is not a public document: nothing tells a cache to keep it.
      expect(res.headers.get('cache-control') ?? '').not.toContain('public');
    }
    expect(await listPublicDocumentsOf(h.db, id)).toEqual([]);
  });

  it('renders the statement once at publication and serves it, its OCDS, the list and the feed with ETags', async () => {
    const listBefore = ok(await anonymous().get('/api/public/statements'));
    expect(listBefore.body).toEqual([]);
    const consultationsBefore = ok(await anonymous().get('/api/consultations'));

    await publish(h, id, lead, [lead, oslo, copenhagen]);

    const list = await changedFrom('/api/public/statements', etag(listBefore));
    expect(list.body).toEqual([expect.objectContaining({ statementId: id, version: 1, signatories: 3 })]);
    expectCacheable(list);
    await expectRevalidates('/api/public/statements', list);

    // The consultation closed when approval began: the list of open ones changed with it.
    const consultations = await changedFrom('/api/consultations', etag(consultationsBefore));
    expect(consultations.body.map((c: { statementId: string }) => c.statementId)).toEqual([other]);

    const page = ok(await anonymous().get(`/api/public/statements/${id}`));
    expect(page.body).toMatchObject({
      statementId: id,
      version: 1,
      unnamedSignatories: 2,
      signatories: [{ name: 'City of Helsinki' }],
    });
    expectCacheable(page);
    await expectRevalidates(`/api/public/statements/${id}`, page);

    const ocds = ok(await anonymous().get(`/api/public/statements/${id}/ocds.json`));
    expect(ocds.body.releases).toHaveLength(1);
    expectCacheable(ocds);
    await expectRevalidates(`/api/public/statements/${id}/ocds.json`, ocds);

    const feed = ok(await anonymous().get('/api/public/statements.atom'));
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(feed.body).toContain(`urn:uuid:${id}`);
    expectCacheable(feed);
    await expectRevalidates('/api/public/statements.atom', feed);

    // One row per document and published version, its tag the one served.
    const rows = await listPublicDocumentsOf(h.db, id);
    expect(rows.map((r) => [r.document, r.version])).toEqual([
      ['ocds', 1],
      ['statement', 1],
    ]);
    expect(rows.find((r) => r.document === 'statement')!.etag).toBe(etag(page));
    expect(rows.find((r) => r.document === 'ocds')!.etag).toBe(etag(ocds));
  });

  it('gzips the page and its OCDS once for clients that accept it, each encoding with its own tag; not a list of a few hundred bytes', async () => {
    for (const path of [`/api/public/statements/${id}`, `/api/public/statements/${id}/ocds.json`]) {
      const plain = ok(await anonymous().get(path));
      const zipped = await rawGet(path, { 'accept-encoding': 'gzip, deflate, br' });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding'], `${path}, ${plain.headers.get('content-length')} bytes`).toBe('gzip');
      expect(zipped.headers.vary).toBe('Accept-Encoding');
      expect(plain.headers.get('vary')).toBe('Accept-Encoding');
      expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
      expect(zipped.body.length).toBeLessThan(Number(plain.headers.get('content-length')));
      expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(plain.body);
      // Another encoding, other bytes: another strong tag, and a client holding either gets a 304.
      expect(zipped.headers.etag).toBe(`${etag(plain).slice(0, -1)}-gzip"`);
      for (const held of [zipped.headers.etag!, etag(plain)]) {
        const again = await rawGet(path, { 'accept-encoding': 'gzip', 'if-none-match': held });
        expect(again.status).toBe(304);
        expect(again.body.length).toBe(0);
      }
      // Not where gzip is refused, or nothing is said.
      for (const refused of [{ 'accept-encoding': 'gzip;q=0, identity' }, {}] as Record<string, string>[]) {
        const res = await rawGet(path, refused);
        expect(res.headers['content-encoding']).toBeUndefined();
        expect(res.headers.etag).toBe(etag(plain));
        expect(JSON.parse(res.body.toString('utf8'))).toEqual(plain.body);
      }
    }
    // Under a kilobyte gzip saves next to nothing: the list of one statement goes as it is, to everyone.
    const list = ok(await anonymous().get('/api/public/statements'));
    expect(Number(list.headers.get('content-length'))).toBeLessThan(1024);
    const asked = await rawGet('/api/public/statements', { 'accept-encoding': 'gzip' });
    expect(asked.headers['content-encoding']).toBeUndefined();
    expect(asked.headers.vary).toBe('Accept-Encoding');
    expect(asked.headers.etag).toBe(etag(list));
  });

  it('writes nothing again when the publishing activity is retried', async () => {
    const before = await listPublicDocumentsOf(h.db, id);
    const deps = { solver: await loadLpSolver(), publicUrl: h.baseUrl };
    // What a retried activity does after the publication it found: render, and find the rows there.
    for (let attempt = 0; attempt < 2; attempt++) {
      const rendered = await h.db.transaction().execute((trx) => renderStatementDocuments(trx, deps, id));
      expect(rendered?.statement.etag).toBe(before.find((r) => r.document === 'statement')!.etag);
    }
    const after = await listPublicDocumentsOf(h.db, id);
    expect(after).toEqual(before);
    // The key refuses a second row outright.
    const [first] = before;
    await expect(
      h.db
        .insertInto('public_documents')
        .values({ statement_id: id, document: first!.document, version: first!.version, body: '{}', etag: '"x"' })
        .execute(),
    ).rejects.toThrow(/duplicate key/);
  });

  it('changes the page and the list tags with a late signatory’s version, and the page’s with a change of naming consent', async () => {
    const page1 = ok(await anonymous().get(`/api/public/statements/${id}`));
    const list1 = ok(await anonymous().get('/api/public/statements'));
    ok(await tallinn.api.post(`/api/statements/${id}/signatory-requests`), 202);
    ok(await lead.api.post(`/api/statements/${id}/signatory-requests/${tallinn.org.id}`, { accept: true }));

    const page2 = await changedFrom(`/api/public/statements/${id}`, etag(page1));
    expect(page2.body).toMatchObject({ version: 2, unnamedSignatories: 3 });
    expect(page2.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const list2 = await changedFrom('/api/public/statements', etag(list1));
    expect(list2.body).toEqual([expect.objectContaining({ statementId: id, version: 2, signatories: 4 })]);
    expect((await listPublicDocumentsOf(h.db, id)).map((r) => [r.document, r.version])).toEqual([
      ['ocds', 1],
      ['ocds', 2],
      ['statement', 1],
      ['statement', 2],
    ]);

    // Oslo agrees to be named after publication: the public page names it at once, as it always has.
    ok(await oslo.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true }));
    const named = await changedFrom(`/api/public/statements/${id}`, etag(page2));
    expect(named.body.signatories.map((s: { name: string }) => s.name).sort()).toEqual([
      'City of Helsinki',
      'City of Oslo',
    ]);
    expect(named.body.unnamedSignatories).toBe(2);
    // Still one row per version: the version's rendering was replaced.
    expect(await listPublicDocumentsOf(h.db, id)).toHaveLength(4);
    // The list shows no names, so its tag stays.
    expect(etag(ok(await anonymous().get('/api/public/statements')))).toBe(etag(list2));
  });

  it('changes the list tags when another statement is published, and the consultations’ when one is cancelled', async () => {
    const list = ok(await anonymous().get('/api/public/statements'));
    const feed = ok(await anonymous().get('/api/public/statements.atom'));
    await publish(h, other, lead, [lead, oslo, copenhagen]);
    const after = await changedFrom('/api/public/statements', etag(list));
    expect(after.body.map((s: { statementId: string }) => s.statementId).sort()).toEqual([id, other].sort());
    expect((await changedFrom('/api/public/statements.atom', etag(feed))).body).toContain(`urn:uuid:${other}`);

    const third = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '4' })]],
      [oslo, [needLine({ quantity: '3' })]],
      [copenhagen, [needLine({ quantity: '2' })]],
    ]);
    const open = await until(
      () => anonymous().get('/api/consultations'),
      (r) => r.body.length === 1,
      10_000,
      'the third consultation listed',
    );
    expect(open.body[0].statementId).toBe(third);
    ok(await lead.api.post(`/api/statements/${third}/cancel`, { reason: 'The buyers chose another route' }));
    const closed = await changedFrom('/api/consultations', etag(open));
    expect(closed.body).toEqual([]);
    // A cancelled statement was never published: still nothing public about it.
    expect((await anonymous().get(`/api/public/statements/${third}`)).status).toBe(404);
  });

  it('renders what was published before the documents were stored on its first read, and stores it', async () => {
    const served = ok(await anonymous().get(`/api/public/statements/${other}`));
    const stored = await listPublicDocumentsOf(h.db, other);
    // As if published before the migration: no rows, and nothing kept in memory (the rows are
    // removed by the owner, so the API is told as a rendering would tell it).
    await h.db.deleteFrom('public_documents').where('statement_id', '=', other).execute();
    await h.db.deleteFrom('public_lists').execute();
    await sql`select pg_notify('public_documents', ${`statement:${other}`}), pg_notify('public_documents', 'list:statements')`.execute(
      h.db,
    );
    const again = await until(
      async () => {
        const res = await anonymous().get(`/api/public/statements/${other}`);
        return { res, rows: await listPublicDocumentsOf(h.db, other) };
      },
      (v) => v.rows.length > 0,
      10_000,
      'a render on read',
    );
    expect(again.res.status).toBe(200);
    expect(again.res.body).toEqual(served.body);
    expect(etag(again.res)).toBe(etag(served));
    expect((await listPublicDocumentsOf(h.db, other)).map((r) => [r.document, r.version, r.etag])).toEqual(
      stored.map((r) => [r.document, r.version, r.etag]),
    );
    const list = ok(await anonymous().get('/api/public/statements'));
    expect(list.body).toHaveLength(2);
    expect(await h.db.selectFrom('public_lists').select('list').orderBy('list').execute()).toEqual([
      { list: 'atom' },
      { list: 'statements' },
    ]);
  });
});
