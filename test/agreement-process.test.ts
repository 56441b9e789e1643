import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness } from './support/harness.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';
import { everyPhaseJointly, responsibilitiesOf } from './support/sample-input.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The agreement workflow's other paths on the real services: an Art. 38 agreement within one
 * Member State that is declined by one signatory and cancelled by the lead; retried signatures;
 * a party joining after a version exists (signatures cleared); simultaneous last signatures.
 */
describe('agreement workflow paths', () => {
  let h: Harness;
  const mailTo = (a: Actor, subject: RegExp) =>
    h.mail.messages.filter((m) => m.to.includes(a.user.email.toLowerCase()) && subject.test(m.subject));
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };

  /** The terms, with a responsibility for each party of the agreement at `base` (Art. 39(4)(a)). */
  async function terms(lead: Actor, country: string, base: string) {
    const parties = ok(await lead.api.get(base))
      .body.parties.filter((p: { status: string }) => p.status === 'party')
      .map((p: { organisationId: string }) => p.organisationId);
    return {
      leadAuthorityOrgId: lead.org.id,
      applicableLaw: { kind: 'party_country', country },
      procedureType: 'open',
      lots: [{ id: 'ALL', title: 'Electric excavators', cpvCodes: ['43260000'] }],
      responsibilities: responsibilitiesOf(lead.org.id, parties),
      phases: everyPhaseJointly(),
      contractConclusion: 'each_party_own_contract',
      costSharing: { method: 'equal' },
      languages: ['en'],
      disputeResolution: { text: 'Amicable settlement first.', forum: 'The courts of the lead’s seat' },
      duration: { kind: 'until', date: `${new Date().getUTCFullYear() + 4}-12-31` },
      accession: {
        allowed: true,
        conditions: 'A signatory of the statement may accede before the call for competition.',
      },
    };
  }

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  describe('within one Member State (Art. 38): declined, retried, cancelled', () => {
    let helsinki: Actor;
    let espoo: Actor;
    let vantaa: Actor;
    let id: string;
    const base = () => `/api/statements/${id}/agreement`;

    it('is an occasional joint procurement under Art. 38, and needs two parties before terms', async () => {
      helsinki = await makeActor(
        h,
        { kind: 'buyer', name: 'City of Helsinki', country: 'FI' },
        { label: 'hel38', roles: ['signatory'] },
      );
      espoo = await makeActor(
        h,
        { kind: 'buyer', name: 'City of Espoo', country: 'FI' },
        { label: 'espoo', roles: ['signatory'] },
      );
      vantaa = await makeActor(
        h,
        { kind: 'buyer', name: 'City of Vantaa', country: 'FI' },
        { label: 'vantaa', roles: ['signatory'] },
      );
      id = await statementInMarketEngagement(h, helsinki, [
        [helsinki, [needLine({ quantity: '2' })]],
        [espoo, [needLine({ quantity: '1' })]],
        [vantaa, [needLine({ quantity: '1' })]],
      ]);
      await publish(h, id, helsinki, [helsinki, espoo, vantaa]);
      const started = ok(await helsinki.api.post(base(), {}));
      expect(Date.parse(started.body.signatureDeadline)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      const alone = await helsinki.api.post(`${base()}/versions`, await terms(helsinki, 'FI', base()));
      expect(alone.status).toBe(422);
      expect(alone.body.errors).toEqual([{ field: 'parties', rule: expect.stringContaining('at least 2') }]);

      ok(await espoo.api.post(`${base()}/join`, {}));
      const declined = ok(
        await vantaa.api.post(`${base()}/decline`, { reason: 'We buy through our own framework.' }),
      ).body;
      expect(declined.parties.find((p: any) => p.organisationId === vantaa.org.id)).toMatchObject({
        status: 'declined',
        statusReason: 'We buy through our own framework.',
      });
      expect((await vantaa.api.post(`${base()}/join`, {})).status).toBe(409);
      await h.mail.waitFor(() => mailTo(helsinki, /declined the agreement/).length === 1);
      expect(declined).toMatchObject({ kind: 'art38_occasional', legalBasis: expect.stringContaining('Article 38') });
    });

    it('applies a signature retried with the same Idempotency-Key once', async () => {
      const proposed = ok(await helsinki.api.post(`${base()}/versions`, await terms(helsinki, 'FI', base()))).body
        .currentVersion;
      const sign = { versionId: proposed.versionId, versionHash: proposed.contentHash };
      const first = ok(await espoo.api.post(`${base()}/sign`, sign, { 'Idempotency-Key': 'espoo-signs-v1' }));
      const again = ok(await espoo.api.post(`${base()}/sign`, sign, { 'Idempotency-Key': 'espoo-signs-v1' }));
      expect(again.body.signatures).toEqual(first.body.signatures);
      expect((await espoo.api.post(`${base()}/sign`, sign)).status).toBe(409);
      const audit = ok(await helsinki.api.get(`${base()}/audit`)).body;
      expect(audit.events.filter((e: any) => e.action === 'agreement_signed')).toHaveLength(1);

      const pdf = await fetch(new URL(`${base()}/versions/1/document.pdf`, h.baseUrl), {
        headers: { authorization: `Bearer ${espoo.api.auth.bearer}` },
      });
      const parser = new PDFParse({ data: new Uint8Array(await pdf.arrayBuffer()) });
      const text = (await parser.getText()).text.replace(/\s+/g, ' ');
      await parser.destroy();
      expect(text).toContain('Occasional joint procurement, Directive 2014/24/EU Article 38');
      expect(text).toContain('New parties may accede: A signatory of the statement may accede');
      expect(text).not.toContain('City of Vantaa');
    });

    it('lets only the lead cancel; then nothing changes any more', async () => {
      expect((await espoo.api.post(`${base()}/cancel`, { reason: 'no' })).status).toBe(403);
      const cancel = { reason: 'The budget was not approved.' };
      const cancelled = ok(
        await helsinki.api.post(`${base()}/cancel`, cancel, { 'Idempotency-Key': 'hel-cancels' }),
      ).body;
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'The budget was not approved.' });
      // The same request again (its first answer lost): the first answer, though the workflow has
      // ended; without the key, or with another one, it is a new request, and too late.
      const repeated = await helsinki.api.post(`${base()}/cancel`, cancel, { 'Idempotency-Key': 'hel-cancels' });
      expect(repeated.status, JSON.stringify(repeated.body)).toBe(200);
      expect(repeated.body).toEqual(cancelled);
      expect((await helsinki.api.post(`${base()}/cancel`, cancel, { 'Idempotency-Key': 'hel-cancels-2' })).status).toBe(
        409,
      );
      await h.mail.waitFor(() => mailTo(espoo, /was cancelled$/).length === 1);
      expect(mailTo(vantaa, /was cancelled$/)).toHaveLength(0);
      expect((await espoo.api.post(`${base()}/withdraw`, { reason: 'Leaving' })).status).toBe(409);
      expect((await helsinki.api.post(`${base()}/versions`, await terms(helsinki, 'FI', base()))).status).toBe(409);
      expect((await helsinki.api.post(base(), {})).status).toBe(409);
      expect(await h.temporal.workflow.getHandle(`agreement-${id}`).result()).toMatchObject({
        status: 'cancelled',
        version: 1,
      });
    });
  });

  describe('a party joining late, and the last signatures arriving together', () => {
    let tampere: Actor;
    let tallinn: Actor;
    let riga: Actor;
    let vilnius: Actor;
    let warsaw: Actor;
    let id: string;
    const base = () => `/api/statements/${id}/agreement`;

    it('clears the signatures given on a version when a party joins after it', async () => {
      tampere = await makeActor(
        h,
        { kind: 'buyer', name: 'City of Tampere', country: 'FI' },
        { label: 'tampere', roles: ['signatory'] },
      );
      tallinn = await makeActor(
        h,
        { kind: 'buyer', name: 'Tallinn City Government', country: 'EE' },
        { label: 'tallinn', roles: ['signatory'] },
      );
      riga = await makeActor(
        h,
        { kind: 'buyer', name: 'Riga City Council', country: 'LV' },
        { label: 'riga', roles: ['signatory'] },
      );
      vilnius = await makeActor(
        h,
        { kind: 'buyer', name: 'Vilnius City Municipality', country: 'LT' },
        { label: 'vilnius', roles: ['signatory'] },
      );
      id = await statementInMarketEngagement(h, tampere, [
        [tampere, [needLine({ quantity: '2' })]],
        [tallinn, [needLine({ quantity: '1' })]],
        [riga, [needLine({ quantity: '1' })]],
        [vilnius, [needLine({ quantity: '5' })]],
      ]);
      await publish(h, id, tampere, [tampere, tallinn, riga, vilnius]);
      ok(await tampere.api.post(base(), {}));
      for (const a of [tallinn, riga]) ok(await a.api.post(`${base()}/join`, {}));
      const v1 = ok(await tampere.api.post(`${base()}/versions`, await terms(tampere, 'EE', base()))).body
        .currentVersion;
      ok(await tallinn.api.post(`${base()}/sign`, { versionId: v1.versionId, versionHash: v1.contentHash }));

      const joined = ok(await vilnius.api.post(`${base()}/join`, {})).body;
      expect(joined.signatures).toEqual([
        expect.objectContaining({
          organisationId: tallinn.org.id,
          clearedAt: expect.any(String),
          clearedReason: expect.stringContaining('joined'),
        }),
      ]);
      const stale = await riga.api.post(`${base()}/sign`, { versionId: v1.versionId, versionHash: v1.contentHash });
      expect(stale.status).toBe(409);
      await h.mail.waitFor(() => mailTo(tampere, /Vilnius City Municipality joined/).length === 1);
    });

    it('invites a late signatory of the statement to the running agreement', async () => {
      warsaw = await makeActor(
        h,
        { kind: 'buyer', name: 'City of Warsaw', country: 'PL' },
        { label: 'warsaw', roles: ['signatory'] },
      );
      expect((await tampere.api.post(`${base()}/invitations`)).status).toBe(409);
      ok(await warsaw.api.post(`/api/statements/${id}/signatory-requests`));
      ok(await tampere.api.post(`/api/statements/${id}/signatory-requests/${warsaw.org.id}`, { accept: true }));
      expect((await warsaw.api.get(base())).status).toBe(404);
      expect((await tallinn.api.post(`${base()}/invitations`)).status).toBe(403);
      const invited = ok(await tampere.api.post(`${base()}/invitations`)).body;
      expect(invited.parties.find((p: any) => p.organisationId === warsaw.org.id)).toMatchObject({
        name: 'City of Warsaw',
        status: 'invited',
      });
      await h.mail.waitFor(() => mailTo(warsaw, /^Join the joint procurement agreement/).length === 1);
      expect((await tampere.api.post(`${base()}/invitations`)).status).toBe(409);
      ok(await warsaw.api.post(`${base()}/join`, {}));
    });

    it('enters into force once when the last parties sign at the same moment', async () => {
      const v2 = ok(
        await tampere.api.post(`${base()}/versions`, {
          ...(await terms(tampere, 'EE', base())),
          note: 'Vilnius and Warsaw joined.',
        }),
      ).body.currentVersion;
      expect(v2.version).toBe(2);
      const sign = { versionId: v2.versionId, versionHash: v2.contentHash };
      const answers = await Promise.all(
        [tampere, tallinn, riga, vilnius, warsaw].map((a) => a.api.post(`${base()}/sign`, sign)),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      const view = ok(await riga.api.get(base())).body;
      expect(view.status).toBe('in_force');
      expect(view.parties.map((p: any) => p.signedCurrentVersion)).toEqual([true, true, true, true, true]);
      const audit = ok(await tampere.api.get(`${base()}/audit`)).body;
      expect(audit.events.filter((e: any) => e.action === 'agreement_in_force')).toHaveLength(1);
      expect(audit.verification.valid).toBe(true);
      const version = ok(await tallinn.api.get(`${base()}/versions/2`)).body;
      expect(version.signatures.map((s: any) => s.versionHash)).toEqual(Array(5).fill(v2.contentHash));
      // The late signatory confirmed no needs in this statement: its distribution is empty.
      const distributed = Object.fromEntries(
        version.terms.distributions.map((d: any) => [d.orgId, d.lots[0].lines.map((l: any) => l.quantity)]),
      );
      expect(distributed).toEqual({
        [tampere.org.id]: ['2'],
        [tallinn.org.id]: ['1'],
        [riga.org.id]: ['1'],
        [vilnius.org.id]: ['5'],
        [warsaw.org.id]: [],
      });
    });
  });
});
