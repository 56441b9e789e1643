import { Decimal as BaseDecimal } from 'decimal.js';

import { cleanText } from '../rules/text-hygiene.js';
import { type ContractNature, contractNature } from './cpv.js';
import { DomainError } from './errors.js';
import { roundCents } from './money.js';
import { buyerLegalTypes } from './organisations.js';

/**
 * A published joint statement of demand as an OCDS 1.1.5 planning release, with the EU extension
 * for the `leadBuyer` party role. Pure: the caller loads the statement and serialises the result.
 */

/** Enough digits that no decimal string the system accepts, nor a sum of them, is rounded. */
const Decimal = BaseDecimal.clone({ precision: 60 });

export const ocdsVersion = '1.1';

/** Extensions whose fields or codes a release uses; a package must declare them. */
export const ocdsExtensions = [
  // `leadBuyer` party role.
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_eu_extension/master/extension.json',
  // `parties[].details.classifications`, which carries the eForms buyer legal type (BT-11).
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_organizationClassification_extension/master/extension.json',
] as const;

export interface OcdsOrganisationInput {
  orgId: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface PublishedStatementForOcds {
  statementId: string;
  title: string;
  description: string;
  /** Version of the published statement; each version is a new release. */
  version: number;
  /** When this version was published, ISO 8601 with a time zone. */
  publishedAt: string;
  leadBuyer: OcdsOrganisationInput;
  /**
   * The central purchasing body that runs the procurement, when the statement chose that route
   * (Directive 2014/24/EU Art. 37, 39(2)-(3)): it is the procuring entity, with the EU extension's
   * `centralPurchasingBody` role (eForms OPP-051/OPP-052); the lead stays the buyers' lead.
   */
  centralPurchasingBody?: OcdsOrganisationInput | undefined;
  /** The signatories. The lead is usually one of them; it is listed once either way. */
  buyers: (OcdsOrganisationInput & { buyerLegalType: string })[];
  /** Demand aggregated per CPV code. */
  items: {
    /** The 8-digit CPV key. */
    cpvCode: string;
    /** From the official CPV list; null when the code is not in it. */
    cpvCheckDigit: string | null;
    /** The CPV label, or the statement's own wording of the item. */
    description: string;
    quantities: { unit: string; quantity: string; unitName?: string }[];
  }[];
  /** Estimated total value, EUR net of VAT, as a decimal string; null when withheld to protect buyers' figures. */
  totalValueEur: string | null;
  /**
   * The exchange-rate table the total was converted with (domain/aggregation.ts `conversion`):
   * its date and source are stated in the budget's description beside the amount.
   */
  conversion?: { date: string; source: string; rates: Record<string, string> };
  deliveryPeriod: { fromYear: number; toYear: number };
  /** YYYY-MM-DD. */
  expectedProcurementStart: string;
  /** Replaces the generated `planning.rationale` when given. */
  rationale?: string;
}

export interface OcdsOrganizationReference {
  id: string;
  name: string;
}

export interface OcdsClassification {
  scheme: string;
  id: string;
  description?: string;
}

export interface OcdsParty {
  id: string;
  name: string;
  address: { countryName: string };
  roles: string[];
  details?: { classifications: OcdsClassification[] };
}

export interface OcdsItem {
  id: string;
  description: string;
  classification: OcdsClassification;
  quantity?: number;
  unit?: { scheme: 'UNCEFACT'; id: string; name?: string };
}

export interface OcdsPeriod {
  startDate?: string;
  endDate?: string;
}

export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: ['planning'];
  initiationType: 'tender';
  language: 'en';
  parties: OcdsParty[];
  buyer: OcdsOrganizationReference;
  planning: {
    rationale: string;
    /** Without an amount when disclosure control withholds the total. */
    budget: { id: string; description: string; amount?: { amount: number; currency: 'EUR' } };
  };
  tender: {
    id: string;
    title: string;
    description: string;
    status: 'planning';
    procuringEntity: OcdsOrganizationReference;
    mainProcurementCategory?: 'goods' | 'works' | 'services';
    additionalProcurementCategories?: ('goods' | 'works' | 'services')[];
    items: OcdsItem[];
    tenderPeriod: OcdsPeriod;
    contractPeriod: OcdsPeriod;
  };
}

export interface OcdsPublisher {
  name: string;
  scheme?: string;
  uid?: string;
  uri?: string;
}

export interface OcdsReleasePackage {
  uri: string;
  version: typeof ocdsVersion;
  extensions: string[];
  publishedDate: string;
  publisher: OcdsPublisher;
  license?: string;
  publicationPolicy?: string;
  releases: OcdsRelease[];
}

/** ", converted from NOK, SEK at the rates of 2026-12-04 (ECB)" when any amount was converted; "" otherwise. */
function conversionWords(conversion: PublishedStatementForOcds['conversion']): string {
  const currencies = Object.keys(conversion?.rates ?? {}).sort();
  if (!conversion || currencies.length === 0) return '';
  return `, converted from ${currencies.join(', ')} at the exchange rates of ${conversion.date} (source: ${conversion.source})`;
}

/**
 * OCDS amounts and quantities are JSON numbers, i.e. IEEE 754 doubles, while the system keeps
 * decimal strings. A double holds any decimal of up to 15 significant digits such that printing it
 * (JSON.stringify prints the shortest form that reads back to the same double) gives those digits
 * back: every EUR amount below 10^13 to the cent, every quantity of up to 15 significant digits.
 * Longer values would come out silently altered, so they are refused instead of published.
 *
 * Money is first rounded half-up to the cent, the precision of the published budget.
 */
export function decimalToOcdsNumber(value: string, options: { field: string; decimals?: number }): number {
  let d: BaseDecimal;
  try {
    d = new Decimal(value);
  } catch {
    throw invalid(options.field, `must be a decimal number, got "${value}"`);
  }
  if (!d.isFinite()) throw invalid(options.field, `must be a finite decimal number, got "${value}"`);
  // Money by the one rule of showing it (rules/money.ts), as every other output shows it.
  if (options.decimals === 2) d = new Decimal(roundCents(d.toFixed()));
  else if (options.decimals !== undefined) d = d.toDecimalPlaces(options.decimals, BaseDecimal.ROUND_HALF_UP);
  const n = d.toNumber();
  if (!new Decimal(String(n)).equals(d)) {
    throw invalid(
      options.field,
      `${d.toFixed()} has more significant digits than an OCDS number can carry exactly (15)`,
    );
  }
  return n;
}

function invalid(field: string, rule: string): DomainError {
  return new DomainError('unprocessable', 'The statement cannot be expressed as an OCDS release', [{ field, rule }]);
}

/** The ocid joins the publisher's registered prefix and the statement: one contracting process per statement. */
export function ocidFor(ocidPrefix: string, statementId: string): string {
  return `${ocidPrefix}-${statementId}`;
}

const procurementCategory: Record<ContractNature, 'goods' | 'works' | 'services'> = {
  supplies: 'goods',
  works: 'works',
  services: 'services',
};

export function toOcdsRelease(input: PublishedStatementForOcds, options: { ocidPrefix: string }): OcdsRelease {
  const ocid = ocidFor(options.ocidPrefix, input.statementId);
  const lead = { id: input.leadBuyer.orgId, name: cleanText(input.leadBuyer.name) };
  const cpb = input.centralPurchasingBody;
  const procuringEntity = cpb ? { id: cpb.orgId, name: cleanText(cpb.name) } : lead;

  const parties: OcdsParty[] = [];
  const byId = new Map<string, OcdsParty>();
  const addParty = (org: OcdsOrganisationInput, roles: string[], legalType?: string) => {
    let party = byId.get(org.orgId);
    if (!party) {
      party = {
        id: org.orgId,
        name: cleanText(org.name),
        address: { countryName: countryName(org.country) },
        roles: [],
      };
      byId.set(org.orgId, party);
      parties.push(party);
    }
    for (const role of roles) if (!party.roles.includes(role)) party.roles.push(role);
    if (legalType && !party.details) {
      party.details = {
        classifications: [
          {
            scheme: 'eu-buyer-legal-type',
            id: legalType,
            ...(legalType in buyerLegalTypes
              ? { description: buyerLegalTypes[legalType as keyof typeof buyerLegalTypes] }
              : {}),
          },
        ],
      };
    }
  };
  // The lead first, so a reader of the parties list meets the group's lead before its members.
  addParty(
    input.leadBuyer,
    cpb ? ['buyer', 'leadBuyer'] : ['buyer', 'leadBuyer', 'procuringEntity'],
    input.buyers.find((b) => b.orgId === input.leadBuyer.orgId)?.buyerLegalType,
  );
  for (const b of input.buyers) addParty(b, ['buyer'], b.buyerLegalType);
  if (cpb) addParty(cpb, ['centralPurchasingBody', 'procuringEntity']);

  const items = toItems(input.items);
  const categories = [...new Set(input.items.map((i) => procurementCategory[contractNature(i.cpvCode)]))];

  // The buyers' own: a central purchasing body that runs the procurement is not one of them.
  const buyerParties = parties.filter((p) => p.roles.includes('buyer'));
  const countries = [...new Set(buyerParties.map((p) => p.address.countryName))].sort();
  const { fromYear, toYear } = input.deliveryPeriod;
  const years = fromYear === toYear ? `in ${fromYear}` : `from ${fromYear} to ${toYear}`;
  const rationale =
    input.rationale ??
    `Joint statement of demand of ${buyerParties.length} public buyer${buyerParties.length === 1 ? '' : 's'} in ${countries.length} ` +
      `countr${countries.length === 1 ? 'y' : 'ies'} (${countries.join(', ')}), led by ${input.leadBuyer.name}, ` +
      `for delivery ${years}. Aggregating the demand signals it to the market ahead of a joint procurement ` +
      `expected to start on ${input.expectedProcurementStart}` +
      (cpb
        ? `, run by ${cleanText(cpb.name)}, a central purchasing body in ${countryName(cpb.country)}, under the national provisions of its Member State (Directive 2014/24/EU Art. 37, Art. 39(2)-(3)).`
        : '.');

  return {
    ocid,
    // The version keeps ids unique within the ocid; later versions add signatories.
    id: `${ocid}-v${input.version}`,
    date: isoDateTime(input.publishedAt, 'publishedAt'),
    tag: ['planning'],
    initiationType: 'tender',
    language: 'en',
    parties,
    buyer: lead,
    planning: {
      rationale,
      budget: {
        id: `${input.statementId}-budget`,
        ...(input.totalValueEur === null
          ? {
              description:
                'Estimated total value of the aggregated demand: not disclosed, to protect the figures of individual buyers',
            }
          : {
              description: `Estimated total value of the aggregated demand, EUR net of VAT${conversionWords(input.conversion)}`,
              amount: {
                amount: decimalToOcdsNumber(input.totalValueEur, { field: 'totalValueEur', decimals: 2 }),
                currency: 'EUR' as const,
              },
            }),
      },
    },
    tender: {
      id: input.statementId,
      // Typed text: controls and direction overrides removed (rules/text-hygiene.ts).
      title: cleanText(input.title),
      description: cleanText(input.description),
      status: 'planning',
      procuringEntity,
      // One main category only when the demand is of one nature; a mix lists them all as additional.
      ...(categories.length === 1 ? { mainProcurementCategory: categories[0]! } : {}),
      ...(categories.length > 1 ? { additionalProcurementCategories: categories } : {}),
      items,
      // Planning data: the tender is expected to open on the start date; its end is not known yet.
      tenderPeriod: { startDate: `${dateOnly(input.expectedProcurementStart)}T00:00:00Z` },
      // The delivery window, whole calendar years in UTC.
      contractPeriod: { startDate: `${fromYear}-01-01T00:00:00Z`, endDate: `${toYear}-12-31T23:59:59Z` },
    },
  };
}

/** OCDS items carry one unit each, so an item is a (CPV code, unit) pair of the aggregate. */
function toItems(items: PublishedStatementForOcds['items']): OcdsItem[] {
  const pairs = new Map<
    string,
    {
      source: PublishedStatementForOcds['items'][number];
      unit?: { id: string; name?: string };
      quantity?: BaseDecimal;
      field: string;
    }
  >();
  items.forEach((item, i) => {
    if (item.quantities.length === 0) {
      if (!pairs.has(item.cpvCode)) pairs.set(item.cpvCode, { source: item, field: `items[${i}]` });
      return;
    }
    item.quantities.forEach((q, j) => {
      const id = `${item.cpvCode}-${q.unit}`;
      const existing = pairs.get(id);
      // The input should be aggregated already; a repeated pair is summed rather than emitted twice with one id.
      if (existing?.quantity) existing.quantity = existing.quantity.plus(q.quantity);
      else {
        pairs.set(id, {
          source: item,
          unit: { id: q.unit, ...(q.unitName ? { name: q.unitName } : {}) },
          quantity: new Decimal(q.quantity),
          field: `items[${i}].quantities[${j}].quantity`,
        });
      }
    });
  });
  return [...pairs].map(([id, { source, unit, quantity, field }]) => ({
    id,
    description: source.description,
    classification: {
      scheme: 'CPV',
      id: source.cpvCheckDigit === null ? source.cpvCode : `${source.cpvCode}-${source.cpvCheckDigit}`,
      description: source.description,
    },
    ...(quantity ? { quantity: decimalToOcdsNumber(quantity.toFixed(), { field }) } : {}),
    ...(unit ? { unit: { scheme: 'UNCEFACT' as const, ...unit } } : {}),
  }));
}

export function toReleasePackage(
  releases: readonly OcdsRelease[],
  options: {
    uri: string;
    publishedDate: string;
    publisher: OcdsPublisher;
    license?: string;
    publicationPolicy?: string;
  },
): OcdsReleasePackage {
  if (releases.length === 0) {
    // The package schema requires at least one release; an empty feed is the caller's to represent.
    throw new DomainError('invalid_input', 'An OCDS release package needs at least one release', [
      { field: 'releases', rule: 'must contain at least one release' },
    ]);
  }
  return {
    uri: options.uri,
    version: ocdsVersion,
    extensions: [...ocdsExtensions],
    publishedDate: isoDateTime(options.publishedDate, 'publishedDate'),
    publisher: options.publisher,
    ...(options.license ? { license: options.license } : {}),
    ...(options.publicationPolicy ? { publicationPolicy: options.publicationPolicy } : {}),
    releases: [...releases],
  };
}

/** OCDS dates are RFC 3339 date-times; normalising to UTC gives one spelling per instant. */
function isoDateTime(value: string, field: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw invalid(field, 'must be an ISO 8601 date-time with a time zone');
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(field, 'must be a valid date-time');
  return new Date(ms).toISOString();
}

function dateOnly(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw invalid('expectedProcurementStart', 'must be a date (YYYY-MM-DD)');
  }
  return value;
}

/** English short names, for `address.countryName`: OCDS 1.1 has no country code field. */
const countryNames: Record<string, string> = {
  AT: 'Austria',
  BE: 'Belgium',
  BG: 'Bulgaria',
  CY: 'Cyprus',
  CZ: 'Czechia',
  DE: 'Germany',
  DK: 'Denmark',
  EE: 'Estonia',
  ES: 'Spain',
  FI: 'Finland',
  FR: 'France',
  GR: 'Greece',
  HR: 'Croatia',
  HU: 'Hungary',
  IE: 'Ireland',
  IT: 'Italy',
  LT: 'Lithuania',
  LU: 'Luxembourg',
  LV: 'Latvia',
  MT: 'Malta',
  NL: 'Netherlands',
  PL: 'Poland',
  PT: 'Portugal',
  RO: 'Romania',
  SE: 'Sweden',
  SI: 'Slovenia',
  SK: 'Slovakia',
  IS: 'Iceland',
  LI: 'Liechtenstein',
  NO: 'Norway',
};

export function countryName(code: string): string {
  return countryNames[code.toUpperCase()] ?? code.toUpperCase();
}
