import { randomUUID } from 'node:crypto';

import { Decimal } from 'decimal.js';
import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { upsertSubscription } from '../db/suppliers.js';
import { cpvAncestors } from '../domain/cpv.js';
import {
  buildTables,
  type MicroBuyer,
  type MicroRecord,
  unpublishedKinds,
} from '../domain/disclosure/statistical-tables.js';
import { procurementNature } from '../domain/thresholds.js';
import { formatEur } from '../i18n/index.js';
import {
  type Harness,
  makeActor,
  makeUser,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { agreementTerms, responsibilitiesOf } from './support/sample-input.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 12, "Done when": every role reads every route and document it can reach, and finds no
 * figure the disclosure policy withholds from it.
 *
 * One statement with five buyers from four countries is driven through the real services, from
 * the needs assessment to the agreement, with adversarial data: a CPV code only one buyer asks
 * for (and a threshold nature and a buyer type of that buyer alone), a code two buyers share, a
 * code where one buyer holds > 85 % of the value, buyers alone in their country and delivery
 * year, a buyer that confirms but never approves, a late signatory whose figures a second
 * publication adds, a buyer that consents to show its figures, one that agrees to be named, an
 * organisation that declines and one that withdraws its submitted needs.
 *
 * The secrets are computed from the need lines in the database and checked against the lead's
 * complete view; what is withheld comes from the disclosure pattern each snapshot and
 * publication keeps. Each viewer then reads every GET route of the OpenAPI document (every path
 * parameter it can be given), a few undocumented pages, and every e-mail its users received, and
 * no withheld figure may appear in any of them, in any rendering the system prints numbers in.
 */

const year = new Date().getUTCFullYear();
const Y1 = year + 1;
const Y2 = year + 2;

// ---------------------------------------------------------------------------------------------
// Finding numbers in text, however they are printed.
// ---------------------------------------------------------------------------------------------

/** Every kind of space (Intl puts no-break and narrow no-break spaces in fr and de) as one plain space. */
const plainSpaces = (s: string) => s.replace(/[\s\u00a0\u202f\u2007\u2009]+/g, ' ');

/** A run of digit groups with one separator between groups, not inside a word, a hash or a UUID. */
const numberPhrase = /(?<![\p{L}\p{N}_])\d+(?:[ .,'’]\d+)*(?![\p{L}\p{N}_])/gu;
const separator = /([ .,'’])/;

/** What a number written `s` may mean: plain ("1352375.5", "1352375,5"), or grouped as en, fr, de or CH print it. */
function readingsOf(s: string): string[] {
  if (/^0\d/.test(s)) return [];
  const out: string[] = [];
  if (/^\d+$/.test(s)) out.push(s);
  let m = /^(\d+)[.,](\d+)$/.exec(s);
  if (m) out.push(`${m[1]}.${m[2]}`);
  m = /^(\d{1,3}(?:[ .,'’]\d{3})+)(?:([.,])(\d+))?$/.exec(s);
  if (m) {
    const groupSeparators = new Set(m[1]!.match(/[ .,'’]/g));
    if (groupSeparators.size === 1 && !groupSeparators.has(m[2] ?? '')) {
      const int = m[1]!.replace(/[ .,'’]/g, '');
      out.push(m[2] ? `${int}.${m[3]}` : int);
    }
  }
  return out.map((r) => new Decimal(r).toFixed());
}

interface FoundNumber {
  /** Canonical decimal (no trailing zeros). */
  value: string;
  /** As printed. */
  raw: string;
  index: number;
}

/**
 * Every number in `text`, each contiguous part of a grouped number read too: "2 250 000,00" is
 * read as 2250000 and as 250000 (a list or a sentence may put numbers side by side).
 */
function numbersIn(text: string): FoundNumber[] {
  const found: FoundNumber[] = [];
  for (const m of text.matchAll(numberPhrase)) {
    const parts = m[0].split(separator);
    const groups = Math.ceil(parts.length / 2);
    const offsets: number[] = [];
    let at = 0;
    for (const [k, p] of parts.entries()) {
      if (k % 2 === 0) offsets.push(at);
      at += p.length;
    }
    for (let i = 0; i < groups; i++) {
      for (let j = i; j < Math.min(groups, i + 7); j++) {
        const raw = parts.slice(2 * i, 2 * j + 1).join('');
        for (const value of readingsOf(raw)) found.push({ value, raw, index: m.index + offsets[i]! });
      }
    }
  }
  return found;
}

/** The canonical forms a figure may be printed as: exact, to the cent, and (for amounts) to the euro. */
function keysOf(value: Decimal, money: boolean): string[] {
  const keys = new Set([value.toFixed(), value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed()]);
  if (money && value.abs().gte(10_000)) keys.add(value.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed());
  return [...keys];
}

/** Every way the system prints this figure: the stored decimal, cents, a JSON number, and formatEur / Intl in en, fr and de. */
function renderingsOf(value: Decimal, stored: string | null, money: boolean): string[] {
  const out = [value.toFixed(), value.toFixed(2), JSON.stringify(value.toNumber())];
  if (stored) out.push(stored);
  for (const locale of ['en', 'fr', 'de']) {
    if (money) out.push(formatEur(value.toFixed(), locale));
    out.push(new Intl.NumberFormat(locale, { maximumFractionDigits: 20 }).format(value.toNumber()));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Figures and secrets.
// ---------------------------------------------------------------------------------------------

interface Figure {
  label: string;
  value: Decimal;
  /** The stored string (e.g. "41213.7500"), when there is one. */
  stored: string | null;
  money: boolean;
  /** The buyer whose own figure it is (a line, a contribution), null for a cell of the tables. */
  owner: string | null;
  kind: 'cell' | 'line' | 'contribution' | 'verdict';
  /** Where it comes from: the snapshot or a publication version. */
  table: string;
}

/** Per cell, measure and buyer: the buyer's contribution, exact. */
type ExactTables = Map<string, Map<string, Map<string, Decimal>>>;

interface Leak {
  viewer: string;
  source: string;
  secret: string;
  rendering: string;
  context: string;
}

interface Document {
  source: string;
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

const figureKeys = [
  'valueEur',
  'lines',
  'quantities',
  'quantity',
  'actual',
  'gap',
  'met',
  'estimatedValueEur',
  'differenceEur',
  'position',
  'amount',
  'buyers',
];

/** Objects a JSON body marks `withheld: true` must carry no figure (a buyer count of the totals is shown by design). */
function structuralLeaks(json: unknown, at = '$'): string[] {
  if (!json || typeof json !== 'object') return [];
  if (Array.isArray(json)) return json.flatMap((x, i) => structuralLeaks(x, `${at}[${i}]`));
  const o = json as Record<string, unknown>;
  const out: string[] = [];
  if (o.withheld === true) {
    for (const k of figureKeys) {
      if (k === 'buyers' && 'countries' in o) continue;
      if (k in o && o[k] !== null) out.push(`${at}.${k} = ${JSON.stringify(o[k])} on a withheld object`);
    }
  }
  for (const [k, v] of Object.entries(o)) out.push(...structuralLeaks(v, `${at}.${k}`));
  return out;
}

async function pdfText(data: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(data) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

/** Every cell of a workbook (the survey results' XLSX), one row a line, so figures are read as in any text. */
async function xlsxText(data: Buffer): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(data as unknown as ArrayBuffer);
  return book.worksheets
    .flatMap((sheet) => sheet.getSheetValues().map((row) => (Array.isArray(row) ? row.slice(1).join('\t') : '')))
    .join('\n');
}

describe('disclosure: no role reads a withheld figure in any route, document or e-mail', () => {
  let h: Harness;
  let lead: Actor; // Helsinki, FI: the lead, dominant in 43260000
  let vantaa: Actor; // FI: consents to show its figures; party to the agreement
  let oslo: Actor; // NO, alone in its country and in delivery year Y2: agrees to be named; signatory; declines the agreement
  let copenhagen: Actor; // Danish Road Directorate, DK, alone in its country, the only central government buyer, the only services line: confirms, never approves
  let barcelona: Actor; // ES, alone in its country, the only battery chargers: confirms, does not approve, signs late; party to the agreement
  let riga: Actor; // LV: submits needs, then withdraws them
  let tallinn: Actor; // EE: declines the invitation
  let commission: Actor;
  let admin: Actor;
  let supA: Actor; // subscribed to 43, answers the RFI and asks a question
  let supB: Actor; // subscribed to 34, answers the RFI
  let id: string;
  let unsubscribeToken = '';
  let agreementVersions: number[] = [];
  const grouping = `Disclosure every output ${randomUUID().slice(0, 8)}`;
  /** E-mail addresses of every user of an organisation (extra users read the mail in fr and de). */
  const emailsOf = new Map<string, string[]>();
  const names = new Map<string, string>();

  const ok = <T extends { status: number; body: unknown }>(res: T, status?: number): T => {
    if (status === undefined) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    else expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res;
  };
  /**
   * The lead's live state. The worker shares this process with the API: while it solves a
   * suppression problem the event loop stalls, and a keep-alive socket the server closed meanwhile
   * can reset the next poll. A poll is retried; a real error still surfaces.
   */
  const live = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await lead.api.get(`/api/statements/${id}/live`);
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const waitForStage = (stage: string) => until(live, (r) => r.body.stage === stage, 90_000, `stage ${stage}`);
  const mailTo = (a: Actor, subject: RegExp) =>
    h.mail.messages.filter((m) => m.to.includes(a.user.email.toLowerCase()) && subject.test(m.subject));

  // What each buyer asks for. Quantities and prices are odd numbers, so that a figure printed
  // anywhere is recognisable (not a year, a limit of the API or a number of the text around it).
  const l = (cpvCode: string, unit: string, quantity: string, unitPrice: string, extra: Record<string, unknown> = {}) =>
    needLine({ cpvCode, unit, quantity, unitPrice, description: `Line ${cpvCode}`, delivery: { year: Y1 }, ...extra });
  const needs = () =>
    new Map<Actor, Record<string, unknown>[]>([
      // 43260000 (lines coded there, below its child 43262100): Helsinki holds > 85 % of the value (dominance), with Oslo and Copenhagen.
      // 43262100: four buyers, none dominant (Vantaa consents). 34144900: two buyers (Vantaa and Oslo).
      [lead, [l('43260000-3', 'H87', '137', '4121.35'), l('43262100-8', 'H87', '211', '2917.40')]],
      [
        vantaa,
        [
          l('43262100-8', 'H87', '173', '3104.85', { optionalQuantity: '36' }),
          l('34144900-7', 'C62', '119', '7351.20'),
        ],
      ],
      // Oslo alone delivers in Y2.
      [
        oslo,
        [
          l('34144900-7', 'C62', '157', '6823.35', { delivery: { year: Y2 } }),
          l('43260000-3', 'H87', '103', '247.19'),
          l('43262100-8', 'H87', '113', '3251.65'),
        ],
      ],
      // 50110000 (services, with renewals): Copenhagen alone, also the only central government buyer.
      [
        copenhagen,
        [
          l('50110000-9', 'C62', '241', '1187.65', { renewals: { count: 2, quantityEach: '53' } }),
          l('43260000-3', 'H87', '109', '264.91'),
        ],
      ],
      // 31158100: Barcelona alone; it is not a signatory of the first publication, and is of the second.
      [barcelona, [l('43262100-8', 'H87', '129', '3388.45'), l('31158100-9', 'C62', '149', '2213.85')]],
      [riga, [l('43262100-8', 'H87', '163', '3517.35'), l('34144900-7', 'C62', '131', '5873.95')]],
    ]);

  async function extraUser(a: Actor, label: string, locale: string) {
    const u = await makeUser(h, a.org.id, { label, locale, roles: ['signatory'] });
    emailsOf.get(a.org.id)!.push(u.email.toLowerCase());
  }

  async function actor(o: Parameters<typeof makeActor>[1], u: Parameters<typeof makeActor>[2]): Promise<Actor> {
    const a = await makeActor(h, o, u);
    emailsOf.set(a.org.id, [a.user.email.toLowerCase()]);
    names.set(a.org.id, a.org.name);
    return a;
  }

  async function supplier(country: string, prefixes: string[], locale: string): Promise<Actor> {
    const a = await actor(
      { kind: 'supplier', country, sme: true, name: `Supplier ${country}` },
      { label: `do-supplier-${country}`, locale },
    );
    await h.db.updateTable('users').set({ email_verified_at: new Date() }).where('id', '=', a.user.id).execute();
    await upsertSubscription(h.db, {
      userId: a.user.id,
      organisationId: a.org.id,
      cpvPrefixes: prefixes,
      countries: [],
    });
    return a;
  }

  /** Waits until the outbox has nothing left to send and no new message arrived for a while. */
  async function mailSettled() {
    let last = -1;
    await until(
      async () => {
        const pending = await h.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('status', 'in', ['pending', 'sending'])
          .executeTakeFirstOrThrow();
        const count = h.mail.messages.length;
        const settled = Number(pending.n) === 0 && count === last;
        last = count;
        return settled;
      },
      (settled) => settled,
      60_000,
      'the outbox to empty',
    );
  }

  // -------------------------------------------------------------------------------------------
  // The statement, driven through the real services.
  // -------------------------------------------------------------------------------------------

  beforeAll(async () => {
    h = await startHarness({ freshDatabase: true });
    const buyer = (name: string, country: string, label: string, locale = 'en', buyerLegalType = 'la') =>
      actor({ kind: 'buyer', name, country, buyerLegalType }, { label, locale, roles: ['signatory'] });
    lead = await buyer('City of Helsinki', 'FI', 'do-helsinki');
    vantaa = await buyer('City of Vantaa', 'FI', 'do-vantaa');
    oslo = await buyer('City of Oslo', 'NO', 'do-oslo');
    copenhagen = await buyer('Danish Road Directorate', 'DK', 'do-copenhagen', 'de', 'cga');
    barcelona = await buyer('Barcelona City Council', 'ES', 'do-barcelona', 'fr');
    riga = await buyer('Riga City Council', 'LV', 'do-riga');
    tallinn = await buyer('City of Tallinn', 'EE', 'do-tallinn');
    commission = await actor(
      { kind: 'commission', country: 'BE', name: 'European Commission' },
      { label: 'do-commission' },
    );
    admin = await actor({ kind: 'operator', country: 'BE', name: 'Operator' }, { label: 'do-admin', isAdmin: true });
    supA = await supplier('FI', ['43'], 'de');
    supB = await supplier('DE', ['34'], 'fr');
    await extraUser(oslo, 'do-oslo-de', 'de');
    await extraUser(vantaa, 'do-vantaa-fr', 'fr');
    await extraUser(commission, 'do-commission-fr', 'fr');
    await extraUser(commission, 'do-commission-de', 'de');

    const schedule = { ...statementDetails().schedule, marketEngagement: 'P30D', approval: 'PT20S' };
    const criticalMass = {
      minBuyers: 5,
      minCountries: 4,
      minTotalValueEur: '1000000',
      // A rule on the single-buyer code: its verdict must not show Copenhagen's quantity.
      minQuantityPerCpv: [
        { cpvCode: '50110000', unit: 'C62', minQuantity: '200' },
        { cpvCode: '43262100', unit: 'H87', minQuantity: '300' },
      ],
    };
    const details = statementDetails({
      title: 'Zero-emission machinery, chargers and servicing',
      cpvCodes: ['43260000-3', '34144900-7', '50110000-9', '31158100-9'],
      schedule,
      criticalMass,
    });
    id = ok(await lead.api.post('/api/statements', details)).body.id;
    ok(
      await lead.api.put(`/api/statements/${id}/consultation/rfi`, {
        questions: [{ id: 'lead-time', text: 'What delivery lead time do you need?' }],
      }),
    );
    const invited = [vantaa, oslo, copenhagen, barcelona, riga, tallinn];
    ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: invited.map((a) => a.org.id) }));
    for (const a of [vantaa, oslo, copenhagen, barcelona, riga])
      ok(await a.api.post(`/api/statements/${id}/invitation/accept`));
    ok(await tallinn.api.post(`/api/statements/${id}/invitation/decline`, { reason: 'No budget this year.' }));
    ok(await vantaa.api.put(`/api/statements/${id}/figure-consent`, { agree: true }));
    ok(await oslo.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true }));
    ok(await lead.api.post(`/api/statements/${id}/needs-assessment/open`));

    const versions = new Map<Actor, string>();
    for (const [a, lines] of needs()) {
      ok(await a.api.put(`/api/statements/${id}/needs/draft`, { lines, answers: {} }));
      versions.set(a, ok(await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId);
    }
    ok(await riga.api.post(`/api/statements/${id}/needs/withdraw`, { reason: 'Our council postponed the purchase.' }));
    ok(await lead.api.post(`/api/statements/${id}/close-stage`));
    for (const a of [lead, vantaa, oslo, copenhagen, barcelona])
      ok(await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions.get(a) }));
    await waitForStage('market_engagement');

    // The market consultation: both suppliers are told, answer, one asks; the lead answers.
    await h.mail.waitFor(() => mailTo(supA, /./).length > 0 && mailTo(supB, /./).length > 0, 60_000);
    ok(await supA.api.put(`/api/consultations/${id}/response`, { answers: { 'lead-time': '9 months' } }));
    ok(await supB.api.put(`/api/consultations/${id}/response`, { answers: { 'lead-time': '14 months' } }));
    ok(await supA.api.post(`/api/consultations/${id}/questions`, { question: 'May the chargers be leased?' }), 201);
    ok(
      await lead.api.post(`/api/statements/${id}/consultation/questions/1/answer`, {
        answer: 'Yes, for the whole term.',
      }),
    );

    // Approval: Helsinki, Vantaa and Oslo approve; Copenhagen and Barcelona do not, and the lead
    // publishes without them once the deadline passed.
    ok(await lead.api.post(`/api/statements/${id}/close-stage`));
    await waitForStage('approval');
    for (const a of [lead, vantaa, oslo])
      ok(await a.api.post(`/api/statements/${id}/approval`, { version: 1, decision: 'approve' }));
    await h.mail.waitFor(() => mailTo(lead, /^Approval deadline passed/).length === 1, 90_000);
    ok(await lead.api.post(`/api/statements/${id}/approval/proceed`), 202);
    await waitForStage('published');

    // Barcelona signs late: a second publication adds its figures to the first.
    ok(await barcelona.api.post(`/api/statements/${id}/signatory-requests`), 202);
    expect(
      ok(await lead.api.post(`/api/statements/${id}/signatory-requests/${barcelona.org.id}`, { accept: true })).body
        .publicationVersion,
    ).toBe(2);

    // The agreement: Vantaa and Barcelona join, Oslo declines; the lead proposes the terms, Barcelona comments.
    ok(await lead.api.post(`/api/statements/${id}/agreement`, {}), 201);
    for (const a of [vantaa, barcelona]) ok(await a.api.post(`/api/statements/${id}/agreement/join`, {}));
    ok(
      await oslo.api.post(`/api/statements/${id}/agreement/decline`, {
        reason: 'We buy through our national framework.',
      }),
    );
    const terms = {
      ...agreementTerms(lead.org.id, vantaa.org.id),
      procedureType: 'competitive_procedure_with_negotiation',
      lots: [
        {
          id: 'LOT-1',
          title: 'Machinery and chargers',
          cpvCodes: ['43260000-3', '43262100-8', '34144900-7', '31158100-9'],
        },
      ],
      responsibilities: responsibilitiesOf(lead.org.id, [lead.org.id, vantaa.org.id, barcelona.org.id]),
    };
    ok(await lead.api.post(`/api/statements/${id}/agreement/versions`, terms), 201);
    ok(
      await barcelona.api.post(`/api/statements/${id}/agreement/versions/1/comments`, {
        text: 'Please confirm the delivery schedule for the chargers.',
      }),
      201,
    );
    ok(await lead.api.put(`/api/statements/${id}/grouping`, { kind: 'working_group', name: grouping, sector: '43' }));

    await h.mail.waitFor(() => mailTo(commission, /^Published: joint statement/).length === 2, 60_000);
    await mailSettled();
    const notice = h.mail.messages.find(
      (m) => m.to.includes(supA.user.email.toLowerCase()) && m.headers['list-unsubscribe'],
    );
    unsubscribeToken = new URL(/<([^>]+)>/.exec(notice!.headers['list-unsubscribe']!)![1]!).searchParams.get('token')!;
    agreementVersions = (
      ok(await lead.api.get(`/api/statements/${id}/agreement`)).body.versions as { version: number }[]
    ).map((v) => v.version);
  }, 300_000);
  afterAll(async () => h?.close());

  // -------------------------------------------------------------------------------------------
  // What the policy withholds, and from whom.
  // -------------------------------------------------------------------------------------------

  interface Truth {
    /** Every figure the policy withholds from someone: cells withheld by a pattern, buyers' own figures. */
    secrets: Figure[];
    /** Figures anyone may see: cells a pattern shows, rules, thresholds, figures of consenting buyers. */
    shown: Figure[];
    /** Quantities each agreement party reads in the distribution of the agreement versions. */
    distribution: Figure[];
    agreementParties: Set<string>;
    consenting: Set<string>;
    /**
     * Shown cells that the public consultation page (the snapshot's demand) or the public page of
     * the latest publication lists: every viewer reads those pages, so finding these figures
     * proves the search works on its corpus.
     */
    publicFigures: Figure[];
  }
  let truthPromise: Promise<Truth> | undefined;
  const truth = () => (truthPromise ??= computeTruth());

  async function computeTruth(): Promise<Truth> {
    const leadView = ok(await lead.api.get(`/api/statements/${id}/aggregate`)).body;
    expect(leadView.aggregate.complete, 'the lead reads every figure').toBe(true);

    const consenting = new Set(
      (
        await h.db
          .selectFrom('figure_consents')
          .select('organisation_id')
          .where('statement_id', '=', id)
          .where('agreed', '=', true)
          .execute()
      ).map((r) => r.organisation_id),
    );
    expect([...consenting]).toEqual([vantaa.org.id]);
    const lines = await h.db
      .selectFrom('need_lines as l')
      .innerJoin('need_versions as v', 'v.id', 'l.version_id')
      .innerJoin('organisations as o', 'o.id', 'l.organisation_id')
      .select([
        'l.organisation_id',
        'l.version_id',
        'v.status',
        'l.cpv_code',
        'l.quantity',
        'l.unit',
        'l.unit_price',
        'l.currency',
        'l.from_year',
        'l.optional_quantity',
        'l.renewal_count',
        'l.renewal_quantity',
        'o.country',
        'o.buyer_legal_type',
      ])
      .where('l.statement_id', '=', id)
      .execute();
    // Every line the test submitted is in the database, Riga's withdrawn ones included.
    const submitted = [...needs().values()].flat().length;
    expect(lines.length).toBe(submitted);

    const snapshots = await h.db
      .selectFrom('aggregate_snapshots')
      .select(['id', 'aggregate', 'disclosure', 'computed_at'])
      .where('statement_id', '=', id)
      .orderBy('computed_at')
      .execute();
    const publications = await h.db
      .selectFrom('publications')
      .select(['version', 'signatory_org_ids', 'aggregate', 'disclosure'])
      .where('statement_id', '=', id)
      .orderBy('version')
      .execute();
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
    expect(publications.map((p) => p.version)).toEqual([1, 2]);
    const latest = snapshots.at(-1)!;
    expect(latest.id).toBe(leadView.snapshotId);
    const confirmedVersions = new Set((latest.aggregate as { versionIds: string[] }).versionIds);

    const secrets: Figure[] = [];
    const shown: Figure[] = [];
    const add = (withheld: boolean, f: Omit<Figure, 'stored'> & { stored?: string | null }) =>
      (withheld ? secrets : shown).push({ stored: null, ...f });

    /**
     * The tables published together for some buyers' confirmed lines, in exact decimals (the
     * disclosure core works in binary floats): per cell, measure and buyer, the contribution.
     * Their cells are the core's own (checked against buildTables).
     */
    const tablesOf = (orgIds: ReadonlySet<string>): ExactTables => {
      const records = new Map<string, MicroRecord & { exact: { value: Decimal; firm: Decimal; total: Decimal } }>();
      const buyers = new Map<string, MicroBuyer>();
      for (const r of lines.filter((x) => confirmedVersions.has(x.version_id) && orgIds.has(x.organisation_id))) {
        buyers.set(r.organisation_id, {
          orgId: r.organisation_id,
          country: r.country.trim(),
          buyerLegalType: r.buyer_legal_type ?? 'la',
          consenting: consenting.has(r.organisation_id),
        });
        expect(r.currency).toBe('EUR');
        const total = new Decimal(r.quantity)
          .plus(r.optional_quantity)
          .plus(new Decimal(r.renewal_quantity).times(r.renewal_count));
        const code = r.cpv_code.trim().slice(0, 8);
        const key = `${r.organisation_id}|${code}|${r.from_year}|${r.unit}`;
        const prev = records.get(key);
        const exact = {
          value: total.times(r.unit_price).plus(prev?.exact.value ?? 0),
          firm: new Decimal(r.quantity).plus(prev?.exact.firm ?? 0),
          total: total.plus(prev?.exact.total ?? 0),
        };
        records.set(key, {
          orgId: r.organisation_id,
          cpvCode: code,
          year: r.from_year,
          unit: r.unit,
          valueEur: exact.value.toNumber(),
          lines: (prev?.lines ?? 0) + 1,
          firmQuantity: exact.firm.toNumber(),
          totalQuantity: exact.total.toNumber(),
          exact,
        });
      }
      const cells: ExactTables = new Map();
      const add = (cell: string, measure: string, orgId: string, amount: Decimal) => {
        if (amount.isZero()) return;
        const byMeasure = cells.get(cell) ?? new Map<string, Map<string, Decimal>>();
        cells.set(cell, byMeasure);
        const byOrg = byMeasure.get(measure) ?? new Map<string, Decimal>();
        byMeasure.set(measure, byOrg);
        byOrg.set(orgId, (byOrg.get(orgId) ?? new Decimal(0)).plus(amount));
      };
      const codes = new Set([...records.values()].map((r) => r.cpvCode));
      const parents = new Set([...codes].flatMap((c) => cpvAncestors(c)));
      for (const r of records.values()) {
        const b = buyers.get(r.orgId)!;
        for (const cell of [
          'total',
          `country:${b.country}`,
          `type:${b.buyerLegalType}`,
          `year:${r.year}`,
          `nature:${procurementNature(r.cpvCode)}`,
        ]) {
          add(cell, 'value', r.orgId, r.exact.value);
          add(cell, 'lines', r.orgId, new Decimal(r.lines));
        }
        const tree = [...cpvAncestors(r.cpvCode), r.cpvCode].map((n) => `cpv:${n}`);
        if (parents.has(r.cpvCode)) tree.push(`direct:${r.cpvCode}`);
        for (const cell of tree) {
          add(cell, 'value', r.orgId, r.exact.value);
          add(cell, 'lines', r.orgId, new Decimal(r.lines));
          add(cell, `firm:${r.unit}`, r.orgId, r.exact.firm);
          add(cell, `total:${r.unit}`, r.orgId, r.exact.total);
        }
      }
      // The same published cells and measures as the disclosure core's tables (whose buyer totals
      // are never published, and which have no line counts: only the lead reads those).
      const core = buildTables({ buyers: [...buyers.values()], records: [...records.values()] });
      const published = [...core.cells.values()].filter((c) => !unpublishedKinds.has(c.kind));
      expect([...cells.keys()].sort()).toEqual(published.map((c) => c.key).sort());
      for (const c of published)
        expect([...cells.get(c.key)!.keys()].filter((m) => m !== 'lines').sort(), c.key).toEqual(
          [...c.contributions.keys()].sort(),
        );
      return cells;
    };
    const sumOf = (m: Map<string, Decimal> | undefined) =>
      [...(m ?? new Map<string, Decimal>()).values()].reduce((a, b) => a.plus(b), new Decimal(0));

    /** Each cell's value, line count and quantities: secret where the pattern withholds the cell, shown elsewhere. */
    const cellFigures = (table: string, tables: ExactTables, withheld: Set<string>) => {
      for (const [cell, measures] of tables) {
        const hidden = withheld.has(cell);
        for (const [measure, byOrg] of measures) {
          // Line counts are small integers: recorded, but never distinctive enough to look for in text (see `distinctive`).
          add(hidden, {
            label: `${table} cell ${cell} ${measure}`,
            value: sumOf(byOrg),
            money: measure === 'value',
            owner: null,
            kind: 'cell',
            table,
          });
        }
      }
    };

    const everyone = new Set(lines.filter((r) => confirmedVersions.has(r.version_id)).map((r) => r.organisation_id));
    const snapshotTables = tablesOf(everyone);
    // The pattern kept with the snapshot when it was aggregated (and computed again on a change of consent).
    expect(latest.disclosure, 'the snapshot keeps its disclosure pattern').not.toBeNull();
    const snapshotWithheld = new Set(Object.keys((latest.disclosure as { withheld: Record<string, string> }).withheld));
    expect(snapshotWithheld.size, 'the adversarial data make the pattern withhold cells').toBeGreaterThan(0);
    // The tables built here are the lead's complete view: same totals and CPV nodes.
    expect(sumOf(snapshotTables.get('total')!.get('value')).eq(leadView.aggregate.totals.valueEur)).toBe(true);
    for (const node of leadView.aggregate.byCpv as { cpvCode: string; valueEur: string }[]) {
      expect(sumOf(snapshotTables.get(`cpv:${node.cpvCode}`)!.get('value')).eq(node.valueEur), node.cpvCode).toBe(true);
    }
    for (const s of snapshots) {
      // Earlier rounds (none expected with these data) would be read by the same viewers.
      expect(
        (s.aggregate as { versionIds: string[] }).versionIds.every((v) => confirmedVersions.has(v)),
        'one round of confirmed versions',
      ).toBe(true);
    }
    cellFigures('snapshot', snapshotTables, snapshotWithheld);
    const publicCell = /^(total|cpv:|country:|year:)/;
    const publicFigures: Figure[] = [...snapshotTables]
      .filter(([cell]) => !snapshotWithheld.has(cell) && publicCell.test(cell))
      .map(([cell, measures]) => ({
        label: `snapshot cell ${cell} value`,
        value: sumOf(measures.get('value')),
        stored: null,
        money: true,
        owner: null,
        kind: 'cell' as const,
        table: 'snapshot',
      }));

    // The verdicts: the threshold check per nature, the critical-mass rules on a cell.
    for (const n of leadView.thresholds.natures as {
      nature: string;
      estimatedValueEur: string;
      differenceEur: string;
      thresholdEur: string;
    }[]) {
      const hidden = snapshotWithheld.has(`nature:${n.nature}`);
      add(hidden, {
        label: `snapshot threshold ${n.nature} estimated value`,
        value: new Decimal(n.estimatedValueEur),
        money: true,
        owner: null,
        kind: 'verdict',
        table: 'snapshot',
      });
      add(hidden, {
        label: `snapshot threshold ${n.nature} difference`,
        value: new Decimal(n.differenceEur),
        money: true,
        owner: null,
        kind: 'verdict',
        table: 'snapshot',
      });
      add(false, {
        label: `threshold ${n.nature}`,
        value: new Decimal(n.thresholdEur),
        money: true,
        owner: null,
        kind: 'verdict',
        table: 'snapshot',
      });
    }
    add(snapshotWithheld.has('total'), {
      label: 'snapshot threshold estimated value',
      value: new Decimal(leadView.thresholds.estimatedValueEur),
      money: true,
      owner: null,
      kind: 'verdict',
      table: 'snapshot',
    });
    for (const r of leadView.criticalMass.results as {
      rule: string;
      cpvCode?: string;
      actual: string | number;
      gap: string | number;
      required: string | number;
    }[]) {
      const cell = r.rule === 'minTotalValueEur' ? 'total' : r.rule === 'minQuantityPerCpv' ? `cpv:${r.cpvCode}` : null;
      const hidden = cell !== null && snapshotWithheld.has(cell);
      const money = r.rule === 'minTotalValueEur';
      add(hidden, {
        label: `critical mass ${r.rule}${r.cpvCode ? ` ${r.cpvCode}` : ''} actual`,
        value: new Decimal(r.actual),
        money,
        owner: null,
        kind: 'verdict',
        table: 'snapshot',
      });
      add(hidden, {
        label: `critical mass ${r.rule}${r.cpvCode ? ` ${r.cpvCode}` : ''} gap`,
        value: new Decimal(r.gap),
        money,
        owner: null,
        kind: 'verdict',
        table: 'snapshot',
      });
      add(false, {
        label: `critical mass ${r.rule} required`,
        value: new Decimal(r.required),
        money,
        owner: null,
        kind: 'verdict',
        table: 'snapshot',
      });
    }

    // Each publication: the signatories' figures under the publication's own pattern.
    for (const p of publications) {
      const tables = tablesOf(new Set(p.signatory_org_ids));
      const withheld = new Set(Object.keys((p.disclosure as { withheld: Record<string, string> }).withheld));
      const stated = (p.aggregate as { totals: { valueEur: string } }).totals.valueEur;
      expect(sumOf(tables.get('total')!.get('value')).eq(stated), `publication ${p.version} total`).toBe(true);
      cellFigures(`publication v${p.version}`, tables, withheld);
      if (p.version === publications.length) {
        for (const [cell, measures] of tables) {
          if (withheld.has(cell) || !publicCell.test(cell)) continue;
          publicFigures.push({
            label: `publication v${p.version} cell ${cell} value`,
            value: sumOf(measures.get('value')),
            stored: null,
            money: true,
            owner: null,
            kind: 'cell',
            table: `publication v${p.version}`,
          });
        }
      }
    }

    // Each buyer's own figures: its lines (Riga's withdrawn ones too), and its contribution to every cell.
    for (const r of lines) {
      const who = `${names.get(r.organisation_id)}'s line ${r.cpv_code.trim()} ${r.unit}${r.status === 'withdrawn' ? ' (withdrawn)' : ''}`;
      const total = new Decimal(r.quantity)
        .plus(r.optional_quantity)
        .plus(new Decimal(r.renewal_quantity).times(r.renewal_count));
      const own = (label: string, value: Decimal, money: boolean, stored: string | null = null) =>
        add(!consenting.has(r.organisation_id), {
          label: `${who} ${label}`,
          value,
          stored,
          money,
          owner: r.organisation_id,
          kind: 'line',
          table: 'needs',
        });
      own('unit price', new Decimal(r.unit_price), true, r.unit_price);
      own('quantity', new Decimal(r.quantity), false, r.quantity);
      own('total quantity', total, false);
      own('value', total.times(r.unit_price), true);
      own('firm value', new Decimal(r.quantity).times(r.unit_price), true);
    }
    for (const [cell, measures] of snapshotTables) {
      for (const [measure, byOrg] of measures) {
        for (const [orgId, amount] of byOrg) {
          add(!consenting.has(orgId), {
            label: `${names.get(orgId)}'s contribution to ${cell} ${measure}`,
            value: amount,
            money: measure === 'value',
            owner: orgId,
            kind: 'contribution',
            table: 'snapshot',
          });
        }
      }
    }
    const rigaTotal = lines
      .filter((r) => r.organisation_id === riga.org.id)
      .reduce(
        (a, r) =>
          a.plus(
            new Decimal(r.quantity)
              .plus(r.optional_quantity)
              .plus(new Decimal(r.renewal_quantity).times(r.renewal_count))
              .times(r.unit_price),
          ),
        new Decimal(0),
      );
    add(true, {
      label: `${riga.org.name}'s total (withdrawn)`,
      value: rigaTotal,
      money: true,
      owner: riga.org.id,
      kind: 'contribution',
      table: 'needs',
    });

    // The agreement parties read each other's distributed quantities in every version.
    const agreement = ok(await lead.api.get(`/api/statements/${id}/agreement`)).body;
    const agreementParties = new Set<string>(
      (agreement.parties as { organisationId: string; status: string }[])
        .filter((p) => p.status === 'party')
        .map((p) => p.organisationId),
    );
    const distribution: Figure[] = [];
    for (const v of agreementVersions) {
      const version = ok(await lead.api.get(`/api/statements/${id}/agreement/versions/${v}`)).body;
      for (const d of version.terms.distributions as {
        orgId: string;
        lots: { lines: { cpvCode: string; unit: string; quantity: string }[] }[];
      }[]) {
        for (const line of d.lots.flatMap((x) => x.lines)) {
          distribution.push({
            label: `agreement v${v} distribution ${names.get(d.orgId)} ${line.cpvCode}`,
            value: new Decimal(line.quantity),
            stored: line.quantity,
            money: false,
            owner: d.orgId,
            kind: 'line',
            table: `agreement v${v}`,
          });
        }
      }
    }
    expect(distribution.length).toBeGreaterThan(0);
    return { secrets, shown, distribution, agreementParties, consenting, publicFigures };
  }

  // -------------------------------------------------------------------------------------------
  // The viewers.
  // -------------------------------------------------------------------------------------------

  interface Viewer {
    key: string;
    describe: string;
    actor: Actor | null;
  }
  const viewerKeys = [
    'participant',
    'lead',
    'commission',
    'administrator',
    'supplier',
    'public',
    'declined',
    'withdrew',
    'non-approving',
    'late-signatory',
    'consenting',
  ] as const;
  type ViewerKey = (typeof viewerKeys)[number];
  const viewer = (key: ViewerKey): Viewer => {
    const v: Record<ViewerKey, [string, Actor | null]> = {
      participant: ['Oslo: another participant, signatory, named, declined the agreement', oslo],
      lead: ['Helsinki: the lead buyer', lead],
      commission: ['Commission staff', commission],
      administrator: ['an administrator', admin],
      supplier: ['a supplier that answered the consultation', supA],
      public: ['anyone, not signed in', null],
      declined: ['Tallinn: declined the invitation', tallinn],
      withdrew: ['Riga: withdrew its submitted needs', riga],
      'non-approving': ['Danish Road Directorate: confirmed, never approved, not a signatory', copenhagen],
      'late-signatory': ['Barcelona: signed after publication, party to the agreement', barcelona],
      consenting: ['Vantaa: consented to show its figures, party to the agreement', vantaa],
    };
    return { key, describe: v[key][0], actor: v[key][1] };
  };

  /** Figures too small or too common to look for in text: line and buyer counts, years. Their cells are checked structurally instead. */
  const distinctive = (f: Figure) =>
    f.value.abs().gte(100) && !(f.value.isInteger() && f.value.gte(1900) && f.value.lte(2100));

  interface ViewerSecrets {
    byKey: Map<string, Figure[]>;
    checked: Figure[];
    skipped: { figure: Figure; why: string }[];
  }

  /** The secrets of one viewer: every withheld figure but its own, and none that coincides with a figure it may see. */
  function secretsFor(v: Viewer, t: Truth): ViewerSecrets {
    const orgId = v.actor?.org.id ?? null;
    const legit = new Map<string, string>();
    const allow = (f: Figure, why: string) => {
      for (const k of keysOf(f.value, f.money)) if (!legit.has(k)) legit.set(k, `${why}: ${f.label}`);
    };
    for (const f of t.shown) allow(f, 'shown');
    // Its own lines and its own contributions to every cell are its own data.
    for (const f of t.secrets) if (orgId !== null && f.owner === orgId) allow(f, 'its own');
    if (orgId !== null && t.agreementParties.has(orgId))
      for (const f of t.distribution) allow(f, 'agreement distribution');
    const out: ViewerSecrets = { byKey: new Map(), checked: [], skipped: [] };
    for (const f of t.secrets) {
      if (f.owner !== null && f.owner === orgId) continue;
      if (!distinctive(f)) {
        out.skipped.push({ figure: f, why: 'not distinctive (a count or a year)' });
        continue;
      }
      const coincides = keysOf(f.value, f.money)
        .map((k) => legit.get(k))
        .find(Boolean);
      if (coincides) {
        // The same number is a figure this viewer may see (e.g. a one-buyer cell's quantity is
        // that buyer's distributed quantity, which every agreement party reads): finding it
        // would not tell a leak from a legitimate figure.
        out.skipped.push({ figure: f, why: `coincides with ${coincides}` });
        continue;
      }
      out.checked.push(f);
      for (const k of keysOf(f.value, f.money)) out.byKey.set(k, [...(out.byKey.get(k) ?? []), f]);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Reading every route and e-mail as a viewer.
  // -------------------------------------------------------------------------------------------

  /**
   * GET routes of the OpenAPI document whose parameters this test cannot fill in, with why.
   * Empty today: a new route with a parameter the resolver below does not know fails the
   * coverage test until it is taught the parameter or listed here.
   */
  const notParametrised: Record<string, string> = {
    '/calendar/{token}.ics':
      'a user’s own calendar feed, reached by its secret alone: the steps due from that user (statement titles, kinds of step, deadlines, links), no figures; its contents per viewer are the rule of GET /api/me/due, read here (test/due.test.ts checks the feed)',
    '/api/me/webhooks/{endpointId}/deliveries':
      'a supplier organisation’s own webhook delivery log (event ids, types, HTTP statuses, no payloads): every other viewer is refused it (test/webhooks.test.ts)',
    '/api/saved-search-feeds/{token}.atom':
      'a supplier user’s saved search’s Atom feed, reached by its secret alone: the published statements and open consultations it matches, each with what their public pages show (title, description, CPV codes, version and number of signatories, deadline), no figures (test/saved-searches.test.ts reads it for the buyers’ line values)',
    '/api/saved-searches/unsubscribe':
      'what a saved search’s signed unsubscribe link refers to: the search’s name and whether it e-mails, no figures (test/saved-searches.test.ts)',
  };
  /** Pages served outside the OpenAPI document that a browser reaches. */
  const undocumentedPages = (statementId: string) => [
    '/api/openapi.json',
    '/api/docs',
    '/sign-in',
    '/healthz',
    '/readyz',
    `/published/${statementId}`,
    `/statements/${statementId}`,
  ];

  interface OpenApiDoc {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>>;
  }

  function callsOf(
    doc: OpenApiDoc,
    orgIds: string[],
  ): { calls: { template: string; path: string }[]; unresolved: string[] } {
    const pathValues: Record<string, string[]> = {
      statementId: [id],
      organisationId: orgIds,
      // Agreement versions (the only GET route with a {version}).
      version: agreementVersions.map(String),
    };
    const requiredQuery: Record<string, Record<string, string>> = {
      '/api/reference/cpv': { q: '4326' },
      '/api/reference/units': { q: 'piece' },
      '/api/unsubscribe': { token: unsubscribeToken },
    };
    const variants: Record<string, string[]> = {
      '/api/dashboard': [`grouping=${encodeURIComponent(grouping)}`],
      '/api/dashboard/pilots.csv': [`grouping=${encodeURIComponent(grouping)}`],
      '/api/statements/{statementId}/survey': ['version=1'],
    };
    const calls: { template: string; path: string }[] = [];
    const unresolved: string[] = [];
    for (const [template, ops] of Object.entries(doc.paths)) {
      const get = ops.get;
      if (!get) continue;
      const params = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const query = (get.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => p.name);
      if (params.some((p) => !pathValues[p]) || query.some((q) => !requiredQuery[template]?.[q])) {
        unresolved.push(template);
        continue;
      }
      let paths = [template];
      for (const p of params)
        paths = paths.flatMap((x) => pathValues[p]!.map((value) => x.replace(`{${p}}`, encodeURIComponent(value))));
      const base = new URLSearchParams(requiredQuery[template] ?? {}).toString();
      for (const p of paths) {
        calls.push({ template, path: base ? `${p}?${base}` : p });
        for (const extra of variants[template] ?? [])
          calls.push({ template, path: `${p}?${[base, extra].filter(Boolean).join('&')}` });
      }
    }
    return { calls, unresolved };
  }

  /**
   * The test server's address (127.0.0.1 and a random port), ids and tokens are no figures: a
   * UUID's all-digit group or a port could equal a secret by chance. Links read as on a real host.
   */
  const withoutAddress = (text: string) =>
    plainSpaces(
      text
        .replaceAll(h.baseUrl, 'https://jointdemand.example')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
        .replace(/token=[\w.~-]+/g, 'token=<token>'),
    );

  async function read(v: Viewer, path: string): Promise<Document> {
    const bearer = v.actor?.api.auth.bearer;
    const res = await fetch(new URL(path, h.baseUrl), {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      redirect: 'manual',
    });
    const contentType = res.headers.get('content-type') ?? '';
    const data = Buffer.from(await res.arrayBuffer());
    const text = contentType.includes('application/pdf')
      ? await pdfText(data)
      : contentType.includes('spreadsheetml')
        ? await xlsxText(data)
        : data.toString('utf8');
    let json: unknown = undefined;
    // JSON Lines (the audit exports) are read as text, a line at a time like any other text.
    if (/^application\/(problem\+)?json\b/.test(contentType) && text) json = JSON.parse(text);
    return {
      source: `GET ${path} → ${res.status} ${contentType.split(';')[0]}`,
      status: res.status,
      contentType,
      text: withoutAddress(text),
      json,
    };
  }

  const coverage: {
    viewer: string;
    routes: number;
    calls: number;
    ok: number;
    mails: number;
    secrets: number;
    skipped: number;
  }[] = [];

  async function corpusOf(v: Viewer): Promise<{ documents: Document[]; routes: Set<string>; unresolved: string[] }> {
    const docRes = await read(v, '/api/openapi.json');
    expect(docRes.status).toBe(200);
    const scene = [lead, vantaa, oslo, copenhagen, barcelona, riga, tallinn, supA, supB, commission, admin];
    const { calls, unresolved } = callsOf(
      docRes.json as OpenApiDoc,
      scene.map((a) => a.org.id),
    );
    const documents: Document[] = [];
    const limit = 4;
    let next = 0;
    const all = [...calls.map((c) => c.path), ...undocumentedPages(id)];
    await Promise.all(
      Array.from({ length: limit }, async () => {
        while (next < all.length) {
          const path = all[next++]!;
          documents.push(await read(v, path));
        }
      }),
    );
    // Every e-mail to any user of the viewer's organisation. The mailer sends plain text only
    // (mail/mailer.ts: no HTML part, no attachment), so subject and text are all there is to read.
    const emails = v.actor ? emailsOf.get(v.actor.org.id)! : [];
    for (const m of h.mail.messages.filter((x) => x.to.some((to) => emails.includes(to)))) {
      documents.push({
        source: `e-mail to ${m.to.join(', ')}: "${m.subject}"`,
        status: 0,
        contentType: 'message/rfc822',
        text: withoutAddress(`${m.subject}\n${m.text}`),
        json: undefined,
      });
    }
    return { documents, routes: new Set(calls.map((c) => c.template)), unresolved };
  }

  function leaksIn(v: Viewer, documents: Document[], s: ViewerSecrets): Leak[] {
    const leaks = new Map<string, Leak>();
    for (const d of documents) {
      for (const n of numbersIn(d.text)) {
        for (const f of s.byKey.get(n.value) ?? []) {
          const key = `${d.source}|${f.label}`;
          if (!leaks.has(key)) {
            leaks.set(key, {
              viewer: v.key,
              source: d.source,
              secret: `${f.label} = ${f.value.toFixed()}`,
              rendering: n.raw,
              context: d.text.slice(Math.max(0, n.index - 80), n.index + n.raw.length + 80),
            });
          }
        }
      }
      for (const problem of structuralLeaks(d.json))
        leaks.set(`${d.source}|${problem}`, {
          viewer: v.key,
          source: d.source,
          secret: 'a figure on an object marked withheld',
          rendering: problem,
          context: '',
        });
    }
    return [...leaks.values()];
  }

  /** One line per document and printed number, naming every secret it equals (at most 80 lines). */
  const describeLeaks = (leaks: Leak[]) => {
    if (leaks.length === 0) return 'no leak';
    const groups = new Map<string, Leak[]>();
    for (const x of leaks)
      groups.set(`${x.source}|${x.rendering}`, [...(groups.get(`${x.source}|${x.rendering}`) ?? []), x]);
    const lines = [...groups.values()].map(
      (g) =>
        `- to ${g[0]!.viewer} in ${g[0]!.source}: printed "${g[0]!.rendering}" = ${g.map((x) => x.secret).join('; ')}\n    …${g[0]!.context}…`,
    );
    return `${leaks.length} leak(s) in ${groups.size} place(s):\n${lines.slice(0, 80).join('\n')}${lines.length > 80 ? `\n… and ${lines.length - 80} more` : ''}`;
  };

  // -------------------------------------------------------------------------------------------
  // The tests.
  // -------------------------------------------------------------------------------------------

  it('recognises every secret in every rendering the system prints numbers in (en, fr, de, raw, cents, JSON)', async () => {
    const t = await truth();
    const checked = t.secrets.filter(distinctive);
    expect(checked.length).toBeGreaterThan(100);
    for (const f of checked) {
      const keys = new Set(keysOf(f.value, f.money));
      for (const r of renderingsOf(f.value, f.stored, f.money)) {
        const found = numbersIn(plainSpaces(`Total: ${r} (see table)`)).some((n) => keys.has(n.value));
        expect(found, `${f.label} printed as "${r}"`).toBe(true);
      }
    }
    // And not inside identifiers, hashes or other numbers.
    const probe = new Decimal('41213.75');
    const keys = new Set(keysOf(probe, true));
    for (const s of ['a41213.75b', '141213.75', '41213.751', `id-41213-75`, '2024-11-02T10:41:12.375Z']) {
      expect(
        numbersIn(s).some((n) => keys.has(n.value)),
        s,
      ).toBe(false);
    }
  });

  it('withholds figures of the adversarial cells from everyone but the lead', async () => {
    const t = await truth();
    const labels = t.secrets.map((f) => f.label);
    // The single-buyer code, the two-buyer code, the dominated code, buyers alone in their country,
    // Oslo's delivery year and the Danish buyer's type and threshold nature are all withheld in the snapshot.
    for (const cell of [
      'cpv:50110000',
      'cpv:34144900',
      'direct:43260000',
      'country:NO',
      'country:DK',
      'country:ES',
      `year:${Y2}`,
      'type:cga',
      'nature:services',
    ]) {
      expect(labels, cell).toContain(`snapshot cell ${cell} value`);
    }
    // Barcelona's battery chargers are its own in the second publication.
    expect(labels).toContain('publication v2 cell cpv:31158100 value');
    expect(t.publicFigures.length, 'the public pages show some figures').toBeGreaterThan(0);
  });

  it.each(viewerKeys.filter((k) => k !== 'lead'))(
    'as %s: no withheld figure in any route, document or e-mail',
    async (key) => {
      const v = viewer(key);
      const t = await truth();
      const s = secretsFor(v, t);
      expect(s.checked.length, 'secrets to look for').toBeGreaterThan(50);
      const { documents, routes, unresolved } = await corpusOf(v);
      const mails = documents.filter((d) => d.status === 0).length;
      // Everyone but the administrator (who takes no part) was written to: the e-mails are scanned.
      if (v.actor && key !== 'administrator') expect(mails, `e-mails to ${key}`).toBeGreaterThan(0);
      coverage.push({
        viewer: `${key} (${v.describe})`,
        routes: routes.size,
        calls: documents.length - mails,
        ok: documents.filter((d) => d.status === 200).length,
        mails,
        secrets: s.checked.length,
        skipped: s.skipped.length,
      });
      expect(unresolved.sort()).toEqual(Object.keys(notParametrised).sort());

      // The search is live on this viewer's corpus: figures the public pages show are found.
      const all = documents.map((d) => d.text).join('\n');
      const seen = new Set(numbersIn(all).map((n) => n.value));
      const visible = t.publicFigures.filter((f) => keysOf(f.value, true).some((k) => seen.has(k)));
      expect(visible.length, `${key} reads the public pages' figures`).toBeGreaterThan(0);
      // A buyer with confirmed needs reads its own lines back.
      if (v.actor && ['participant', 'non-approving', 'late-signatory', 'consenting'].includes(key)) {
        const own = t.secrets
          .concat(t.shown)
          .filter((f) => f.owner === v.actor!.org.id && f.kind === 'line' && f.label.endsWith('unit price'));
        expect(own.length).toBe(needs().get(v.actor)!.length);
        for (const f of own)
          expect(
            keysOf(f.value, true).some((k) => seen.has(k)),
            `${key} reads ${f.label}`,
          ).toBe(true);
      }

      const leaks = leaksIn(v, documents, s);
      expect(leaks, describeLeaks(leaks)).toEqual([]);
    },
  );

  it('as the lead: reads every figure the others may not (so the search above can fail)', async () => {
    const v = viewer('lead');
    const t = await truth();
    const { documents } = await corpusOf(v);
    const all = documents.map((d) => d.text).join('\n');
    const seen = new Set(numbersIn(all).map((n) => n.value));
    // The lead reads the complete snapshot (cells and verdicts) and every participant's confirmed
    // lines (quantities and unit prices). Publication-only cells (the signatories' subsets) and
    // buyers' per-cell contributions are figures no route prints for anyone: not asked here.
    const expected = t.secrets.filter(
      (f) =>
        distinctive(f) &&
        ((f.table === 'snapshot' && (f.kind === 'cell' || f.kind === 'verdict')) ||
          (f.kind === 'line' &&
            !f.label.includes('(withdrawn)') &&
            (f.label.endsWith('unit price') || f.label.endsWith(' quantity')))),
    );
    expect(expected.length).toBeGreaterThan(30);
    const missing = expected
      .filter((f) => !keysOf(f.value, f.money).some((k) => seen.has(k)))
      .map((f) => `${f.label} = ${f.value.toFixed()}`);
    expect(missing, 'figures the lead should read').toEqual([]);
  });

  it('reads every GET route of the OpenAPI document, and names those it cannot fill in', async () => {
    const doc = (await read(viewer('public'), '/api/openapi.json')).json as OpenApiDoc;
    const gets = Object.entries(doc.paths)
      .filter(([, ops]) => ops.get)
      .map(([p]) => p);
    const { calls, unresolved } = callsOf(doc, [lead.org.id]);
    const called = new Set(calls.map((c) => c.template));
    expect(gets.filter((p) => !called.has(p)).sort()).toEqual(Object.keys(notParametrised).sort());
    expect(unresolved.sort()).toEqual(Object.keys(notParametrised).sort());
    for (const p of Object.keys(notParametrised)) expect(gets, `${p} is listed but no longer a route`).toContain(p);
    expect(gets.length).toBeGreaterThan(40);
  });

  afterAll(() => {
    if (coverage.length > 0)
      console.log(
        `disclosure-every-output coverage:\n${coverage.map((c) => `  ${c.viewer}: ${c.routes} routes, ${c.calls} requests (${c.ok} answered 200), ${c.mails} e-mails, ${c.secrets} secrets looked for (${c.skipped} skipped)`).join('\n')}`,
      );
  });
});
