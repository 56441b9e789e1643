import { importRateTables, rateCoverageOn } from '../../db/exchange-rates.js';
import { findUserByEmail, insertOrganisation, insertUser } from '../../db/organisations.js';
import { listStatementsVisibleTo } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import { defaultRateMaxAgeDays } from '../../domain/currency.js';
import { ecbSource, parseEcbRates } from '../../domain/ecb-rates.js';
import { statementDetailsSchema } from '../../domain/statement.js';
import { commonCurrencies } from '../../rules/currencies.js';
import { rateProblemOf } from '../../rules/exchange-rates.js';
import { consentToNaming, setRfiQuestions } from '../consultation/manage-consultation.js';
import type { ServiceContext } from '../context.js';
import { confirmNeeds } from '../needs/confirm-needs.js';
import { saveNeedsDraft } from '../needs/save-needs-draft.js';
import { submitNeeds } from '../needs/submit-needs.js';
import { answerInvitation } from '../statements/answer-invitation.js';
import { closeStage } from '../statements/close-stage.js';
import { createStatement } from '../statements/create-statement.js';
import { inviteBuyers } from '../statements/invite-buyers.js';
import { openNeedsAssessment } from '../statements/open-needs-assessment.js';
import { demoEcbRatesXml } from './ecb-rates.js';

interface DemoOrg {
  kind: 'buyer' | 'supplier' | 'commission' | 'operator';
  name: string;
  country: string;
  buyerLegalType?: string;
  sme?: boolean;
  users: { email: string; name: string; locale?: string; roles?: string[]; isAdmin?: boolean }[];
}

/** Modelled on the 2022 zero-emission construction sites statement (Oslo, Helsinki, Copenhagen, ...). */
export const demoOrganisations: DemoOrg[] = [
  {
    kind: 'operator',
    name: 'jointdemand operations',
    country: 'BE',
    users: [{ email: 'admin@jointdemand.example', name: 'Platform Administrator', isAdmin: true }],
  },
  {
    kind: 'commission',
    name: 'European Commission, DG GROW',
    country: 'BE',
    users: [{ email: 'staff@commission.example', name: 'Claire Dubois', locale: 'fr' }],
  },
  {
    kind: 'buyer',
    name: 'City of Helsinki',
    country: 'FI',
    buyerLegalType: 'la',
    users: [
      { email: 'lead@helsinki.example', name: 'Aino Virtanen', roles: ['signatory'] },
      { email: 'officer@helsinki.example', name: 'Eero Korhonen' },
    ],
  },
  {
    kind: 'buyer',
    name: 'City of Oslo',
    country: 'NO',
    buyerLegalType: 'la',
    users: [{ email: 'buyer@oslo.example', name: 'Ingrid Hansen', roles: ['signatory'] }],
  },
  {
    kind: 'buyer',
    name: 'City of Copenhagen',
    country: 'DK',
    buyerLegalType: 'la',
    users: [{ email: 'buyer@copenhagen.example', name: 'Mads Jensen', roles: ['signatory'] }],
  },
  {
    kind: 'buyer',
    name: 'Barcelona City Council',
    country: 'ES',
    buyerLegalType: 'la',
    users: [{ email: 'buyer@barcelona.example', name: 'Laia Puig', roles: ['signatory'] }],
  },
  {
    kind: 'buyer',
    name: 'City of Vantaa',
    country: 'FI',
    buyerLegalType: 'la',
    users: [{ email: 'buyer@vantaa.example', name: 'Mikko Laine' }],
  },
  {
    kind: 'buyer',
    name: 'Bundesanstalt für Straßenwesen',
    country: 'DE',
    buyerLegalType: 'cga',
    users: [{ email: 'buyer@bast.example', name: 'Jonas Becker', locale: 'de' }],
  },
  {
    kind: 'supplier',
    name: 'Electric Excavators Oy',
    country: 'FI',
    sme: true,
    users: [{ email: 'sales@excavators.example', name: 'Pekka Niemi' }],
  },
  {
    kind: 'supplier',
    name: 'Heavy Machinery Europe SE',
    country: 'DE',
    sme: false,
    users: [{ email: 'tenders@heavymachinery.example', name: 'Anna Schmidt', locale: 'de' }],
  },
  {
    kind: 'supplier',
    name: 'Chantiers Propres SAS',
    country: 'FR',
    sme: true,
    users: [{ email: 'contact@chantiers.example', name: 'Luc Martin', locale: 'fr' }],
  },
];

/**
 * Demo data, created through the same use-cases as real requests so the workflow and read model
 * agree. Safe to run again: organisations are matched by their users' addresses.
 */
export async function seedDemoData(ctx: ServiceContext): Promise<{ created: boolean; users: string[] }> {
  const principals = new Map<string, Principal>();
  let created = false;
  for (const org of demoOrganisations) {
    const existing = await findUserByEmail(ctx.db, org.users[0]!.email);
    let orgId = existing?.organisation_id;
    if (!orgId) {
      created = true;
      orgId = (
        await insertOrganisation(ctx.db, {
          kind: org.kind,
          name: org.name,
          country: org.country,
          buyer_legal_type: org.buyerLegalType ?? null,
          sme: org.sme ?? null,
        })
      ).id;
    }
    for (const u of org.users) {
      const user =
        (await findUserByEmail(ctx.db, u.email)) ??
        (await insertUser(ctx.db, {
          organisation_id: orgId,
          email: u.email,
          name: u.name,
          locale: u.locale ?? 'en',
          roles: u.roles ?? [],
          is_admin: u.isAdmin ?? false,
        }));
      principals.set(u.email, {
        userId: user.id,
        orgId,
        orgKind: org.kind,
        isAdmin: user.is_admin,
        roles: user.roles,
        via: 'session',
      });
    }
  }

  await seedDemoRates(ctx);

  const lead = principals.get('lead@helsinki.example')!;
  const existingStatements = await listStatementsVisibleTo(
    ctx.db,
    { orgId: lead.orgId, seesAll: false },
    { limit: 1, offset: 0 },
  );
  if (existingStatements.length === 0) {
    const year = new Date().getUTCFullYear();
    const statement = await createStatement(
      ctx,
      lead,
      statementDetailsSchema.parse({
        title: 'Zero-emission construction machinery',
        description:
          'Cities commit to buy zero-emission excavators, wheel loaders and site equipment, so that makers can plan production. Demand is aggregated across the participating cities.',
        cpvCodes: ['43260000-3', '34144900-7', '43200000-5'],
        schedule: {
          deliveryFromYear: year + 1,
          deliveryToYear: year + 4,
          expectedProcurementStart: `${year + 1}-03-01`,
        },
        criticalMass: { minBuyers: 3, minCountries: 2, minTotalValueEur: '5000000' },
      }),
      { idempotencyKey: 'demo-statement-1' },
    );
    const others = [
      'buyer@oslo.example',
      'buyer@copenhagen.example',
      'buyer@barcelona.example',
      'buyer@vantaa.example',
    ];
    await inviteBuyers(
      ctx,
      lead,
      statement.id,
      others.map((e) => principals.get(e)!.orgId),
      { idempotencyKey: 'demo-invite-1' },
    );
    await answerInvitation(
      ctx,
      principals.get('buyer@oslo.example')!,
      statement.id,
      { accept: true },
      { idempotencyKey: 'demo-accept-oslo' },
    );
    await seedOpenConsultation(ctx, lead, [
      principals.get('buyer@oslo.example')!,
      principals.get('buyer@copenhagen.example')!,
    ]);
  }
  return {
    created,
    users: demoOrganisations.flatMap((o) =>
      o.users.map((u) => `${u.email.padEnd(34)} ${o.name} (${o.kind}${u.isAdmin ? ', administrator' : ''})`),
    ),
  };
}

/**
 * Rates for every currency the need lines offer first, as of today, so no demo statement waits for
 * one: the ECB file in services/demo/ecb-rates.ts, recorded for today (its source says so) unless
 * today's rates convert them all already (real rates, imported with `npm run import-rates`, win).
 */
async function seedDemoRates(ctx: ServiceContext): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  const maxAgeDays = ctx.config.EXCHANGE_RATE_MAX_AGE_DAYS ?? defaultRateMaxAgeDays;
  const coverage = await rateCoverageOn(ctx.db, today, maxAgeDays);
  if (commonCurrencies.every((c) => rateProblemOf(c, coverage) === undefined)) return;
  const [ecb] = parseEcbRates(demoEcbRatesXml, 'demo').tables;
  await importRateTables(
    ctx.db,
    [
      {
        date: today,
        source: ecbSource(`eurofxref-daily.xml of ${ecb!.date} (demo data, recorded for ${today})`),
        rates: ecb!.rates,
      },
    ],
    { userId: null, orgId: null },
  );
}

/**
 * A second statement taken through the needs assessment by its three buyers, so the market
 * consultation is open when the demo starts: the public pages, the supplier's start page and
 * the lead's market page have something to show. The workflow aggregates and opens the
 * consultation on its own once every buyer has confirmed.
 */
async function seedOpenConsultation(ctx: ServiceContext, lead: Principal, buyers: Principal[]): Promise<void> {
  const year = new Date().getUTCFullYear();
  const key = (what: string) => ({ idempotencyKey: `demo-consultation-${what}` });
  const statement = await createStatement(
    ctx,
    lead,
    statementDetailsSchema.parse({
      title: 'Zero-emission wheel loaders',
      description: 'Battery-electric wheel loaders for city construction sites, with charging on site.',
      cpvCodes: ['43260000-3', '34144710-8'],
      schedule: { deliveryFromYear: year + 1, deliveryToYear: year + 3, expectedProcurementStart: `${year + 1}-06-01` },
      criticalMass: { minBuyers: 3, minCountries: 2, minTotalValueEur: '2000000' },
    }),
    key('statement'),
  );
  await setRfiQuestions(
    ctx,
    lead,
    statement.id,
    [
      { id: 'lead-time', text: 'What lead time do you need for the first machines?' },
      { id: 'charging', text: 'Which charging solutions do you offer for sites without grid connection?' },
    ],
    key('rfi'),
  );
  await inviteBuyers(
    ctx,
    lead,
    statement.id,
    buyers.map((b) => b.orgId),
    key('invite'),
  );
  for (const b of buyers) await answerInvitation(ctx, b, statement.id, { accept: true }, key(`accept-${b.orgId}`));
  await openNeedsAssessment(ctx, lead, statement.id, {}, key('open'));
  const quantities = ['4', '3', '2'];
  const versions: [Principal, string][] = [];
  for (const [i, p] of [lead, ...buyers].entries()) {
    const line = {
      cpvCode: '34144710-8',
      description: 'Electric wheel loader, 8 t class',
      quantity: quantities[i],
      unit: 'H87',
      unitPrice: '420000',
      currency: 'EUR',
      delivery: { year: year + 1 },
    };
    await saveNeedsDraft(ctx, p, statement.id, { lines: [line], answers: {} }, key(`draft-${i}`));
    versions.push([p, (await submitNeeds(ctx, p, statement.id, key(`submit-${i}`))).versionId]);
  }
  await closeStage(ctx, lead, statement.id, key('close'));
  for (const [i, [p, versionId]] of versions.entries())
    await confirmNeeds(ctx, p, statement.id, versionId, key(`confirm-${i}`));
  await consentToNaming(ctx, buyers[0]!, statement.id, true, key('consent'));
}
