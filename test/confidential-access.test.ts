import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../api/app.js';
import {
  ApiClient,
  type ApiResponse,
  type Harness,
  makeActor,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { publish } from './support/published-statement.js';
import { everyPhaseJointly, responsibilitiesOf } from './support/sample-input.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Who reads what of a statement and its agreement (issue 12, access), each rule tried as the
 * wrong viewer first and then as the right one, on the real services: a statement with six
 * buyers (one declines its invitation, one withdraws its needs, one agrees to be named) is
 * driven to publication, then into an agreement that one signatory declines and another leaves.
 */
describe('confidential access: agreement terms, the roster, per-buyer versions, schema filtering, organisations that left', () => {
  let h: Harness;
  let helsinki: Actor; // the lead
  let copenhagen: Actor; // signatory, agrees to be named, party to the agreement
  let barcelona: Actor; // signatory, not named, declines the agreement
  let riga: Actor; // signatory, not named, joins the agreement and withdraws from it
  let oslo: Actor; // declines the invitation to the statement
  let tallinn: Actor; // accepts, submits and withdraws its needs
  let vilnius: Actor; // a buyer that was never invited
  let supplier: Actor;
  let commission: Actor;
  let admin: Actor;
  let id: string;

  const osloReason = 'Oslo reason: the council froze the budget';
  const tallinnReason = 'Tallinn reason: our depot burned down';
  const barcelonaReason = 'Barcelona reason: we procure locally after all';
  const rigaReason = 'Riga reason: no budget for the framework';
  const comment = 'Copenhagen comment: please check our seven excavators';

  const ok = <T extends { status: number; body: unknown }>(res: T, status?: number): T => {
    if (status === undefined) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    else expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res;
  };
  const live = (a: Actor = helsinki) => a.api.get(`/api/statements/${id}/live`);
  const waitForStage = (stage: string) =>
    until(
      () => live(),
      (r) => r.body.stage === stage,
      60_000,
      `stage ${stage}`,
    );
  const rows = (res: ApiResponse, key = 'organisationId') =>
    (res.body.participants as Record<string, unknown>[]).map((p) => p[key] as string).sort();
  const ids = (...actors: Actor[]) => actors.map((a) => a.org.id).sort();
  /** Publication through the real approval stage, once, for whichever section needs it first. */
  let publication: Promise<void> | undefined;
  const published = () => (publication ??= publish(h, id, helsinki, [helsinki, copenhagen, barcelona, riga]));
  const reasons = [osloReason, tallinnReason, barcelonaReason, rigaReason];
  const leaksNoReason = (res: ApiResponse, except: string[] = []) => {
    const text = JSON.stringify(res.body);
    for (const r of reasons.filter((x) => !except.includes(x))) expect(text, r).not.toContain(r);
  };

  beforeAll(async () => {
    h = await startHarness();
    helsinki = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Helsinki', country: 'FI' },
      { label: 'ca-helsinki', roles: ['signatory'] },
    );
    copenhagen = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Copenhagen', country: 'DK' },
      { label: 'ca-copenhagen', roles: ['signatory'] },
    );
    barcelona = await makeActor(
      h,
      { kind: 'buyer', name: 'Barcelona City Council', country: 'ES' },
      { label: 'ca-barcelona', roles: ['signatory'] },
    );
    riga = await makeActor(
      h,
      { kind: 'buyer', name: 'Riga City Council', country: 'LV' },
      { label: 'ca-riga', roles: ['signatory'] },
    );
    oslo = await makeActor(h, { kind: 'buyer', name: 'City of Oslo', country: 'NO' }, { label: 'ca-oslo' });
    tallinn = await makeActor(h, { kind: 'buyer', name: 'City of Tallinn', country: 'EE' }, { label: 'ca-tallinn' });
    vilnius = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Vilnius', country: 'LT' },
      { label: 'ca-vilnius', roles: ['signatory'] },
    );
    supplier = await makeActor(h, { kind: 'supplier', country: 'DE', sme: true }, { label: 'ca-supplier' });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'ca-commission' });
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { label: 'ca-admin', isAdmin: true });

    const details = statementDetails({ criticalMass: { minBuyers: 4, minCountries: 2, minTotalValueEur: '100000' } });
    id = ok(await helsinki.api.post('/api/statements', details)).body.id;
    const invited = [copenhagen, barcelona, riga, oslo, tallinn];
    ok(await helsinki.api.post(`/api/statements/${id}/invitations`, { organisationIds: invited.map((a) => a.org.id) }));
    for (const a of [copenhagen, barcelona, riga, tallinn])
      ok(await a.api.post(`/api/statements/${id}/invitation/accept`));
    ok(await oslo.api.post(`/api/statements/${id}/invitation/decline`, { reason: osloReason }));
    ok(await copenhagen.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true }));
    ok(await helsinki.api.post(`/api/statements/${id}/needs-assessment/open`));
    const versions = new Map<Actor, string>();
    for (const [a, quantity] of [
      [helsinki, '4'],
      [copenhagen, '7'],
      [barcelona, '3'],
      [riga, '2'],
      [tallinn, '5'],
    ] as const) {
      ok(await a.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine({ quantity })], answers: {} }));
      versions.set(a, ok(await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId);
    }
    ok(await tallinn.api.post(`/api/statements/${id}/needs/withdraw`, { reason: tallinnReason }));
    ok(await helsinki.api.post(`/api/statements/${id}/close-stage`));
    for (const a of [helsinki, copenhagen, barcelona, riga])
      ok(await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions.get(a) }));
    await waitForStage('market_engagement');
  }, 120_000);
  afterAll(async () => h?.close());

  describe('per-buyer needs versions on /live', () => {
    it('go to the lead (every row) and to each buyer (its own row) only, not to Commission staff, administrators or other participants', async () => {
      const perRow = (res: ApiResponse) =>
        Object.fromEntries(
          (res.body.participants as { orgId: string; versionId?: unknown; contentHash?: unknown }[]).map((p) => [
            p.orgId,
            p.versionId !== undefined || p.contentHash !== undefined,
          ]),
        );
      // Wrong viewers: Commission staff, an administrator, another participant (for the others' rows).
      for (const who of [commission, admin]) {
        const res = ok(await live(who));
        expect(rows(res, 'orgId')).toEqual(ids(helsinki, copenhagen, barcelona, riga, oslo, tallinn));
        expect(Object.values(perRow(res)).some(Boolean), 'a version id or hash for Commission/administrator').toBe(
          false,
        );
        expect(JSON.stringify(res.body)).not.toMatch(/versionId|contentHash/);
      }
      const own = ok(await live(copenhagen));
      expect(perRow(own)).toEqual({
        [helsinki.org.id]: false,
        [copenhagen.org.id]: true,
        [barcelona.org.id]: false,
        [riga.org.id]: false,
        [oslo.org.id]: false,
        [tallinn.org.id]: false,
      });
      const mine = own.body.participants.find((p: { orgId: string }) => p.orgId === copenhagen.org.id);
      expect(mine).toMatchObject({
        status: 'confirmed',
        version: 1,
        versionId: expect.any(String),
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      // The right viewer: the lead reads every row's version.
      const lead = ok(await live(helsinki));
      for (const a of [helsinki, copenhagen, barcelona, riga]) expect(perRow(lead)[a.org.id], a.org.name).toBe(true);
      expect(lead.body.participants.find((p: { orgId: string }) => p.orgId === barcelona.org.id).versionId).toEqual(
        expect.any(String),
      );
    });

    it('are withheld from Commission staff and administrators in the needs overview and the audit log too', async () => {
      for (const who of [commission, admin]) {
        const overview = ok(await who.api.get(`/api/statements/${id}/needs-overview`));
        expect(
          overview.body.participants
            .filter((p: { latestVersion: unknown }) => p.latestVersion !== null)
            .map((p: { latestVersion: { id: unknown } }) => p.latestVersion.id),
        ).toEqual([null, null, null, null, null]);
        const events = ok(await who.api.get(`/api/statements/${id}/audit`)).body.events as {
          action: string;
          data: Record<string, unknown>;
        }[];
        const needs = events.filter((e) =>
          ['needs_draft_saved', 'needs_submitted', 'needs_confirmed'].includes(e.action),
        );
        expect(needs.length).toBeGreaterThanOrEqual(14);
        for (const e of needs)
          expect(
            [e.data.versionId, e.data.contentHash, e.data.draftHash].filter((v) => v !== undefined && v !== null),
            e.action,
          ).toEqual([]);
      }
      const lead = ok(await helsinki.api.get(`/api/statements/${id}/needs-overview`));
      expect(
        lead.body.participants.find((p: { organisationId: string }) => p.organisationId === copenhagen.org.id)
          .latestVersion.id,
      ).toEqual(expect.any(String));
      const leadEvents = ok(await helsinki.api.get(`/api/statements/${id}/audit`)).body.events as {
        action: string;
        data: Record<string, unknown>;
      }[];
      expect(leadEvents.find((e) => e.action === 'needs_confirmed')!.data.contentHash).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('free-text reasons', () => {
    it('are read by the lead and the buyer itself, not by Commission staff, administrators or other participants (statement, overview, audit log)', async () => {
      for (const who of [commission, admin, copenhagen]) {
        const statement = ok(await who.api.get(`/api/statements/${id}`));
        expect(rows(statement)).toEqual(ids(helsinki, copenhagen, barcelona, riga, oslo, tallinn));
        expect(statement.body.participants.every((p: { statusReason: unknown }) => p.statusReason === null)).toBe(true);
        leaksNoReason(statement);
      }
      for (const who of [commission, admin]) {
        const overview = ok(await who.api.get(`/api/statements/${id}/needs-overview`));
        expect(
          overview.body.participants.find((p: { organisationId: string }) => p.organisationId === tallinn.org.id),
        ).toMatchObject({ status: 'withdrawn', statusReason: null });
        leaksNoReason(overview);
        const audit = ok(await who.api.get(`/api/statements/${id}/audit`));
        leaksNoReason(audit);
        expect(audit.body.verification.valid).toBe(true);
        const withdrawn = audit.body.events.find((e: { action: string }) => e.action === 'needs_withdrawn');
        expect(withdrawn.data).toMatchObject({ organisationId: tallinn.org.id, reason: null });
      }
      const lead = ok(await helsinki.api.get(`/api/statements/${id}`));
      expect(
        lead.body.participants.find((p: { organisationId: string }) => p.organisationId === oslo.org.id).statusReason,
      ).toBe(osloReason);
      expect(
        ok(await helsinki.api.get(`/api/statements/${id}/needs-overview`)).body.participants.find(
          (p: { organisationId: string }) => p.organisationId === tallinn.org.id,
        ).statusReason,
      ).toBe(tallinnReason);
      const leadAudit = ok(await helsinki.api.get(`/api/statements/${id}/audit`));
      expect(leadAudit.body.events.find((e: { action: string }) => e.action === 'needs_withdrawn').data.reason).toBe(
        tallinnReason,
      );
    });
  });

  describe('organisations that left, before publication', () => {
    it('see their own participation and needs, nothing of the others, and can do nothing on the statement', async () => {
      for (const [who, reason] of [
        [oslo, osloReason],
        [tallinn, tallinnReason],
      ] as const) {
        const statement = ok(await who.api.get(`/api/statements/${id}`));
        expect(statement.body.participants).toEqual([
          expect.objectContaining({ organisationId: who.org.id, statusReason: reason }),
        ]);
        leaksNoReason(statement, [reason]);
        const state = ok(await live(who));
        expect(rows(state, 'orgId')).toEqual([who.org.id]);
        expect(state.body.aggregate).toBeNull();
        // Nothing the others gave, and no action on the statement.
        expect((await who.api.get(`/api/statements/${id}/aggregate`)).status).toBe(403);
        expect((await who.api.get(`/api/statements/${id}/needs/${copenhagen.org.id}`)).status).toBe(403);
        expect((await who.api.get(`/api/statements/${id}/needs-overview`)).status).toBe(403);
        expect((await who.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true })).status).toBe(
          403,
        );
        expect((await who.api.get(`/api/statements/${id}/consultation/name-consent`)).status).toBe(403);
        expect(
          (await who.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine()], answers: {} })).status,
        ).toBe(403);
        expect((await who.api.post(`/api/statements/${id}/needs/withdraw`, { reason: 'Leaving again' })).status).toBe(
          403,
        );
        expect((await who.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(403);
      }
      // Its own needs stay readable: Tallinn's withdrawn version.
      const needs = ok(await tallinn.api.get(`/api/statements/${id}/needs/${tallinn.org.id}`));
      expect(needs.body.versions.map((v: { status: string }) => v.status)).toEqual(['withdrawn']);
      expect(ok(await oslo.api.get(`/api/statements/${id}/needs/${oslo.org.id}`)).body.versions).toEqual([]);
    });
  });

  describe('the roster after publication', () => {
    beforeAll(() => published(), 120_000);

    it('shows every signed-in user the signatories that agreed to be named and its own row; oversight every status; the lead everything', async () => {
      // Wrong viewers: a supplier (self-registered) and a buyer never invited see Copenhagen only, which agreed to be named.
      for (const who of [supplier, vilnius]) {
        const statement = ok(await who.api.get(`/api/statements/${id}`));
        expect(rows(statement), who.org.name).toEqual(ids(copenhagen));
        leaksNoReason(statement);
        expect(JSON.stringify(statement.body)).not.toMatch(/Oslo|Tallinn|Barcelona|Riga/);
        expect(rows(ok(await live(who)), 'orgId')).toEqual(ids(copenhagen));
        expect(
          ok(await who.api.get(`/api/statements/${id}/signatories`)).body.signatories.map(
            (s: { organisationId: string }) => s.organisationId,
          ),
        ).toEqual(ids(copenhagen));
      }
      // Another participant, and organisations that left: the named signatory and their own row.
      for (const [who, reason] of [
        [barcelona, null],
        [oslo, osloReason],
        [tallinn, tallinnReason],
      ] as const) {
        const statement = ok(await who.api.get(`/api/statements/${id}`));
        expect(rows(statement), who.org.name).toEqual(ids(copenhagen, who));
        expect(
          statement.body.participants.find((p: { organisationId: string }) => p.organisationId === who.org.id)
            .statusReason,
        ).toBe(reason);
        leaksNoReason(statement, reason ? [reason] : []);
        expect(rows(ok(await live(who)), 'orgId')).toEqual(ids(copenhagen, who));
      }
      expect(
        ok(await barcelona.api.get(`/api/statements/${id}/signatories`))
          .body.signatories.map((s: { organisationId: string }) => s.organisationId)
          .sort(),
      ).toEqual(ids(copenhagen, barcelona));
      // The approvals of the text: the same roster.
      const text = ok(await barcelona.api.get(`/api/statements/${id}/text`)).body;
      expect(text.approvers.map((a: { organisationId: string }) => a.organisationId).sort()).toEqual(
        ids(copenhagen, barcelona),
      );
      expect([...new Set(text.decisions.map((d: { organisationId: string }) => d.organisationId))].sort()).toEqual(
        ids(copenhagen, barcelona),
      );
      expect(ok(await commission.api.get(`/api/statements/${id}/text`)).body.approvers).toHaveLength(4);
      expect(ok(await helsinki.api.get(`/api/statements/${id}/text`)).body.approvers).toHaveLength(4);
      // Commission staff and administrators: every status, no reason.
      for (const who of [commission, admin]) {
        const statement = ok(await who.api.get(`/api/statements/${id}`));
        expect(rows(statement)).toEqual(ids(helsinki, copenhagen, barcelona, riga, oslo, tallinn));
        leaksNoReason(statement);
        expect(ok(await who.api.get(`/api/statements/${id}/signatories`)).body.signatories).toHaveLength(4);
      }
      // The lead: everything, reasons included.
      const lead = ok(await helsinki.api.get(`/api/statements/${id}`));
      expect(rows(lead)).toEqual(ids(helsinki, copenhagen, barcelona, riga, oslo, tallinn));
      expect(
        lead.body.participants.find((p: { organisationId: string }) => p.organisationId === tallinn.org.id)
          .statusReason,
      ).toBe(tallinnReason);
    });
  });

  describe('organisations that left, after publication', () => {
    beforeAll(() => published(), 120_000);

    it('cannot ask to sign the published statement; a buyer never invited can', async () => {
      for (const who of [oslo, tallinn])
        expect((await who.api.post(`/api/statements/${id}/signatory-requests`)).status).toBe(403);
      ok(await vilnius.api.post(`/api/statements/${id}/signatory-requests`), 202);
    });
  });

  describe('the agreement', () => {
    const base = () => `/api/statements/${id}/agreement`;
    const terms = () => ({
      leadAuthorityOrgId: helsinki.org.id,
      applicableLaw: { kind: 'party_country', country: 'FI' },
      procedureType: 'open',
      lots: [{ id: 'LOT-1', title: 'Electric excavators', cpvCodes: ['43260000'] }],
      responsibilities: responsibilitiesOf(helsinki.org.id, [helsinki.org.id, copenhagen.org.id]),
      phases: everyPhaseJointly(),
      contractConclusion: 'each_party_own_contract',
      costSharing: { method: 'equal' },
      languages: ['en'],
      disputeResolution: { text: 'Amicable settlement first.', forum: 'Helsinki District Court' },
      duration: { kind: 'months', months: 36 },
      accession: { allowed: false },
    });

    beforeAll(async () => {
      await published();
      ok(await helsinki.api.post(base(), {}), 201);
      ok(await copenhagen.api.post(`${base()}/join`, {}));
      ok(await riga.api.post(`${base()}/join`, {}));
      ok(await barcelona.api.post(`${base()}/decline`, { reason: barcelonaReason }));
      ok(await riga.api.post(`${base()}/withdraw`, { reason: rigaReason }));
      ok(await helsinki.api.post(`${base()}/versions`, terms()), 201);
      ok(await copenhagen.api.post(`${base()}/versions/1/comments`, { clause: '6', text: comment }), 201);
    }, 180_000);

    it('a version (terms, quantities, comments) is for the parties only', async () => {
      // Wrong viewers that follow the agreement: refused.
      for (const who of [commission, admin, barcelona, riga]) {
        const res = await who.api.get(`${base()}/versions/1`);
        expect(res.status, who.org.name).toBe(403);
        expect(JSON.stringify(res.body)).not.toContain(comment);
      }
      // Wrong viewers that do not: the agreement does not exist for them.
      for (const who of [supplier, vilnius, oslo, tallinn])
        expect((await who.api.get(`${base()}/versions/1`)).status, who.org.name).toBe(404);
      // The right viewers: the parties.
      for (const who of [helsinki, copenhagen]) {
        const version = ok(await who.api.get(`${base()}/versions/1`)).body;
        expect(version.comments.map((c: { text: string }) => c.text)).toEqual([comment]);
        const lines = Object.fromEntries(
          version.terms.distributions.map((d: { orgId: string; lots: { lines: { quantity: string }[] }[] }) => [
            d.orgId,
            d.lots[0]!.lines[0]!.quantity,
          ]),
        );
        expect(lines).toEqual({ [helsinki.org.id]: '4', [copenhagen.org.id]: '7' });
      }
    });

    it('everyone else who follows the agreement reads its status and its parties, without versions, signatures or reasons', async () => {
      for (const who of [commission, admin, barcelona, riga]) {
        const view = ok(await who.api.get(base())).body;
        expect(view).toMatchObject({ status: 'negotiation', currentVersion: null, versions: [], signatures: [] });
        expect(
          view.parties.map((p: { organisationId: string; status: string }) => [p.organisationId, p.status]).sort(),
        ).toEqual(
          [
            [helsinki.org.id, 'party'],
            [copenhagen.org.id, 'party'],
            [barcelona.org.id, 'declined'],
            [riga.org.id, 'withdrawn'],
          ].sort(),
        );
        const own = who === barcelona ? barcelonaReason : who === riga ? rigaReason : null;
        for (const p of view.parties as { organisationId: string; statusReason: string | null }[]) {
          expect(p.statusReason, `${who.org.name} reading ${p.organisationId}`).toBe(
            p.organisationId === who.org.id ? own : null,
          );
        }
        expect(JSON.stringify(view)).not.toMatch(/contentHash|pdfHash|Helsinki District Court/);
        expect(JSON.stringify(view)).not.toContain(comment);
      }
      // A declined or withdrawn organisation does not read the audit log either; oversight does, reasons withheld.
      for (const who of [barcelona, riga]) expect((await who.api.get(`${base()}/audit`)).status).toBe(403);
      for (const who of [commission, admin]) {
        const audit = ok(await who.api.get(`${base()}/audit`));
        leaksNoReason(audit);
        expect(
          audit.body.events.find((e: { action: string }) => e.action === 'agreement_withdrawn').data,
        ).toMatchObject({ organisationId: riga.org.id, reason: null });
      }
      // The parties read everything; reasons are the lead's (and the buyer's own).
      const lead = ok(await helsinki.api.get(base())).body;
      expect(lead.currentVersion).toMatchObject({ version: 1, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(lead.parties.find((p: { organisationId: string }) => p.organisationId === riga.org.id).statusReason).toBe(
        rigaReason,
      );
      expect(
        ok(await helsinki.api.get(`${base()}/audit`)).body.events.find(
          (e: { action: string }) => e.action === 'agreement_declined',
        ).data.reason,
      ).toBe(barcelonaReason);
      const party = ok(await copenhagen.api.get(base())).body;
      expect(party.versions).toHaveLength(1);
      expect(party.parties.every((p: { statusReason: unknown }) => p.statusReason === null)).toBe(true);
    });
  });

  describe('responses are filtered to their documented schema in every environment', () => {
    it('without the tests’ response check (as in production), /live carries no undocumented field', async () => {
      const { app } = createApp({ ctx: h.ctx, db: h.db, temporal: h.temporal, mailer: h.mailer, secureCookies: false });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        const port = (server.address() as { port: number }).port;
        const production = new ApiClient(`http://127.0.0.1:${port}`, { bearer: commission.api.auth.bearer });
        const res = ok(await production.get(`/api/statements/${id}/live`));
        expect(Object.keys(res.body).sort()).toEqual(
          [
            'statementId',
            'leadOrgId',
            'stage',
            'stageEnteredAt',
            'deadline',
            'detailsVersion',
            'detailsHash',
            'participants',
            'surveyVersion',
            'round',
            'aggregate',
            'aggregationBlocked',
            'cancelReason',
            'processFailure',
          ].sort(),
        );
        // A failed step and what to do about it are the lead's (and administrators'): null for oversight.
        expect(res.body.processFailure).toBeNull();
        for (const p of res.body.participants) expect(Object.keys(p).sort()).toEqual(['orgId', 'status']);
      } finally {
        server.close();
      }
    });
  });
});
