import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMarketActivities } from '../activities/market-activities.js';
import { savedSearchNoticeKey } from '../activities/saved-search-notices.js';
import { maxSavedSearches } from '../domain/saved-search.js';
import { loadLpSolver } from '../platform/lp-solver.js';
import { supplierFanoutWorkflowId } from '../workflows/statement/market-messages.js';
import { ApiClient, type Harness, makeActor, needLine, signIn, startHarness, until } from './support/harness.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;
interface Search {
  id: string;
  name: string;
  email: boolean;
  feedUrl: string | null;
  cpvPrefixes: string[];
  kinds: string[];
}

const ok = <T extends { status: number; body: unknown }>(res: T): T => {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
};

/** The Atom feed as its reader sees it: well-formed XML with the elements RFC 4287 requires. */
function parseAtom(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => ['entry', 'category', 'link'].includes(name),
  }).parse(xml) as {
    feed: {
      '@_xmlns': string;
      id: string;
      title: string;
      updated: string;
      link: { '@_rel': string; '@_href': string }[];
      entry?: { id: string; title: string; updated: string; summary: string; link: { '@_href': string }[] }[];
    };
  };
  const feed = doc.feed;
  expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(feed.id).toMatch(/^urn:uuid:/);
  expect(feed.title).toBeTruthy();
  expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
  expect(feed.link.some((l) => l['@_rel'] === 'self')).toBe(true);
  for (const e of feed.entry ?? []) {
    expect(e.id).toBeTruthy();
    expect(e.title).toBeTruthy();
    expect(Number.isNaN(Date.parse(e.updated))).toBe(false);
  }
  return feed.entry ?? [];
}

/**
 * Saved searches (issue 19) against the real API, Temporal worker, PostgreSQL and SMTP capture:
 * the supplier's own list, the 4xx naming the field, the feed (public data, matches only, by
 * its secret address), and the e-mails queued by the publication's and consultation's fan-out.
 */
describe('saved searches', () => {
  /**
   * The statement workflow starts a notice's fan-out as a child a moment after the event: wait
   * until the child exists, then for its end.
   */
  async function fanoutEnded(noticeId: string): Promise<void> {
    const fanout = h.temporal.workflow.getHandle(supplierFanoutWorkflowId(noticeId));
    await until(
      () =>
        fanout.describe().then(
          () => true,
          () => false,
        ),
      (started) => started,
      60_000,
      `the fan-out ${noticeId} to start`,
    );
    await fanout.result();
  }

  let h: Harness;
  let supplier: Actor;
  let session: ApiClient;
  const unique = `ssq${Date.now()}`;
  const title = `Zero-emission construction machinery ${unique}`;

  beforeAll(async () => {
    h = await startHarness();
    supplier = await makeActor(h, { kind: 'supplier', name: 'Search Works', country: 'SE' }, { label: 'search-works' });
    await h.db
      .updateTable('users')
      .set({ email_verified_at: sql<Date>`now()` })
      .where('id', '=', supplier.user.id)
      .execute();
    session = await signIn(h, supplier.user.email);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('creates, lists, edits and deletes a search; the feed address is shown once', async () => {
    const created = await session.post('/api/me/saved-searches', {
      name: '  Excavators ',
      words: 'Excavators',
      cpvPrefixes: ['43260000-3', '43', '43'],
      countries: ['fi'],
    });
    expect(created.status).toBe(201);
    const search = created.body as Search;
    expect(search).toMatchObject({
      name: 'Excavators',
      cpvPrefixes: ['43', '4326'],
      kinds: ['consultation', 'statement'],
      email: true,
    });
    expect(search.feedUrl).toMatch(/\/api\/saved-search-feeds\/ssf_[A-Za-z0-9_-]{43}\.atom$/);
    const list = ok(await session.get('/api/me/saved-searches')).body as { searches: Search[]; maxSearches: number };
    expect(list.maxSearches).toBe(maxSavedSearches);
    expect(list.searches.map((s) => [s.id, s.feedUrl])).toEqual([[search.id, null]]);

    const edited = ok(
      await session.put(`/api/me/saved-searches/${search.id}`, {
        name: 'Loaders',
        words: 'loaders',
        kinds: ['statement'],
        email: false,
      }),
    ).body as Search;
    expect(edited).toMatchObject({
      name: 'Loaders',
      cpvPrefixes: [],
      kinds: ['statement'],
      email: false,
      feedUrl: null,
    });
    // The feed address stays through an edit.
    expect((await fetch(search.feedUrl!)).status).toBe(200);

    expect((await session.delete(`/api/me/saved-searches/${search.id}`)).status).toBe(204);
    expect(ok(await session.get('/api/me/saved-searches')).body.searches).toEqual([]);
    // Deleting revokes the feed.
    expect((await fetch(search.feedUrl!)).status).toBe(404);
    expect((await session.delete(`/api/me/saved-searches/${search.id}`)).status).toBe(404);
  });

  it('answers bad input with a 4xx naming the field and the rule, and keeps at most the limit', async () => {
    const fieldsOf = (res: { body: { errors?: { field: string; rule: string }[] } }) =>
      (res.body.errors ?? []).map((e) => e.field);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'a', cpvPrefixes: ['99'] }, 'cpvPrefixes[0]'],
      [{ name: 'a', countries: ['Sweden'] }, 'countries[0]'],
      [{ name: 'a', kinds: [] }, 'kinds'],
      [{ name: 'a', kinds: ['tender'] }, 'kinds[0]'],
      [{ name: 'a', words: 'one two three four five six seven eight nine' }, 'words'],
      [{ name: 'a', email: 'yes' }, 'email'],
      // An unknown field is named in the rule, as for every strict body here.
      [{ name: 'a', colour: 'red' }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await session.post('/api/me/saved-searches', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res), JSON.stringify(res.body)).toContain(field);
      expect(res.body.errors.find((e: { field: string }) => e.field === field).rule).toBeTruthy();
    }
    const made: string[] = [];
    for (let i = 0; i < maxSavedSearches; i++)
      made.push(ok(await session.post('/api/me/saved-searches', { name: `Search ${i}` })).body.id);
    const over = await session.post('/api/me/saved-searches', { name: 'One too many' });
    expect(over.status).toBe(422);
    expect(over.body.errors[0].rule).toContain(`at most ${maxSavedSearches}`);
    for (const id of made) expect((await session.delete(`/api/me/saved-searches/${id}`)).status).toBe(204);
  });

  it('refuses every other viewer: another supplier 404, a buyer 403, no one 401, an API token cannot mint a feed', async () => {
    const mine = ok(await session.post('/api/me/saved-searches', { name: 'Mine' })).body as Search;
    const other = await makeActor(
      h,
      { kind: 'supplier', name: 'Other Works', country: 'DE' },
      { label: 'other-works' },
    );
    const otherSession = await signIn(h, other.user.email);
    const buyer = await makeActor(h, { kind: 'buyer', name: 'City of Searches', country: 'FI' });
    const anonymous = new ApiClient(h.baseUrl);
    const path = `/api/me/saved-searches/${mine.id}`;
    for (const client of [otherSession, other.api]) {
      expect((await client.put(path, { name: 'Taken' })).status).toBe(404);
      expect((await client.delete(path)).status).toBe(404);
      expect((await client.post(`${path}/feed`)).status).toBe(404);
    }
    expect(ok(await other.api.get('/api/me/saved-searches')).body.searches).toEqual([]);
    expect((await buyer.api.get('/api/me/saved-searches')).status).toBe(403);
    expect((await buyer.api.post('/api/me/saved-searches', { name: 'x' })).status).toBe(403);
    expect((await buyer.api.put(path, { name: 'x' })).status).toBe(403);
    expect((await anonymous.get('/api/me/saved-searches')).status).toBe(401);
    expect((await anonymous.post('/api/me/saved-searches', { name: 'x' })).status).toBe(401);
    expect((await anonymous.delete(path)).status).toBe(401);
    expect((await supplier.api.post('/api/me/saved-searches', { name: 'By token' })).status).toBe(403);
    expect((await supplier.api.post(`${path}/feed`)).status).toBe(403);
    // Unchanged by all of it.
    expect(ok(await session.get('/api/me/saved-searches')).body.searches).toMatchObject([
      { id: mine.id, name: 'Mine' },
    ]);
    expect((await session.delete(path)).status).toBe(204);
  });

  it('e-mails each matching search once per published version, even when the fan-out is retried; feeds show public matches only', async () => {
    const lead = await makeActor(h, { kind: 'buyer', name: 'City of Feeds', country: 'FI' }, { roles: ['signatory'] });
    const other = await makeActor(h, { kind: 'buyer', name: 'Town of Feeds', country: 'EE' }, { roles: ['signatory'] });
    const create = async (body: Record<string, unknown>) =>
      ok(await session.post('/api/me/saved-searches', body)).body as Search;
    // Two that match the statement, one by words and a CPV node above its code, one by a buyer's country.
    const byWords = await create({
      name: 'By words',
      words: `machinery ${unique}`,
      cpvPrefixes: ['43'],
      kinds: ['statement'],
    });
    const byCountry = await create({ name: 'By country', words: unique, countries: ['EE'], kinds: ['statement'] });
    // One that does not (another division), one that matches but does not e-mail, one for consultations.
    const otherCode = await create({ name: 'Other code', words: unique, cpvPrefixes: ['03'] });
    const quiet = await create({ name: 'Quiet', words: unique, email: false, kinds: ['statement'] });
    const consultations = await create({
      name: 'Consultations',
      words: 'ZERO emission',
      countries: ['EE'],
      kinds: ['consultation'],
    });

    // A French-speaking supplier's search: its e-mail is in French.
    const french = await makeActor(
      h,
      { kind: 'supplier', name: 'Recherche SARL', country: 'FR' },
      { label: 'recherche', locale: 'fr' },
    );
    await h.db
      .updateTable('users')
      .set({ email_verified_at: sql<Date>`now()` })
      .where('id', '=', french.user.id)
      .execute();
    const frenchSession = await signIn(h, french.user.email);
    ok(
      await frenchSession.post('/api/me/saved-searches', { name: 'Pelleteuses', words: unique, kinds: ['statement'] }),
    );

    const statementId = await statementInMarketEngagement(
      h,
      lead,
      [
        [lead, [needLine({ quantity: '2', unitPrice: '987654' })]],
        [other, [needLine({ quantity: '3', unitPrice: '123457' })]],
      ],
      {},
    );
    await h.db.updateTable('statements').set({ title }).where('id', '=', statementId).execute();
    // The title changed after the consultation opened: its notice was written with the old one.
    const toSupplier = () => h.mail.messages.filter((m) => m.to.includes(supplier.user.email));
    await fanoutEnded(`consultation-${statementId}-r1`);

    const consultationFeed = await fetch(consultations.feedUrl!);
    expect(consultationFeed.status).toBe(200);
    expect(consultationFeed.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const open = parseAtom(await consultationFeed.text());
    // Other files' consultations may be open too: each entry matches, and this one is there.
    const consultationPage = new URL(`/consultations/${statementId}`, h.baseUrl).toString();
    expect(open.find((e) => e.id === consultationPage)?.title).toBe(title);
    for (const e of open) expect(e.title).toMatch(/zero-emission/i);

    await publish(h, statementId, lead, [lead, other]);
    const publication = await h.db
      .selectFrom('publications')
      .select(['id', 'version'])
      .where('statement_id', '=', statementId)
      .executeTakeFirstOrThrow();
    const noticeId = `publication-${publication.id}`;
    await fanoutEnded(noticeId);

    const forSearch = (s: Search) =>
      toSupplier().filter((m) => m.text.includes(`"${s.name}"`) && m.text.includes(`/published/${statementId}`));
    expect(forSearch(byWords)).toHaveLength(1);
    expect(forSearch(byCountry)).toHaveLength(1);
    expect(forSearch(otherCode)).toHaveLength(0);
    expect(forSearch(quiet)).toHaveLength(0);
    const toFrench = h.mail.messages.filter(
      (m) => m.to.includes(french.user.email) && m.text.includes(`/published/${statementId}`),
    );
    expect(toFrench).toHaveLength(1);
    expect(toFrench[0]!.subject).toBe(
      `Recherche enregistrée « Pelleteuses » : déclaration conjointe de demande publiée : « ${title} »`,
    );
    const [mail] = forSearch(byWords);
    expect(mail!.subject).toContain(title);
    expect(mail!.text).toContain(new URL(`/published/${statementId}`, h.baseUrl).toString());
    // Only public figures: the one buyer's own line value (2 × 987,654) is nowhere.
    expect(mail!.text).not.toMatch(/1[ ,.]?975[ ,.]?308/);
    expect(mail!.headers['list-unsubscribe']).toMatch(/\/saved-search-unsubscribe\?token=/);

    // A retry of the fan-out's first page (a crash after it queued) queues and sends nothing more.
    const activities = createMarketActivities({
      db: h.db,
      mailer: h.mailer,
      publicUrl: h.baseUrl,
      solver: await loadLpSolver(),
    });
    const retry = {
      noticeId,
      statementId,
      kind: 'publication' as const,
      ref: publication.id,
      afterUserId: null,
      limit: 200,
    };
    await activities.queueSupplierNotices(retry);
    await activities.queueSupplierNotices(retry);
    await activities.deliverSupplierNotices({ noticeId });
    const keys = [byWords, byCountry].map((s) =>
      savedSearchNoticeKey(noticeId, s.id, statementId, publication.version),
    );
    const rows = await h.db.selectFrom('outbox').select(['key', 'status']).where('key', 'in', keys).execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['sent', 'sent']);
    expect(forSearch(byWords)).toHaveLength(1);
    expect(forSearch(byCountry)).toHaveLength(1);

    // The consultation e-mailed its search once, in the supplier's language (en).
    const consultationMails = toSupplier().filter(
      (m) => m.subject.startsWith('Saved search "Consultations"') && m.text.includes(consultationPage),
    );
    expect(consultationMails).toHaveLength(1);

    // The feed: the statement, public data only, and nothing it does not match.
    const atom = await (await fetch(byWords.feedUrl!)).text();
    const entries = parseAtom(atom);
    expect(entries.map((e) => e.id)).toEqual([`urn:uuid:${statementId}`]);
    expect(entries[0]!.summary).toMatch(/version 1, 2 signatories/);
    expect(atom).not.toMatch(/987[ ,.]?654|1[ ,.]?975[ ,.]?308|123[ ,.]?457/);
    expect(atom).not.toContain(lead.user.email);
    expect(parseAtom(await (await fetch(otherCode.feedUrl!)).text())).toEqual([]);

    // One-click unsubscribe stops this search's e-mail only.
    const unsubscribe = mail!.headers['list-unsubscribe']!.replace(/^<|>$/g, '');
    const page = await fetch(unsubscribe);
    expect(await page.text()).toContain('By words');
    const clicked = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(clicked.status).toBe(200);
    const after = ok(await session.get('/api/me/saved-searches')).body.searches as Search[];
    expect(after.find((s) => s.id === byWords.id)!.email).toBe(false);
    expect(after.find((s) => s.id === byCountry.id)!.email).toBe(true);
  }, 240_000);

  it('a replaced or revoked feed address is 404; the new one works', async () => {
    const search = ok(await session.post('/api/me/saved-searches', { name: 'Rotating' })).body as Search;
    expect((await fetch(search.feedUrl!)).status).toBe(200);
    const rotated = ok(await session.post(`/api/me/saved-searches/${search.id}/feed`)).body as Search;
    expect(rotated.feedUrl).not.toBe(search.feedUrl);
    expect((await fetch(search.feedUrl!)).status).toBe(404);
    expect((await fetch(rotated.feedUrl!)).status).toBe(200);
    expect((await fetch(new URL('/api/saved-search-feeds/ssf_nothing.atom', h.baseUrl))).status).toBe(404);
    await until(
      () => session.get('/api/me/saved-searches'),
      (r) => r.body.searches.some((s: Search & { feedLastUsedAt: string | null }) => s.feedLastUsedAt !== null),
      5_000,
      'the feed read noted',
    );
    expect((await session.delete(`/api/me/saved-searches/${search.id}`)).status).toBe(204);
    expect((await fetch(rotated.feedUrl!)).status).toBe(404);
  });
});
