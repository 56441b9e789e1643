import { findUserByEmail, insertOrganisation, insertUser } from '../../db/organisations.js';
import { listStatementsVisibleTo } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import { statementDetailsSchema } from '../../domain/statement.js';
import type { ServiceContext } from '../context.js';
import { createStatement } from '../statements/create-statement.js';
import { inviteBuyers } from '../statements/invite-buyers.js';
import { answerInvitation } from '../statements/answer-invitation.js';

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
  { kind: 'operator', name: 'jointdemand operations', country: 'BE', users: [{ email: 'admin@jointdemand.example', name: 'Platform Administrator', isAdmin: true }] },
  { kind: 'commission', name: 'European Commission, DG GROW', country: 'BE', users: [{ email: 'staff@commission.example', name: 'Claire Dubois', locale: 'fr' }] },
  { kind: 'buyer', name: 'City of Helsinki', country: 'FI', buyerLegalType: 'la', users: [{ email: 'lead@helsinki.example', name: 'Aino Virtanen', roles: ['signatory'] }, { email: 'officer@helsinki.example', name: 'Eero Korhonen' }] },
  { kind: 'buyer', name: 'City of Oslo', country: 'NO', buyerLegalType: 'la', users: [{ email: 'buyer@oslo.example', name: 'Ingrid Hansen', roles: ['signatory'] }] },
  { kind: 'buyer', name: 'City of Copenhagen', country: 'DK', buyerLegalType: 'la', users: [{ email: 'buyer@copenhagen.example', name: 'Mads Jensen', roles: ['signatory'] }] },
  { kind: 'buyer', name: 'Barcelona City Council', country: 'ES', buyerLegalType: 'la', users: [{ email: 'buyer@barcelona.example', name: 'Laia Puig', roles: ['signatory'] }] },
  { kind: 'buyer', name: 'City of Vantaa', country: 'FI', buyerLegalType: 'la', users: [{ email: 'buyer@vantaa.example', name: 'Mikko Laine' }] },
  { kind: 'buyer', name: 'Bundesanstalt für Straßenwesen', country: 'DE', buyerLegalType: 'cga', users: [{ email: 'buyer@bast.example', name: 'Jonas Becker', locale: 'de' }] },
  { kind: 'supplier', name: 'Electric Excavators Oy', country: 'FI', sme: true, users: [{ email: 'sales@excavators.example', name: 'Pekka Niemi' }] },
  { kind: 'supplier', name: 'Heavy Machinery Europe SE', country: 'DE', sme: false, users: [{ email: 'tenders@heavymachinery.example', name: 'Anna Schmidt', locale: 'de' }] },
  { kind: 'supplier', name: 'Chantiers Propres SAS', country: 'FR', sme: true, users: [{ email: 'contact@chantiers.example', name: 'Luc Martin', locale: 'fr' }] },
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
      principals.set(u.email, { userId: user.id, orgId, orgKind: org.kind, isAdmin: user.is_admin, roles: user.roles, via: 'session' });
    }
  }

  const lead = principals.get('lead@helsinki.example')!;
  const existingStatements = await listStatementsVisibleTo(ctx.db, { orgId: lead.orgId, seesAll: false }, { limit: 1, offset: 0 });
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
        schedule: { deliveryFromYear: year + 1, deliveryToYear: year + 4, expectedProcurementStart: `${year + 1}-03-01` },
        criticalMass: { minBuyers: 3, minCountries: 2, minTotalValueEur: '5000000' },
      }),
      { idempotencyKey: 'demo-statement-1' },
    );
    const others = ['buyer@oslo.example', 'buyer@copenhagen.example', 'buyer@barcelona.example', 'buyer@vantaa.example'];
    await inviteBuyers(ctx, lead, statement.id, others.map((e) => principals.get(e)!.orgId), { idempotencyKey: 'demo-invite-1' });
    await answerInvitation(ctx, principals.get('buyer@oslo.example')!, statement.id, { accept: true }, { idempotencyKey: 'demo-accept-oslo' });
  }
  return { created, users: demoOrganisations.flatMap((o) => o.users.map((u) => `${u.email.padEnd(34)} ${o.name} (${o.kind}${u.isAdmin ? ', administrator' : ''})`)) };
}
