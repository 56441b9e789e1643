import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { insertApiToken, newSecret } from '../db/credentials.js';
import {
  ApiClient,
  type Harness,
  historyPayloadText,
  makeActor,
  makeUser,
  needLine,
  startHarness,
} from './support/harness.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * A cross-border joint procurement agreement (Art. 39(4)) on the real services: parties in three
 * Member States opt in; the draft is commented on, signed by one party, amended (its signature
 * cleared), signed by all and in force; its PDF opens and names the parties, the law and the
 * distribution. Every validation rule, the signatory role, outdated versions, deadlines with
 * reminders, and the wrong roles are checked on the way.
 */
describe('cross-border joint procurement agreement, end to end', () => {
  let h: Harness;
  let helsinki: Actor;
  let copenhagen: Actor;
  let barcelona: Actor;
  let riga: Actor;
  let outsider: Actor;
  let supplier: Actor;
  let commission: Actor;
  /** A user of Helsinki without the signatory role. */
  let helsinkiClerk: ApiClient;
  /** A user of Copenhagen without the signatory role. */
  let copenhagenClerk: ApiClient;
  let id: string;
  let startedAt: number;
  let v1: { versionId: string; contentHash: string };
  let v2: { versionId: string; contentHash: string; pdfHash: string };

  const base = () => `/api/statements/${id}/agreement`;
  const mailTo = (a: Actor, subject: RegExp) =>
    h.mail.messages.filter((m) => m.to.includes(a.user.email.toLowerCase()) && subject.test(m.subject));
  const ok = <T extends { status: number; body: unknown }>(res: T, status?: number): T => {
    if (status === undefined) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    else expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res;
  };
  const fieldsOf = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

  async function clientFor(orgId: string, label: string, roles: string[] = []): Promise<ApiClient> {
    const user = await makeUser(h, orgId, { label, roles });
    const secret = newSecret('jd_');
    await insertApiToken(h.db, { userId: user.id, name: 'test', secret, expiresAt: null });
    clerkEmails.push(user.email);
    return new ApiClient(h.baseUrl, { bearer: secret });
  }
  const clerkEmails: string[] = [];

  /** Riga withdraws half-way: its responsibility goes with it. */
  let rigaIsParty = true;
  /** The terms the lead proposes; distributions are left to the default (the confirmed needs) unless given. */
  function terms(over: Record<string, unknown> = {}) {
    return {
      leadAuthorityOrgId: helsinki.org.id,
      applicableLaw: { kind: 'party_country', country: 'FI' },
      procedureType: 'competitive_procedure_with_negotiation',
      lots: [{ id: 'LOT-1', title: 'Zero-emission construction machinery', cpvCodes: ['43260000-3', '34144900'] }],
      responsibilities: [
        { orgId: helsinki.org.id, text: 'Prepares the procurement documents and runs the procedure.' },
        { orgId: copenhagen.org.id, text: 'Leads the technical evaluation of electric excavators.' },
        { orgId: barcelona.org.id, text: 'Manages the contracts once they are concluded.' },
        ...(rigaIsParty ? [{ orgId: riga.org.id, text: 'Reviews the procurement documents.' }] : []),
      ],
      phases: [
        { phase: 'preparation', conductedBy: helsinki.org.id },
        { phase: 'publication', conductedBy: helsinki.org.id },
        { phase: 'evaluation', conductedBy: 'joint' },
        { phase: 'award', conductedBy: 'joint' },
        { phase: 'contract_management', conductedBy: barcelona.org.id },
      ],
      contractConclusion: 'framework_agreement',
      costSharing: { method: 'by_share_of_value' },
      languages: ['en', 'fi'],
      disputeResolution: {
        text: 'The parties first seek an amicable settlement within 60 days.',
        forum: 'Helsinki District Court',
      },
      duration: { kind: 'months', months: 48 },
      accession: { allowed: false },
      ...over,
    };
  }

  /** Each party's confirmed needs, in the shape of a distribution. */
  function distributions(barcelonaExcavators = '3', deviation?: string) {
    return [
      {
        orgId: helsinki.org.id,
        lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: '43260000', unit: 'H87', quantity: '4' }] }],
      },
      {
        orgId: copenhagen.org.id,
        lots: [
          {
            lotId: 'LOT-1',
            lines: [
              { cpvCode: '43260000', unit: 'H87', quantity: '2' },
              { cpvCode: '34144900', unit: 'C62', quantity: '1' },
            ],
          },
        ],
      },
      {
        orgId: barcelona.org.id,
        lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: '43260000-3', unit: 'H87', quantity: barcelonaExcavators }] }],
        ...(deviation ? { deviation: { reason: deviation } } : {}),
      },
    ];
  }

  beforeAll(async () => {
    h = await startHarness();
    helsinki = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Helsinki', country: 'FI' },
      { label: 'helsinki', roles: ['signatory'] },
    );
    copenhagen = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Copenhagen', country: 'DK' },
      { label: 'copenhagen', roles: ['signatory'] },
    );
    barcelona = await makeActor(
      h,
      { kind: 'buyer', name: 'Barcelona City Council', country: 'ES' },
      { label: 'barcelona', roles: ['signatory'] },
    );
    riga = await makeActor(
      h,
      { kind: 'buyer', name: 'Riga City Council', country: 'LV' },
      { label: 'riga', roles: ['signatory'] },
    );
    outsider = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Tallinn', country: 'EE' },
      { label: 'tallinn', roles: ['signatory'] },
    );
    supplier = await makeActor(h, { kind: 'supplier', country: 'DE' }, { label: 'supplier' });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'commission' });
    helsinkiClerk = await clientFor(helsinki.org.id, 'helsinki-clerk');
    copenhagenClerk = await clientFor(copenhagen.org.id, 'copenhagen-clerk');

    // The statement, driven through the real workflow up to market engagement.
    id = await statementInMarketEngagement(h, helsinki, [
      [helsinki, [needLine({ quantity: '4' })]],
      [
        copenhagen,
        [
          needLine({ quantity: '2' }),
          needLine({
            cpvCode: '34144900',
            description: 'Electric wheel loader',
            unit: 'C62',
            quantity: '1',
            unitPrice: '300000',
          }),
        ],
      ],
      [barcelona, [needLine({ quantity: '3' })]],
      [riga, [needLine({ quantity: '1' })]],
    ]);
  });
  afterAll(async () => h?.close());

  it('cannot start before the statement is published (409 naming the stage)', async () => {
    const res = await helsinki.api.post(base(), {});
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'wrong_stage', detail: expect.stringContaining('market_engagement') });
  });

  it('lets only the lead start it once published; the signatories are invited', async () => {
    await publish(h, id, helsinki, [helsinki, copenhagen, barcelona, riga]);

    expect((await copenhagen.api.post(base(), {})).status).toBe(403);
    expect((await supplier.api.post(base(), {})).status).toBe(403);
    expect((await helsinki.api.get(base())).status).toBe(404);
    const bad = await helsinki.api.post(base(), { signatureDeadline: 'tomorrow', reminderOffsets: ['soon'] });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(['signatureDeadline', 'reminderOffsets[0]']);

    startedAt = Date.now();
    // Deadline in 25 s with a reminder 20 s before it: the reminder goes out ~5 s from now.
    const started = ok(
      await helsinki.api.post(base(), {
        signatureDeadline: new Date(startedAt + 25_000).toISOString(),
        reminderOffsets: ['PT20S'],
      }),
      201,
    );
    expect(started.body).toMatchObject({
      status: 'negotiation',
      currentVersion: null,
      leadOrganisationId: helsinki.org.id,
    });
    expect(started.body.parties.map((p: any) => [p.name, p.status]).sort()).toEqual([
      ['Barcelona City Council', 'invited'],
      ['City of Copenhagen', 'invited'],
      ['City of Helsinki', 'party'],
      ['Riga City Council', 'invited'],
    ]);
    expect((await helsinki.api.post(base(), {})).status).toBe(409);
    for (const a of [copenhagen, barcelona, riga])
      await h.mail.waitFor(() => mailTo(a, /^Join the joint procurement agreement/).length === 1);
    expect(mailTo(outsider, /agreement/)).toHaveLength(0);
  });

  it('documents the agreement routes in the OpenAPI document', async () => {
    const doc = ok(await new ApiClient(h.baseUrl).get('/api/openapi.json')).body;
    const propose = doc.paths['/api/statements/{statementId}/agreement/versions'].post;
    expect(propose.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/AgreementProposal');
    expect(
      doc.paths['/api/statements/{statementId}/agreement/sign'].post.responses['200'].content['application/json'].schema
        .$ref,
    ).toBe('#/components/schemas/Agreement');
    expect(
      Object.keys(
        doc.paths['/api/statements/{statementId}/agreement/versions/{version}/document.pdf'].get.responses['200']
          .content,
      ),
    ).toEqual(['application/pdf']);
  });

  it('hides the agreement from suppliers and uninvolved buyers, and shows it to Commission staff', async () => {
    expect((await supplier.api.get(base())).status).toBe(404);
    expect((await outsider.api.get(base())).status).toBe(404);
    expect((await outsider.api.post(`${base()}/join`, {})).status).toBe(404);
    expect(ok(await commission.api.get(base())).body.status).toBe('negotiation');
    expect((await commission.api.post(`${base()}/join`, {})).status).toBe(403);
  });

  it('lets the signatories opt in; the lead cannot opt in again', async () => {
    for (const a of [copenhagen, barcelona, riga]) ok(await a.api.post(`${base()}/join`, {}));
    expect((await copenhagen.api.post(`${base()}/join`, {})).status).toBe(409);
    expect((await helsinki.api.post(`${base()}/join`, {})).status).toBe(403);
    await h.mail.waitFor(() => mailTo(helsinki, /joined the agreement/).length === 3);
    const view = ok(await helsinki.api.get(base())).body;
    expect(view.parties.every((p: any) => p.status === 'party')).toBe(true);
    expect(view).toMatchObject({ kind: 'art39_cross_border', legalBasis: expect.stringContaining('Article 39(4)') });
  });

  it('sends the reminder before the signature deadline to the parties that have not signed', async () => {
    await h.mail.waitFor(() => mailTo(helsinki, /^Reminder: sign the agreement/).length === 1, 40_000);
    const audit = ok(await helsinki.api.get(`${base()}/audit`)).body;
    const reminded: string[] = audit.events.find((e: any) => e.action === 'agreement_reminder_sent').data
      .organisationIds;
    expect(reminded).toContain(helsinki.org.id);
    // Whoever was a party by then is reminded, once; nobody else.
    for (const a of [copenhagen, barcelona, riga]) {
      if (reminded.includes(a.org.id))
        await h.mail.waitFor(() => mailTo(a, /^Reminder: sign the agreement/).length === 1);
    }
    expect(reminded.every((o) => [helsinki, copenhagen, barcelona, riga].some((a) => a.org.id === o))).toBe(true);
    expect(mailTo(outsider, /^Reminder/)).toHaveLength(0);
    // The reminder is for those who can sign: users without the signatory role do not get it.
    const toClerks = h.mail.messages.filter(
      (m) => clerkEmails.some((e) => m.to.includes(e.toLowerCase())) && /^Reminder/.test(m.subject),
    );
    expect(toClerks).toHaveLength(0);
    expect(clerkEmails).toHaveLength(2);
  });

  it('rejects terms that break each rule with a 4xx naming the field', async () => {
    const four = [
      ...distributions(),
      { orgId: riga.org.id, lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: '43260000', unit: 'H87', quantity: '1' }] }] },
    ];
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['lead not a party', { leadAuthorityOrgId: outsider.org.id }, 422, 'leadAuthorityOrgId'],
      ['law of no party', { applicableLaw: { kind: 'party_country', country: 'DE' } }, 422, 'applicableLaw.country'],
      [
        'joint entity outside the EU/EEA',
        {
          applicableLaw: {
            kind: 'joint_entity',
            entityName: 'Alpine Buyers',
            entityType: 'other_union_law_entity',
            registeredOfficeCountry: 'CH',
            activityCountries: ['FI'],
            lawOf: 'registered_office',
            country: 'CH',
            decision: 'Decision 1/2026 of the assembly',
          },
        },
        422,
        'applicableLaw.registeredOfficeCountry',
      ],
      [
        'joint entity law of neither its seat nor its activities (Art. 39(5))',
        {
          applicableLaw: {
            kind: 'joint_entity',
            entityName: 'Baltic-Nordic Buyers EGTC',
            entityType: 'egtc',
            registeredOfficeCountry: 'LV',
            activityCountries: ['LV', 'DK'],
            lawOf: 'activities',
            country: 'FI',
            decision: 'Decision 1/2026 of the assembly',
          },
        },
        422,
        'applicableLaw.country',
      ],
      [
        'a party without responsibilities (Art. 39(4)(a))',
        { responsibilities: [{ orgId: helsinki.org.id, text: 'Runs it.' }] },
        422,
        'responsibilities',
      ],
      ['no responsibilities at all (Art. 39(4)(a))', { responsibilities: [] }, 400, 'responsibilities'],
      [
        'a phase nobody conducts (Art. 39(4)(b))',
        { phases: [{ phase: 'preparation', conductedBy: 'joint' }] },
        422,
        'phases',
      ],
      ['no phases at all (Art. 39(4)(b))', { phases: [] }, 400, 'phases'],
      ['a party without distribution', { distributions: distributions() }, 422, 'distributions'],
      [
        'quantity without deviation',
        {
          distributions: [
            ...four.slice(0, 2),
            { ...four[2]!, lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: '43260000', unit: 'H87', quantity: '2' }] }] },
            four[3],
          ],
        },
        422,
        'distributions[2].deviation',
      ],
      ['unknown procedure type', { procedureType: 'auction' }, 400, 'procedureType'],
      ['no lot', { lots: [] }, 400, 'lots'],
    ];
    for (const [what, over, status, field] of cases) {
      const res = await helsinki.api.post(`${base()}/versions`, terms(over));
      expect(res.status, what).toBe(status);
      expect(fieldsOf(res), what).toContain(field);
      expect(res.body.errors.find((e: any) => e.field === field).rule.length, what).toBeGreaterThan(10);
    }
    const mismatch = await helsinki.api.post(
      `${base()}/versions`,
      terms({
        distributions: [
          ...four.slice(0, 2),
          { ...four[2]!, lots: [{ lotId: 'LOT-1', lines: [{ cpvCode: '43260000', unit: 'H87', quantity: '2' }] }] },
          four[3],
        ],
      }),
    );
    expect(mismatch.body.errors[0].rule).toContain('43260000 H87: distributed 2, confirmed 3');
    expect((await copenhagen.api.post(`${base()}/versions`, terms())).status).toBe(403);
    expect((await supplier.api.post(`${base()}/versions`, terms())).status).toBe(404);
    expect(ok(await helsinki.api.get(base())).body.versions).toEqual([]);
  });

  it('proposes the draft, distributing each party its confirmed needs by default', async () => {
    const res = ok(await helsinki.api.post(`${base()}/versions`, terms()), 201);
    expect(res.body.currentVersion).toMatchObject({ version: 1, note: null, current: true });
    v1 = { versionId: res.body.currentVersion.versionId, contentHash: res.body.currentVersion.contentHash };
    expect(v1.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const version = ok(await barcelona.api.get(`${base()}/versions/1`)).body;
    const byOrg = Object.fromEntries(version.terms.distributions.map((d: any) => [d.orgId, d.lots[0].lines]));
    expect(byOrg[barcelona.org.id]).toEqual([{ cpvCode: '43260000', unit: 'H87', quantity: '3' }]);
    expect(byOrg[copenhagen.org.id]).toEqual([
      { cpvCode: '43260000', unit: 'H87', quantity: '2' },
      { cpvCode: '34144900', unit: 'C62', quantity: '1' },
    ]);
    expect(byOrg[riga.org.id]).toEqual([{ cpvCode: '43260000', unit: 'H87', quantity: '1' }]);
    for (const a of [copenhagen, barcelona, riga])
      await h.mail.waitFor(() => mailTo(a, /^Draft agreement for/).length === 1);
  });

  it('takes comments from the parties on a version, and from nobody else', async () => {
    ok(
      await copenhagen.api.post(`${base()}/versions/1/comments`, {
        clause: '6',
        text: 'Barcelona may need fewer excavators; please check.',
      }),
      201,
    );
    const res = ok(
      await barcelona.api.post(`${base()}/versions/1/comments`, {
        text: 'Agreed: two excavators for Barcelona, the third is bought locally.',
      }),
      201,
    );
    expect(res.body.comments.map((c: any) => [c.organisationName, c.clause])).toEqual([
      ['City of Copenhagen', '6'],
      ['Barcelona City Council', null],
    ]);
    expect((await commission.api.post(`${base()}/versions/1/comments`, { text: 'Looks fine.' })).status).toBe(403);
    expect((await supplier.api.post(`${base()}/versions/1/comments`, { text: 'Hello' })).status).toBe(404);
    expect((await copenhagen.api.post(`${base()}/versions/9/comments`, { text: 'Which version?' })).status).toBe(404);
    const blank = await copenhagen.api.post(`${base()}/versions/1/comments`, { text: '  ' });
    expect(blank.status).toBe(400);
    expect(fieldsOf(blank)).toEqual(['text']);
  });

  it('refuses signatures once the deadline passed, until the lead sets a later one', async () => {
    await h.mail.waitFor(() => mailTo(helsinki, /^Signature deadline passed/).length === 1, 40_000);
    expect(mailTo(helsinki, /^Signature deadline passed/)[0]!.text).toContain('City of Copenhagen');
    const late = await copenhagen.api.post(`${base()}/sign`, { versionId: v1.versionId, versionHash: v1.contentHash });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('deadline_passed');
    expect(
      (await copenhagen.api.post(`${base()}/deadline`, { deadline: new Date(Date.now() + 3_600_000).toISOString() }))
        .status,
    ).toBe(403);
    const past = await helsinki.api.post(`${base()}/deadline`, { deadline: new Date(startedAt).toISOString() });
    expect(past.status).toBe(422);
    expect(fieldsOf(past)).toEqual(['deadline']);
    ok(await helsinki.api.post(`${base()}/deadline`, { deadline: new Date(Date.now() + 3_600_000).toISOString() }));
    await h.mail.waitFor(() => mailTo(barcelona, /^New signature deadline/).length === 1);
  });

  it('lets only a user with the signatory role sign, and only the current version by its hash', async () => {
    const sign = { versionId: v1.versionId, versionHash: v1.contentHash };
    const clerk = await copenhagenClerk.post(`${base()}/sign`, sign);
    expect(clerk.status).toBe(403);
    expect(clerk.body.detail).toContain('signatory');
    expect((await commission.api.post(`${base()}/sign`, sign)).status).toBe(403);
    expect((await supplier.api.post(`${base()}/sign`, sign)).status).toBe(404);
    const wrongHash = await copenhagen.api.post(`${base()}/sign`, { ...sign, versionHash: 'a'.repeat(64) });
    expect(wrongHash.status).toBe(409);
    expect(fieldsOf(wrongHash)).toEqual(['versionHash']);
    const signed = ok(await copenhagen.api.post(`${base()}/sign`, sign)).body;
    expect(signed.parties.find((p: any) => p.organisationId === copenhagen.org.id).signedCurrentVersion).toBe(true);
    expect(signed.signatures).toEqual([
      expect.objectContaining({
        organisationId: copenhagen.org.id,
        version: 1,
        versionHash: v1.contentHash,
        clearedAt: null,
      }),
    ]);
    expect((await copenhagen.api.post(`${base()}/sign`, sign)).status).toBe(409);
  });

  it('lets a party withdraw before signing, not after; the version then needs an amendment', async () => {
    expect((await copenhagen.api.post(`${base()}/withdraw`, { reason: 'Changed our mind' })).status).toBe(409);
    expect((await helsinki.api.post(`${base()}/withdraw`, { reason: 'Leaving' })).status).toBe(403);
    const view = ok(await riga.api.post(`${base()}/withdraw`, { reason: 'No budget for 2027 after all.' })).body;
    rigaIsParty = false;
    expect(view.parties.find((p: any) => p.organisationId === riga.org.id)).toMatchObject({
      status: 'withdrawn',
      statusReason: 'No budget for 2027 after all.',
    });
    // Riga is no longer a party: it reads the agreement's status and parties, not its versions or signatures.
    expect(view).toMatchObject({ versionsWithheld: true, currentVersion: null, versions: [], signatures: [] });
    // The version was written for four parties: Copenhagen's signature on it no longer stands.
    expect(ok(await helsinki.api.get(base())).body.signatures[0]).toMatchObject({
      organisationId: copenhagen.org.id,
      clearedAt: expect.any(String),
    });
    const stale = await barcelona.api.post(`${base()}/sign`, { versionId: v1.versionId, versionHash: v1.contentHash });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toContain('parties changed');
    await h.mail.waitFor(() => mailTo(helsinki, /withdrew from the agreement/).length === 1);
    expect((await riga.api.get(`${base()}/versions/1/document.pdf`)).status).toBe(403);
  });

  it('amends the draft: a new version with a recorded deviation, every signature cleared, v1 refused (409)', async () => {
    const res = ok(
      await helsinki.api.post(
        `${base()}/versions`,
        terms({
          distributions: distributions(
            '2',
            'The third excavator is bought under an existing local framework agreement.',
          ),
          note: 'Riga withdrew; Barcelona takes two excavators.',
        }),
      ),
      201,
    );
    expect(res.body.currentVersion).toMatchObject({
      version: 2,
      note: 'Riga withdrew; Barcelona takes two excavators.',
    });
    v2 = {
      versionId: res.body.currentVersion.versionId,
      contentHash: res.body.currentVersion.contentHash,
      pdfHash: res.body.currentVersion.pdfHash,
    };
    expect(v2.contentHash).not.toBe(v1.contentHash);
    expect(res.body.versions.map((v: any) => [v.version, v.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(res.body.parties.every((p: any) => !p.signedCurrentVersion)).toBe(true);
    const outdated = await barcelona.api.post(`${base()}/sign`, {
      versionId: v1.versionId,
      versionHash: v1.contentHash,
    });
    expect(outdated.status).toBe(409);
    expect(outdated.body.detail).toContain('current version (2)');
    for (const a of [copenhagen, barcelona])
      await h.mail.waitFor(() => mailTo(a, /amended \(version 2\): sign again/).length === 1);
    expect(mailTo(riga, /amended/)).toHaveLength(0);
  });

  it('enters into force when every party has signed the current version', async () => {
    const sign = { versionId: v2.versionId, versionHash: v2.contentHash };
    expect((await helsinkiClerk.post(`${base()}/sign`, sign)).status).toBe(403);
    expect(ok(await helsinki.api.post(`${base()}/sign`, sign)).body.status).toBe('negotiation');
    expect(ok(await copenhagen.api.post(`${base()}/sign`, sign)).body.status).toBe('negotiation');
    const done = ok(await barcelona.api.post(`${base()}/sign`, sign)).body;
    expect(done).toMatchObject({ status: 'in_force', inForceAt: expect.any(String) });
    expect(done.parties.filter((p: any) => p.status === 'party').every((p: any) => p.signedCurrentVersion)).toBe(true);
    const standing = done.signatures.filter((s: any) => s.clearedAt === null);
    expect(standing.map((s: any) => [s.organisationId, s.version, s.versionHash])).toEqual(
      [helsinki, copenhagen, barcelona].map((a) => [a.org.id, 2, v2.contentHash]),
    );
    for (const a of [helsinki, copenhagen, barcelona])
      await h.mail.waitFor(() => mailTo(a, /is in force$/).length === 1);
    expect(mailTo(helsinki, /is in force$/)[0]!.text).toContain(v2.contentHash);

    expect((await barcelona.api.post(`${base()}/sign`, sign)).status).toBe(409);
    expect((await copenhagen.api.post(`${base()}/versions/2/comments`, { text: 'Too late' })).status).toBe(409);
    expect((await helsinki.api.post(`${base()}/versions`, terms({ distributions: distributions() }))).status).toBe(409);
    const workflow = await h.temporal.workflow.getHandle(`agreement-${id}`).result();
    expect(workflow).toEqual({ status: 'in_force', version: 2, versionHash: v2.contentHash });
  });

  it('gives the parties a PDF that opens and names the parties, the applicable law and the distribution', async () => {
    const res = await fetch(new URL(`${base()}/versions/2/document.pdf`, h.baseUrl), {
      headers: { authorization: copenhagen.api.auth.bearer ? `Bearer ${copenhagen.api.auth.bearer}` : '' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const hash = createHash('sha256').update(pdf).digest('hex');
    expect(hash).toBe(v2.pdfHash);
    expect(res.headers.get('x-pdf-hash')).toBe(hash);
    expect(res.headers.get('x-content-hash')).toBe(v2.contentHash);

    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    const text = (await parser.getText()).text.replace(/\s+/g, ' ');
    await parser.destroy();
    for (const name of ['City of Helsinki', 'City of Copenhagen', 'Barcelona City Council'])
      expect(text).toContain(name);
    expect(text).not.toContain('Riga City Council');
    expect(text).toContain('The national law of FI, the country of a party, governs the procedure');
    expect(text).toContain('Article 39(4)');
    expect(text).toContain('Barcelona City Council | LOT-1 | 43260000 | H87 | 2');
    expect(text).toContain('City of Copenhagen | LOT-1 | 34144900 | C62 | 1');
    expect(text).toContain('The third excavator is bought under an existing local framework agreement.');
    expect(text).toContain(v2.contentHash);

    const html = await helsinki.api.get<string>(`${base()}/versions/2/document.html`);
    expect(html.status).toBe(200);
    expect(html.body).toContain('<td>Barcelona City Council</td><td>ES</td>');
    expect(html.body).toContain(v2.contentHash);

    expect((await commission.api.get(`${base()}/versions/2/document.pdf`)).status).toBe(403);
    expect((await outsider.api.get(`${base()}/versions/2/document.pdf`)).status).toBe(404);
    expect((await supplier.api.get(`${base()}/versions/2/document.html`)).status).toBe(404);
    expect((await barcelona.api.get(`${base()}/versions/7/document.pdf`)).status).toBe(404);
  });

  it('records every step in a verifiable audit chain', async () => {
    const audit = ok(await commission.api.get(`${base()}/audit?order=asc`)).body;
    expect(audit.verification).toMatchObject({ valid: true, problem: null });
    const actions = audit.events.map((e: any) => e.action);
    expect(actions.filter((a: string) => a === 'agreement_signed')).toHaveLength(4);
    for (const action of [
      'agreement_started',
      'agreement_joined',
      'agreement_reminder_sent',
      'agreement_version_proposed',
      'agreement_commented',
      'agreement_deadline_passed',
      'agreement_deadline_extended',
      'agreement_withdrawn',
      'agreement_in_force',
    ]) {
      expect(actions, action).toContain(action);
    }
    const amended = audit.events.find((e: any) => e.action === 'agreement_version_proposed' && e.data.version === 2);
    expect(amended.data).toMatchObject({ amendment: true, contentHash: v2.contentHash, pdfHash: v2.pdfHash });
    expect(actions.at(-1)).toBe('agreement_in_force');
    expect((await supplier.api.get(`${base()}/audit`)).status).toBe(404);
  });

  it('keeps documents out of the workflow history, and its history replays against today’s code', async () => {
    const handle = h.temporal.workflow.getHandle(`agreement-${id}`);
    const history = await handle.fetchHistory();
    const text = historyPayloadText(history);
    expect(text).toContain(v2.contentHash);
    // Terms, comments and rendered documents stay in the database: only ids and hashes travel.
    for (const fragment of [
      'Helsinki District Court',
      'Barcelona may need fewer excavators',
      'existing local framework agreement',
      '%PDF',
    ]) {
      expect(text).not.toContain(fragment);
    }
    if (process.env.RECORD_HISTORIES) {
      const dir = path.resolve('test/fixtures/histories');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'agreement-in-force.json'), historyToJSON(history));
    }
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') } },
        history,
        handle.workflowId,
      ),
    ).resolves.toBeUndefined();
  });
});
