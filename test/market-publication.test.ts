import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyAuditChain } from '../db/audit.js';
import { upsertSubscription } from '../db/suppliers.js';
import type { CapturedMessage } from '../mail/capture-server.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { ocdsValidators } from './support/ocds-validator.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * From an aggregated demand to a published statement on the real services: the market
 * consultation (responses, questions, answers published to every supplier, the summary),
 * approval with a change request and re-approval, publishing without a buyer that did not
 * approve, supplier notices, OCDS, the Atom feed and a late signatory.
 */
describe('market engagement, approval and publication, end to end', () => {
  let h: Harness;
  let lead: Actor, oslo: Actor, copenhagen: Actor, outsider: Actor, barcelona: Actor, commission: Actor;
  let supA: Actor, supB: Actor, supCpv: Actor, supCountry: Actor, supUnverified: Actor;
  let id: string;
  const anonymous = () => new ApiClient(h.baseUrl);

  const ok = <T extends { status: number; body: unknown }>(res: T, status?: number): T => {
    if (status) expect(res.status, JSON.stringify(res.body)).toBe(status);
    else expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const mailTo = (a: Actor, subject: RegExp): CapturedMessage[] =>
    h.mail.messages.filter((m) => m.to.includes(a.user.email.toLowerCase()) && subject.test(m.subject));
  const live = (id: string) => lead.api.get(`/api/statements/${id}/live`);
  const waitForStage = (stage: string) =>
    until(
      () => live(id),
      (r) => r.body.stage === stage,
      60_000,
      `stage ${stage}`,
    );

  async function supplier(
    country: string,
    sme: boolean,
    sub: { cpvPrefixes: string[]; countries: string[] } | null,
    verified = true,
  ): Promise<Actor> {
    const a = await makeActor(
      h,
      { kind: 'supplier', country, sme, name: `Supplier ${country} ${sme ? 'SME' : 'large'}` },
      { label: `supplier-${country}` },
    );
    if (verified)
      await h.db.updateTable('users').set({ email_verified_at: new Date() }).where('id', '=', a.user.id).execute();
    if (sub) await upsertSubscription(h.db, { userId: a.user.id, organisationId: a.org.id, ...sub });
    return a;
  }

  beforeAll(async () => {
    h = await startHarness();
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
    outsider = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Tallinn', country: 'EE' },
      { label: 'tallinn', roles: ['signatory'] },
    );
    barcelona = await makeActor(
      h,
      { kind: 'buyer', name: 'Barcelona City Council', country: 'ES' },
      { label: 'barcelona', roles: ['signatory'] },
    );
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'commission' });
    supA = await supplier('FI', true, { cpvPrefixes: ['43'], countries: [] });
    supB = await supplier('DE', false, { cpvPrefixes: ['4326'], countries: ['NO'] });
    supCpv = await supplier('FR', true, { cpvPrefixes: ['45'], countries: [] });
    supCountry = await supplier('IT', true, { cpvPrefixes: ['43'], countries: ['PL'] });
    supUnverified = await supplier('AT', true, { cpvPrefixes: ['43'], countries: [] }, false);
  });
  afterAll(async () => h?.close());

  it('keeps the consultation and the statement hidden before market engagement', async () => {
    const schedule = { ...statementDetails().schedule, marketEngagement: 'P30D', approval: 'PT20S' };
    id = ok(
      await lead.api.post(
        '/api/statements',
        statementDetails({ schedule, criticalMass: { minBuyers: 3, minCountries: 2 } }),
      ),
    ).body.id;
    expect((await anonymous().get(`/api/consultations/${id}`)).status).toBe(404);
    expect((await supA.api.get(`/api/statements/${id}`)).status).toBe(404);
    expect((await anonymous().get(`/api/public/statements/${id}`)).status).toBe(404);
    expect((await anonymous().get(`/api/public/statements/${id}/ocds.json`)).status).toBe(404);

    // The request for information: the lead only, and every bad field named.
    const rfi = {
      questions: [
        { id: 'lead-time', text: 'What delivery lead time do you need?' },
        { id: 'charging', text: 'Which charging standard do your machines use?' },
      ],
    };
    expect((await oslo.api.put(`/api/statements/${id}/consultation/rfi`, rfi)).status).toBe(404);
    const bad = await lead.api.put(`/api/statements/${id}/consultation/rfi`, {
      questions: [rfi.questions[0], rfi.questions[0], { id: 'Bad Id', text: 'x' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'questions[1].id',
      'questions[2].id',
      'questions[2].text',
    ]);
    ok(await lead.api.put(`/api/statements/${id}/consultation/rfi`, rfi));

    ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [oslo.org.id, copenhagen.org.id] }));
    for (const b of [oslo, copenhagen]) ok(await b.api.post(`/api/statements/${id}/invitation/accept`));
    expect((await oslo.api.put(`/api/statements/${id}/consultation/rfi`, rfi)).status).toBe(403);
    ok(await lead.api.post(`/api/statements/${id}/needs-assessment/open`));
    const versions: Record<string, string> = {};
    for (const [a, line] of [
      [lead, needLine({ quantity: '2' })],
      [oslo, needLine({ quantity: '3' })],
      [copenhagen, needLine({ cpvCode: '34144900', unit: 'C62', quantity: '1', unitPrice: '300000' })],
    ] as const) {
      ok(await a.api.put(`/api/statements/${id}/needs/draft`, { lines: [line], answers: {} }));
      versions[a.org.id] = ok(await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId;
    }
    // Oslo agrees to be named on the public page; the others do not say so. Outsiders cannot decide.
    ok(await oslo.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true }));
    expect((await outsider.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true })).status).toBe(
      404,
    );
    // Each buyer reads its own decision back (undecided is null); outsiders and suppliers do not find it.
    expect(ok(await oslo.api.get(`/api/statements/${id}/consultation/name-consent`)).body).toEqual({
      organisationId: oslo.org.id,
      named: true,
    });
    expect(ok(await copenhagen.api.get(`/api/statements/${id}/consultation/name-consent`)).body).toEqual({
      organisationId: copenhagen.org.id,
      named: null,
    });
    expect((await outsider.api.get(`/api/statements/${id}/consultation/name-consent`)).status).toBe(404);
    expect((await supA.api.get(`/api/statements/${id}/consultation/name-consent`)).status).toBe(404);
    ok(await lead.api.post(`/api/statements/${id}/close-stage`));
    for (const a of [lead, oslo, copenhagen])
      ok(await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions[a.org.id] }));
    await waitForStage('market_engagement');
  });

  it('notifies matching suppliers once, with a one-click unsubscribe, and nobody else', async () => {
    await h.mail.waitFor(
      () => mailTo(supA, /^Market consultation/).length === 1 && mailTo(supB, /^Market consultation/).length === 1,
    );
    const notice = mailTo(supA, /^Market consultation/)[0]!;
    expect(notice.headers['list-unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\?token=[^>]+>$/);
    expect(notice.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(notice.text).toMatch(/\/unsubscribe\?token=/);
    expect(notice.text).toContain(`/consultations/${id}`);
    // Where the demand comes from, in words with plurals (issue 18), not "3 buyer(s) in 3 country(ies)".
    expect(notice.text).toMatch(/^Aggregated demand: .+ from 3 buyers in 3 countries\.$/m);
    for (const s of [supCpv, supCountry, supUnverified])
      expect(h.mail.messages.filter((m) => m.to.includes(s.user.email.toLowerCase()))).toHaveLength(0);
  });

  it('shows the public consultation: aggregated demand, only consenting buyers named, questions and deadline', async () => {
    const res = ok(await anonymous().get(`/api/consultations/${id}`));
    expect(res.body).toMatchObject({
      statementId: id,
      open: true,
      stage: 'market_engagement',
      requestForInformation: [{ id: 'lead-time' }, { id: 'charging' }],
      answers: [],
    });
    expect(Date.parse(res.body.deadline)).toBeGreaterThan(Date.now());
    expect(res.body.demand.buyers).toEqual([{ name: 'City of Oslo', country: 'NO' }]);
    expect(res.body.demand.unnamedBuyers).toBe(2);
    expect(res.body.demand.totals).toMatchObject({ buyers: 3, countries: 3 });
    // The rate table behind the EUR figures is printed beside them (every amount here was in EUR).
    expect(res.body.demand.conversion).toEqual({
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      source: expect.any(String),
      rates: {},
    });
    // Copenhagen alone asked for 34144900: its figures are withheld; nobody's lines are shown.
    const cph = res.body.demand.byCpv.find((n: { cpvCode: string }) => n.cpvCode === '34144900');
    expect(cph).toMatchObject({
      buyers: null,
      withheld: true,
      withheldReason: 'fewer-buyers',
      valueEur: null,
      quantities: null,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Helsinki|Copenhagen|versionId|unitPrice/);
    // A page of 500: other files' consultations are open meanwhile, and the default page holds 50.
    expect(
      (await anonymous().get('/api/consultations?limit=500')).body.map((c: { statementId: string }) => c.statementId),
    ).toContain(id);
  });

  it('takes suppliers’ responses (editable) and questions, and keeps each response to its supplier', async () => {
    const url = `/api/consultations/${id}/response`;
    ok(await supA.api.put(url, { answers: { 'lead-time': '9 months' } }));
    const edited = ok(await supA.api.put(url, { answers: { 'lead-time': '6 months', charging: 'CCS2' } }));
    expect(edited.body).toMatchObject({ revision: 2, answers: { 'lead-time': '6 months', charging: 'CCS2' } });
    ok(await supB.api.put(url, { answers: { 'lead-time': '12 months' } }));
    const unknown = await supB.api.put(url, { answers: { price: 'cheap' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ field: 'answers.price', rule: expect.any(String) }]);
    expect((await oslo.api.put(url, { answers: {} })).status).toBe(403);
    expect((await anonymous().put(url, { answers: {} })).status).toBe(401);
    expect((await supB.api.get(url)).body.answers).toEqual({ 'lead-time': '12 months' });
    expect((await supCpv.api.get(url)).status).toBe(404);

    expect(
      ok(
        await supA.api.post(`/api/consultations/${id}/questions`, {
          question: 'May machines be leased rather than bought?',
        }),
        201,
      ).body.number,
    ).toBe(1);
    expect(
      ok(
        await supB.api.post(`/api/consultations/${id}/questions`, { question: 'Is a battery swap system acceptable?' }),
        201,
      ).body.number,
    ).toBe(2);
    expect((await supB.api.post(`/api/consultations/${id}/questions`, { question: '' })).body.errors).toEqual([
      { field: 'question', rule: 'must be at least 3 characters' },
    ]);

    // Nobody but the lead (and oversight) reads responses; for a supplier the statement does not exist.
    expect((await supB.api.get(`/api/statements/${id}/consultation/responses`)).status).toBe(404);
    expect((await oslo.api.get(`/api/statements/${id}/consultation/responses`)).status).toBe(403);
    const all = ok(await lead.api.get(`/api/statements/${id}/consultation/responses`));
    expect(all.body.map((r: { supplier: { organisationId: string } }) => r.supplier.organisationId).sort()).toEqual(
      [supA.org.id, supB.org.id].sort(),
    );
    expect(
      ok(await commission.api.get(`/api/statements/${id}/consultation/questions`)).body[0].askedBy.organisationId,
    ).toBe(supA.org.id);
  });

  it('publishes the lead’s answer to every supplier concerned, without naming who asked', async () => {
    expect(
      (await oslo.api.post(`/api/statements/${id}/consultation/questions/1/answer`, { answer: 'Yes.' })).status,
    ).toBe(403);
    expect(
      (await lead.api.post(`/api/statements/${id}/consultation/questions/9/answer`, { answer: 'Yes.' })).status,
    ).toBe(404);
    ok(
      await lead.api.post(`/api/statements/${id}/consultation/questions/1/answer`, {
        answer: 'Yes: leasing for the whole term is acceptable.',
      }),
    );
    expect(
      (await lead.api.post(`/api/statements/${id}/consultation/questions/1/answer`, { answer: 'Again' })).status,
    ).toBe(409);

    const page = ok(await anonymous().get(`/api/consultations/${id}`));
    expect(page.body.answers).toEqual([
      {
        number: 1,
        question: 'May machines be leased rather than bought?',
        answer: 'Yes: leasing for the whole term is acceptable.',
        answeredAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(page.body)).not.toContain(supA.org.name);

    await h.mail.waitFor(() => [supA, supB].every((s) => mailTo(s, /^New answer/).length === 1));
    const toB = mailTo(supB, /^New answer/)[0]!;
    expect(toB.text).toContain('leasing for the whole term');
    expect(toB.text).not.toContain(supA.org.name);
    expect(toB.headers['list-unsubscribe']).toBeDefined();
    for (const s of [supCpv, supCountry, supUnverified]) expect(mailTo(s, /./)).toHaveLength(0);

    // Other test files share the database: their suppliers may match too, so count ours.
    const ours = new Set([supA.org.id, supB.org.id]);
    const contacts = { body: [] as { kind: string; supplier: { organisationId: string } | null }[] };
    for (let offset = 0; ; offset += 500) {
      const page = ok(await lead.api.get(`/api/statements/${id}/consultation/contacts?limit=500&offset=${offset}`));
      contacts.body.push(...page.body);
      if (page.body.length < 500) break;
    }
    const kinds = contacts.body
      .filter((c: { supplier: { organisationId: string } | null }) => c.supplier && ours.has(c.supplier.organisationId))
      .map((c: { kind: string }) => c.kind);
    const count = (k: string) => kinds.filter((x: string) => x === k).length;
    expect([
      count('notice:consultation'),
      count('response_saved'),
      count('question_asked'),
      count('question_answered'),
      count('notice:answer'),
    ]).toEqual([2, 3, 2, 1, 2]);
    expect((await supA.api.get(`/api/statements/${id}/consultation/contacts`)).status).toBe(404);
  });

  it('closes with a market summary and a drafted statement text; the consultation takes nothing more', async () => {
    ok(await lead.api.post(`/api/statements/${id}/close-stage`));
    await waitForStage('approval');
    const summary = ok(await oslo.api.get(`/api/statements/${id}/market-summary`));
    expect(summary.body.summary).toEqual({
      responses: 2,
      smeResponses: 1,
      smeShare: '0.5000',
      countries: [
        { country: 'DE', responses: 1 },
        { country: 'FI', responses: 1 },
      ],
      answersPerQuestion: [
        { questionId: 'lead-time', text: 'What delivery lead time do you need?', answers: 2 },
        { questionId: 'charging', text: 'Which charging standard do your machines use?', answers: 1 },
      ],
      questionsAsked: 2,
      questionsAnswered: 1,
    });
    const text = ok(await oslo.api.get(`/api/statements/${id}/text`));
    expect(text.body.version).toBe(1);
    // Written as a person would (issue 18): plurals, countries by name, no "(s)".
    expect(text.body.text).toContain(
      '2 suppliers (Finland and Germany) answered the request for information. Share of SMEs among them: 50%.',
    );
    expect(text.body.text).not.toMatch(/\(s\)|\(ies\)/);
    expect(text.body.approvers.map((a: { organisationId: string }) => a.organisationId).sort()).toEqual(
      [lead.org.id, oslo.org.id, copenhagen.org.id].sort(),
    );
    expect((await supA.api.put(`/api/consultations/${id}/response`, { answers: { 'lead-time': 'late' } })).status).toBe(
      409,
    );
    expect((await supA.api.post(`/api/consultations/${id}/questions`, { question: 'Too late?' })).status).toBe(409);
    expect((await anonymous().get(`/api/consultations/${id}`)).body.open).toBe(false);
    for (const a of [lead, oslo, copenhagen]) await h.mail.waitFor(() => mailTo(a, /^Please approve/).length === 1);
  });

  it('runs approval: a change request, a new version, approval again; only participants decide', async () => {
    const url = `/api/statements/${id}/approval`;
    expect((await outsider.api.post(url, { version: 1, decision: 'approve' })).status).toBe(404);
    expect((await supA.api.post(url, { version: 1, decision: 'approve' })).status).toBe(404);
    const noComment = await oslo.api.post(url, { version: 1, decision: 'request_changes' });
    expect(noComment.status).toBe(400);
    expect(noComment.body.errors).toEqual([{ field: 'comment', rule: 'is required when asking for changes' }]);
    expect(
      (await oslo.api.post(url, { version: 0, decision: 'maybe' })).body.errors
        .map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['decision', 'version']);
    ok(await lead.api.post(url, { version: 1, decision: 'approve' }));
    ok(
      await oslo.api.post(url, {
        version: 1,
        decision: 'request_changes',
        comment: 'Please mention leasing as an option.',
      }),
    );
    await h.mail.waitFor(() => mailTo(lead, /asks for changes/).length === 1);
    expect(mailTo(lead, /asks for changes/)[0]!.text).toContain('Please mention leasing as an option.');

    const current = ok(await lead.api.get(`/api/statements/${id}/text`)).body.text as string;
    expect(
      (await oslo.api.put(`/api/statements/${id}/text`, { text: `${current}\nx`, expectedVersion: 1 })).status,
    ).toBe(403);
    const stale = await lead.api.put(`/api/statements/${id}/text`, {
      text: `${current}\n\nLeasing is an option.`,
      expectedVersion: 2,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.errors).toEqual([{ field: 'expectedVersion', rule: 'must be the current version (1)' }]);
    expect(
      ok(
        await lead.api.put(`/api/statements/${id}/text`, {
          text: `${current}\n\nLeasing for the whole term is an option.`,
          expectedVersion: 1,
        }),
      ).body.version,
    ).toBe(2);

    // Approvals start again: the old version cannot be approved any more.
    const old = await oslo.api.post(url, { version: 1, decision: 'approve' });
    expect(old.status).toBe(409);
    expect(old.body.errors).toEqual([{ field: 'version', rule: 'must be the current version (2)' }]);
    const text = ok(await oslo.api.get(`/api/statements/${id}/text`)).body;
    expect(text.approvers.every((a: { decision: string | null }) => a.decision === null)).toBe(true);
    // Approvers are named, so a buyer sees who still has to decide.
    expect(text.approvers.map((a: { name: string; country: string }) => `${a.name} (${a.country})`).sort()).toEqual(
      [lead, oslo, copenhagen].map((a) => `${a.org.name} (${a.org.country.trim()})`).sort(),
    );
    ok(await lead.api.post(url, { version: 2, decision: 'approve' }));
    ok(await oslo.api.post(url, { version: 2, decision: 'approve' }));
    // Copenhagen stays silent: the lead may publish without it only after the deadline.
    expect((await lead.api.post(`/api/statements/${id}/approval/proceed`)).status).toBe(409);
    expect((await oslo.api.post(`/api/statements/${id}/approval/proceed`)).status).toBe(403);
  });

  it('publishes without the buyer that did not approve once the deadline passed', async () => {
    await h.mail.waitFor(() => mailTo(lead, /^Approval deadline passed/).length === 1, 60_000);
    // One organisation, in words, with its verb and pronoun in the singular (was "1 organisation(s) have").
    expect(mailTo(lead, /^Approval deadline passed/)[0]!.text).toMatch(
      /one organisation has not approved version \d+\. Publish without it \(it will not be a signatory\)/,
    );
    ok(await lead.api.post(`/api/statements/${id}/approval/proceed`), 202);
    await waitForStage('published');

    const page = ok(await anonymous().get(`/api/public/statements/${id}`));
    expect(page.body).toMatchObject({ statementId: id, version: 1, textVersion: 2 });
    expect(page.body.text).toContain('Leasing for the whole term is an option.');
    expect(page.body.signatories.map((s: { name: string }) => s.name).sort()).toEqual([
      'City of Helsinki',
      'City of Oslo',
    ]);
    // Two signatories: each would read the other's figures from the total, so it is withheld.
    expect(page.body.demand.totals).toMatchObject({
      buyers: 2,
      countries: 2,
      valueEur: null,
      withheld: true,
      withheldReason: 'fewer-buyers',
    });
    expect(JSON.stringify(page.body)).not.toMatch(/2250000|900000|1350000/);
    const signatories = ok(await lead.api.get(`/api/statements/${id}/signatories`)).body.signatories;
    expect(signatories.map((s: { organisationId: string }) => s.organisationId).sort()).toEqual(
      [lead.org.id, oslo.org.id].sort(),
    );

    await h.mail.waitFor(() => mailTo(commission, /^Published: joint statement/).length === 1);
    await h.mail.waitFor(() =>
      [supA, supB].every((s) => mailTo(s, /^Joint statement of demand published/).length === 1),
    );
    expect(mailTo(supA, /^Joint statement of demand published/)[0]!.headers['list-unsubscribe-post']).toBe(
      'List-Unsubscribe=One-Click',
    );
  });

  it('exports a valid OCDS planning release and lists the statement in the Atom feed', async () => {
    const pkg = ok(await anonymous().get(`/api/public/statements/${id}/ocds.json`)).body;
    const validate = ocdsValidators();
    expect(validate.releasePackage(pkg)).toEqual([]);
    expect(pkg.releases).toHaveLength(1);
    const release = pkg.releases[0];
    expect(validate.release(release)).toEqual([]);
    expect(release.tag).toEqual(['planning']);
    // The signatories' demand only (Copenhagen confirmed needs but did not approve), and of two
    // signatories: its total would give each the other's figures, so no amount is stated.
    expect(release.planning.budget.amount).toBeUndefined();
    expect(release.planning.budget.description).toMatch(/not disclosed/);
    expect(JSON.stringify(pkg)).not.toMatch(/2250000|900000|1350000|300000/);
    for (const item of release.tender.items) expect(item.quantity).toBeUndefined();
    expect(release.tender.items.map((i: { classification: { id: string } }) => i.classification.id)).not.toContain(
      '34144900-7',
    );
    const roles = Object.fromEntries(release.parties.map((p: { id: string; roles: string[] }) => [p.id, p.roles]));
    expect(roles[lead.org.id]).toEqual(expect.arrayContaining(['buyer', 'leadBuyer']));
    expect(roles[oslo.org.id]).toEqual(['buyer']);
    expect(roles[copenhagen.org.id]).toBeUndefined();
    expect(
      release.tender.items.map((i: { classification: { scheme: string; id: string } }) => i.classification),
    ).toEqual(expect.arrayContaining([expect.objectContaining({ scheme: 'CPV', id: '43260000-3' })]));

    const feed = await fetch(new URL('/api/public/statements.atom', h.baseUrl));
    expect(feed.headers.get('content-type')).toMatch(/application\/atom\+xml/);
    const atom = await feed.text();
    expect(atom).toContain(`<id>urn:uuid:${id}</id>`);
    expect(atom).toContain('<title>Zero-emission construction machinery</title>');
    // The entry's summary counts in words: "2 signatories" (one would be "1 signatory").
    expect(atom).toMatch(/<summary>Version \d+, 2 signatories\. /);
    expect(
      (await anonymous().get('/api/public/statements')).body.map((s: { statementId: string }) => s.statementId),
    ).toContain(id);
  });

  it('lets a late signatory join: the lead accepts and a new version is published', async () => {
    expect((await supA.api.post(`/api/statements/${id}/signatory-requests`)).status).toBe(403);
    expect((await lead.api.post(`/api/statements/${id}/signatory-requests`)).status).toBe(403);
    expect((await oslo.api.post(`/api/statements/${id}/signatory-requests`)).status).toBe(409);
    ok(await barcelona.api.post(`/api/statements/${id}/signatory-requests`), 202);
    expect((await barcelona.api.post(`/api/statements/${id}/signatory-requests`)).status).toBe(409);
    await h.mail.waitFor(() => mailTo(lead, /asks to sign/).length === 1);
    // The requester follows its own request; another buyer does not learn who asked.
    const own = ok(await barcelona.api.get(`/api/statements/${id}/signatories`)).body.requests;
    expect(own).toEqual([expect.objectContaining({ organisationId: barcelona.org.id, status: 'pending' })]);
    expect(ok(await oslo.api.get(`/api/statements/${id}/signatories`)).body.requests).toEqual([]);
    expect(
      ok(await lead.api.get(`/api/statements/${id}/signatories`)).body.requests.map(
        (r: { organisationId: string }) => r.organisationId,
      ),
    ).toEqual([barcelona.org.id]);
    expect(
      (await oslo.api.post(`/api/statements/${id}/signatory-requests/${barcelona.org.id}`, { accept: true })).status,
    ).toBe(403);
    expect(
      (await lead.api.post(`/api/statements/${id}/signatory-requests/${outsider.org.id}`, { accept: true })).status,
    ).toBe(404);
    const accepted = ok(
      await lead.api.post(`/api/statements/${id}/signatory-requests/${barcelona.org.id}`, { accept: true }),
    );
    expect(accepted.body.publicationVersion).toBe(2);

    const page = ok(await anonymous().get(`/api/public/statements/${id}`)).body;
    expect(page.version).toBe(2);
    // Barcelona did not agree to be named: it is counted, not named, on the page and in OCDS.
    expect(page.signatories.map((s: { name: string }) => s.name)).not.toContain('Barcelona City Council');
    expect(page.unnamedSignatories).toBe(1);
    const pkg = ok(await anonymous().get(`/api/public/statements/${id}/ocds.json`)).body;
    const validate = ocdsValidators();
    expect(validate.releasePackage(pkg)).toEqual([]);
    expect(pkg.releases.map((r: { id: string }) => r.id)).toEqual([
      expect.stringMatching(/-v1$/),
      expect.stringMatching(/-v2$/),
    ]);
    expect(validate.release(pkg.releases[1])).toEqual([]);
    expect(pkg.releases[1].parties.map((p: { id: string }) => p.id)).not.toContain(barcelona.org.id);
    await h.mail.waitFor(() => mailTo(commission, /^Published: joint statement/).length === 2);
  });

  it('hands the recorded signatories to the agreement: approvers and the late signatory, not the buyer that did not approve', async () => {
    const started = ok(await lead.api.post(`/api/statements/${id}/agreement`, {}), 201);
    expect(started.body.parties.map((p: { name: string; status: string }) => [p.name, p.status]).sort()).toEqual([
      ['Barcelona City Council', 'invited'],
      ['City of Helsinki', 'party'],
      ['City of Oslo', 'invited'],
    ]);
  });

  it('sent every supplier exactly the notices it should have had, and the audit chain holds', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    for (const s of [supA, supB]) {
      expect(mailTo(s, /^Market consultation/)).toHaveLength(1);
      expect(mailTo(s, /^New answer/)).toHaveLength(1);
      expect(mailTo(s, /^Joint statement of demand published/)).toHaveLength(1);
    }
    for (const s of [supCpv, supCountry, supUnverified]) expect(mailTo(s, /./)).toHaveLength(0);
    expect((await verifyAuditChain(h.db, id)).valid).toBe(true);
    const actions = (await lead.api.get(`/api/statements/${id}/audit`)).body.events.map(
      (e: { action: string }) => e.action,
    );
    for (const a of [
      'consultation_opened',
      'supplier_response_saved',
      'supplier_question_answered',
      'market_summary_stored',
      'statement_text_drafted',
      'approval_decided',
      'statement_text_revised',
      'proceed_without_missing',
      'statement_published',
      'signatory_decided',
    ]) {
      expect(actions).toContain(a);
    }
  });
});
