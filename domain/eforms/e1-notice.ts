import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';

import type { Locale } from '../../rules/locales.js';
import { cleanText } from '../../rules/text-hygiene.js';
import { type ContractNature, contractNature, parseCpv } from '../cpv.js';
import type { JointProcurementKind, ProcurementRouteKind } from '../cross-border.js';
import { DomainError, type FieldProblem } from '../errors.js';
import { alpha3Of, e1Wording, eformsLanguageOf } from './e1-wording.js';

/**
 * The market consultation as an eForms notice of subtype E1, "Voluntary pre-market consultation
 * notice" (eForms SDK 1.15.1: document type PIN, root `PriorInformationNotice`, form type
 * `consultation`, notice type `pmc`), for the lead buyer to submit to TED. Pure: the caller loads
 * the statement, its consultation and its buyers, and decides what may be public.
 *
 * What the notice carries follows the SDK's E1 notice type (`notice-types/E1.json`) and the
 * constraints its `fields.json` sets for E1:
 * - the buyers (OPT-300) as organisations ORG-0001…, the lead first, with the buyers-group lead
 *   indicator OPP-050 (mandatory on the lead when there are two buyers or more, forbidden with
 *   one); a central purchasing body with OPP-051/OPP-052 as recorded; legal type BT-11;
 * - the procedure's title, description, main nature, CPV codes and place of performance
 *   (BT-21, BT-24, BT-23/BT-531, BT-262/BT-263, BT-5141/BT-5071/BT-727), and one lot repeating
 *   them with the deadline for answers (BT-800) and where to answer (BT-18);
 * - the legal basis (BT-01: Directive 2014/24/EU, Art. 40) and, for a joint procurement, which
 *   national law applies, in the legislation text BT-01(f). The cross-border law field BT-09 is
 *   forbidden in E1 notices by the SDK (it belongs to contract notices), so it is not written.
 *
 * Public once published: it names only the buyers given, carries the estimated value only when
 * the caller passes one (the disclosure pattern left the total), and no buyer's own figure.
 */

export const e1Namespaces = {
  root: 'urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  ext: 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
  efac: 'http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1',
  efbc: 'http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1',
  efext: 'http://data.europa.eu/p27/eforms-ubl-extensions/1',
} as const;

/** The SDK the notice is written for (OPT-002, CustomizationID). */
export const eformsSdkVersion = '1.15';

/**
 * eForms buyer-legal-type codes of SDK 1.15.1 (codelist 20250618-0). `grp-p-aut`, which the
 * platform keeps for organisations registered with it, is no longer in the list: BT-11 is left
 * out for those rather than written with a code TED refuses.
 */
const sdkBuyerLegalTypes: ReadonlySet<string> = new Set([
  'body-pl',
  'body-pl-cga',
  'body-pl-la',
  'body-pl-ra',
  'cga',
  'def-cont',
  'eu-ins-bod-ag',
  'int-org',
  'la',
  'org-sub',
  'org-sub-cga',
  'org-sub-la',
  'org-sub-ra',
  'pub-undert',
  'pub-undert-cga',
  'pub-undert-la',
  'pub-undert-ra',
  'ra',
  'spec-rights-entity',
]);

/** eForms text limits (SDK 1.15.1 fields.json `maxLength`) of the texts that come from people. */
export const e1TextLimits = { title: 400, description: 6000, organisationName: 400 } as const;

export interface E1Organisation {
  orgId: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** The platform's buyer legal type (eForms codes), or null. */
  buyerLegalType: string | null;
  /** NUTS code as registered (any level); only a level-3 code is written (eForms' nuts-lvl3 list). */
  nuts: string | null;
  /** OPP-051 Awarding CPB Buyer Indicator. */
  awardingCpb: boolean;
  /** OPP-052 Acquiring CPB Buyer Indicator. */
  acquiringCpb: boolean;
}

export interface E1NoticeInput {
  /** BT-701: a UUID (version 4 form); the same for every download of one statement's notice. */
  noticeId: string;
  /** BT-757, 1 to 99. */
  version: number;
  /** BT-05: when the notice is made, an ISO 8601 instant; written in UTC. */
  issuedAt: string;
  /** BT-702(a): the language the title and description are written in. */
  language: Locale;
  statement: { id: string; title: string; description: string; cpvCodes: readonly string[] };
  /** The lead buyer: always a buyer of the notice (it submits it), OPP-050 when there are others. */
  lead: E1Organisation;
  /** The other buyers that may be named publicly (the lead may be among them: it is listed once). */
  buyers: readonly E1Organisation[];
  /** Buyers taking part that did not agree to be named: counted in the additional information only. */
  unnamedBuyers: number;
  /** The central purchasing body that is to run the procurement, when the statement chose that route. */
  centralPurchasingBody: E1Organisation | null;
  /** The classification of the joint procurement (domain/cross-border.ts), when the demand was aggregated. */
  jointProcurement: {
    kind: JointProcurementKind;
    route: ProcurementRouteKind;
    /** The CPB's Member State on that route; null on the joint route (the Art. 39(4) agreement sets it). */
    applicableLaw: string | null;
    countries: readonly string[];
  } | null;
  /** BT-27: the estimated value in EUR net of VAT, as a decimal string; null when it may not be published. */
  estimatedValueEur: string | null;
  /** BT-800: the deadline for answers to the consultation, an ISO 8601 instant. */
  answersDeadline: string;
  /** BT-18: where suppliers answer (the public consultation page). */
  consultationUrl: string;
}

const natureOrder: readonly ContractNature[] = ['works', 'supplies', 'services'];

function invalid(problems: FieldProblem[]): DomainError {
  return new DomainError('unprocessable', 'The consultation cannot be written as an eForms E1 notice', problems);
}

/** `2026-12-05T09:30:00.000Z` → { date: '2026-12-05Z', time: '09:30:00Z' }, the eForms date and time forms. */
function eformsDateTime(iso: string, field: string): { date: string; time: string } {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw invalid([{ field, rule: 'must be an ISO 8601 date-time' }]);
  const s = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return { date: `${s.slice(0, 10)}Z`, time: `${s.slice(11, 19)}Z` };
}

/** eForms amounts: a decimal with at most 2 decimals here (money is shown to the cent). */
function eformsAmount(value: string): string {
  if (!/^\d+(\.\d+)?$/.test(value)) throw invalid([{ field: 'estimatedValueEur', rule: 'must be a decimal number' }]);
  const [whole, fraction = ''] = value.split('.');
  const cents = fraction.padEnd(2, '0');
  if (cents.length > 2 && /[1-9]/.test(cents.slice(2)))
    throw invalid([{ field: 'estimatedValueEur', rule: 'must be given to the cent' }]);
  return `${whole!.replace(/^0+(?=\d)/, '')}.${cents.slice(0, 2)}`;
}

/** A level-3 NUTS code (two letters and three characters), the only level eForms accepts. */
function nuts3(code: string | null): string | null {
  const c = code?.trim().toUpperCase() ?? '';
  return /^[A-Z]{2}[A-Z0-9]{3}$/.test(c) ? c : null;
}

function checkTexts(input: E1NoticeInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const title = cleanText(input.statement.title).trim();
  const description = cleanText(input.statement.description).trim();
  if (title.length === 0) problems.push({ field: 'title', rule: 'must not be empty (eForms BT-21)' });
  if (title.length > e1TextLimits.title)
    problems.push({
      field: 'title',
      rule: `must be at most ${e1TextLimits.title} characters in an eForms notice (BT-21); it has ${title.length}`,
    });
  if (description.length === 0) problems.push({ field: 'description', rule: 'must not be empty (eForms BT-24)' });
  if (description.length > e1TextLimits.description)
    problems.push({
      field: 'description',
      rule: `must be at most ${e1TextLimits.description} characters in an eForms notice (BT-24); it has ${description.length}: shorten it before downloading the notice`,
    });
  if (input.statement.cpvCodes.length === 0)
    problems.push({ field: 'cpvCodes', rule: 'must name at least one CPV code (BT-262)' });
  input.statement.cpvCodes.forEach((c, i) => {
    if (!parseCpv(c)) problems.push({ field: `cpvCodes[${i}]`, rule: 'must be a CPV code' });
  });
  if (!/^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/.test(input.noticeId))
    problems.push({ field: 'noticeId', rule: 'must be a version 4 UUID in lower case (BT-701)' });
  if (!Number.isInteger(input.version) || input.version < 1 || input.version > 99)
    problems.push({ field: 'version', rule: 'must be a whole number from 1 to 99 (BT-757)' });
  return problems;
}

/**
 * The statement's buyers in the notice's order, each once: the lead, then the others by name.
 * The central purchasing body follows when it is not one of them: it is a buyer of the notice
 * too (OPP-051/OPP-052 are allowed on buyers only), but not one whose needs are aggregated.
 */
function organisationsOf(input: E1NoticeInput): { buyers: E1Organisation[]; all: E1Organisation[] } {
  const seen = new Set<string>([input.lead.orgId]);
  const others = input.buyers
    .filter((b) => !seen.has(b.orgId) && (seen.add(b.orgId), true))
    .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.orgId.localeCompare(b.orgId));
  const buyers = [input.lead, ...others];
  const cpb = input.centralPurchasingBody;
  return { buyers, all: cpb && !seen.has(cpb.orgId) ? [...buyers, cpb] : buyers };
}

/** Where the work is done: each buyer's NUTS-3 region where known, else anywhere in its country. */
function placesOf(orgs: readonly E1Organisation[]): { country: string; nuts: string | null }[] {
  const places = new Map<string, { country: string; nuts: string | null }>();
  for (const o of orgs) {
    const n = nuts3(o.nuts);
    const country = o.country.trim().toUpperCase();
    // A NUTS-3 code that is not of the buyer's country is a registration error: the country is written alone.
    const place = n && n.startsWith(country === 'GR' ? 'EL' : country) ? { country, nuts: n } : { country, nuts: null };
    places.set(`${place.country}/${place.nuts ?? ''}`, place);
  }
  return [...places.values()].sort(
    (a, b) => a.country.localeCompare(b.country) || (a.nuts ?? '').localeCompare(b.nuts ?? ''),
  );
}

export interface E1Notice {
  xml: string;
  /** The organisations as numbered in the notice: which of ours is ORG-0001, and so on. */
  organisations: { id: string; orgId: string; groupLead: boolean }[];
}

export function buildE1Notice(input: E1NoticeInput): E1Notice {
  const problems = checkTexts(input);
  if (problems.length > 0) throw invalid(problems);
  const lang = eformsLanguageOf(input.language);
  const words = e1Wording[input.language];
  const { buyers, all } = organisationsOf(input);
  const orgs = all.map((org, i) => ({ org, id: `ORG-${String(i + 1).padStart(4, '0')}` }));
  const countryProblems = orgs
    .map(({ org }, i) =>
      alpha3Of(org.country)
        ? null
        : { field: `organisations[${i}].country`, rule: `${org.country} is not an EU or EEA country` },
    )
    .filter((p): p is FieldProblem => p !== null);
  if (countryProblems.length > 0) throw invalid(countryProblems);
  const groupLead = orgs.length >= 2;
  const issued = eformsDateTime(input.issuedAt, 'issuedAt');
  const deadline = eformsDateTime(input.answersDeadline, 'answersDeadline');

  const title = cleanText(input.statement.title).trim();
  const description = cleanText(input.statement.description).trim();
  const cpv = input.statement.cpvCodes.map((c) => parseCpv(c)!.code);
  const mainCpv = cpv[0]!;
  const additionalCpv = [...new Set(cpv.slice(1))].filter((c) => c !== mainCpv);
  const mainNature = contractNature(mainCpv);
  const additionalNatures = natureOrder.filter((n) => n !== mainNature && cpv.some((c) => contractNature(c) === n));
  // The place of performance is where the buyers are; a central purchasing body buys for them, not for itself.
  const places = placesOf(buyers);

  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(e1Namespaces.root, 'PriorInformationNotice', {
    'xmlns:cac': e1Namespaces.cac,
    'xmlns:cbc': e1Namespaces.cbc,
    'xmlns:ext': e1Namespaces.ext,
    'xmlns:efac': e1Namespaces.efac,
    'xmlns:efbc': e1Namespaces.efbc,
    'xmlns:efext': e1Namespaces.efext,
  });
  const el = (parent: XMLBuilder, qname: string, attributes?: Record<string, string>): XMLBuilder => {
    const prefix = qname.split(':')[0] as keyof typeof e1Namespaces;
    return parent.ele(e1Namespaces[prefix], qname, attributes);
  };
  const text = (parent: XMLBuilder, qname: string, value: string, attributes?: Record<string, string>): XMLBuilder =>
    el(parent, qname, attributes).txt(value).up();
  const localized = (parent: XMLBuilder, qname: string, value: string) =>
    text(parent, qname, value, { languageID: lang });
  const extension = (parent: XMLBuilder) =>
    el(el(el(el(parent, 'ext:UBLExtensions'), 'ext:UBLExtension'), 'ext:ExtensionContent'), 'efext:EformsExtension');

  // The notice's extension: its subtype (OPP-070) and the organisations (OPT-200, BT-500, BT-514, OPP-050/051/052).
  const rootExtension = extension(root);
  text(el(rootExtension, 'efac:NoticeSubType'), 'cbc:SubTypeCode', 'E1', { listName: 'notice-subtype' });
  const organisations = el(rootExtension, 'efac:Organizations');
  for (const { org, id } of orgs) {
    const o = el(organisations, 'efac:Organization');
    if (groupLead && org.orgId === input.lead.orgId) text(o, 'efbc:GroupLeadIndicator', 'true');
    if (org.acquiringCpb) text(o, 'efbc:AcquiringCPBIndicator', 'true');
    if (org.awardingCpb) text(o, 'efbc:AwardingCPBIndicator', 'true');
    const company = el(o, 'efac:Company');
    text(el(company, 'cac:PartyIdentification'), 'cbc:ID', id, { schemeName: 'organization' });
    localized(
      el(company, 'cac:PartyName'),
      'cbc:Name',
      cleanText(org.name).trim().slice(0, e1TextLimits.organisationName),
    );
    const address = el(company, 'cac:PostalAddress');
    const n = nuts3(org.nuts);
    if (n) text(address, 'cbc:CountrySubentityCode', n, { listName: 'nuts' });
    text(el(address, 'cac:Country'), 'cbc:IdentificationCode', alpha3Of(org.country)!, { listName: 'country' });
  }

  text(root, 'cbc:UBLVersionID', '2.3');
  text(root, 'cbc:CustomizationID', `eforms-sdk-${eformsSdkVersion}`);
  text(root, 'cbc:ID', input.noticeId, { schemeName: 'notice-id' });
  text(root, 'cbc:IssueDate', issued.date);
  text(root, 'cbc:IssueTime', issued.time);
  text(root, 'cbc:VersionID', String(input.version).padStart(2, '0'));
  // BT-01: a preliminary market consultation is Directive 2014/24/EU Art. 40 (E1 allows that code).
  text(root, 'cbc:RegulatoryDomain', '32014L0024');
  text(root, 'cbc:NoticeTypeCode', 'pmc', { listName: 'consultation' });
  text(root, 'cbc:NoticeLanguageCode', lang);

  // The buyers (OPT-300) with their legal type (BT-11).
  for (const { org, id } of orgs) {
    const party = el(root, 'cac:ContractingParty');
    if (org.buyerLegalType && sdkBuyerLegalTypes.has(org.buyerLegalType))
      text(el(party, 'cac:ContractingPartyType'), 'cbc:PartyTypeCode', org.buyerLegalType, {
        listName: 'buyer-legal-type',
      });
    text(el(el(party, 'cac:Party'), 'cac:PartyIdentification'), 'cbc:ID', id, { schemeName: 'organization' });
  }

  // BT-01(e)/(f): which national law governs the joint procurement (BT-09 is not allowed in E1).
  const lawText = words.applicableLaw(input.jointProcurement, input.centralPurchasingBody);
  if (lawText) {
    const legislation = el(el(root, 'cac:TenderingTerms'), 'cac:ProcurementLegislationDocumentReference');
    text(legislation, 'cbc:ID', 'LocalLegalBasis');
    localized(legislation, 'cbc:DocumentDescription', lawText);
  }

  const note = words.additionalInformation({
    namedBuyers: buyers.length,
    unnamedBuyers: input.unnamedBuyers,
    leadName: cleanText(input.lead.name).trim(),
    consultationUrl: input.consultationUrl,
  });

  const scope = (parent: XMLBuilder, withNote: boolean, withValue: boolean) => {
    localized(parent, 'cbc:Name', title);
    localized(parent, 'cbc:Description', description);
    text(parent, 'cbc:ProcurementTypeCode', mainNature, { listName: 'contract-nature' });
    if (withNote) localized(parent, 'cbc:Note', note);
    for (const n of additionalNatures)
      text(el(parent, 'cac:ProcurementAdditionalType'), 'cbc:ProcurementTypeCode', n, { listName: 'contract-nature' });
    if (withValue && input.estimatedValueEur !== null)
      text(
        el(parent, 'cac:RequestedTenderTotal'),
        'cbc:EstimatedOverallContractAmount',
        eformsAmount(input.estimatedValueEur),
        {
          currencyID: 'EUR',
        },
      );
    text(el(parent, 'cac:MainCommodityClassification'), 'cbc:ItemClassificationCode', mainCpv, { listName: 'cpv' });
    for (const c of additionalCpv)
      text(el(parent, 'cac:AdditionalCommodityClassification'), 'cbc:ItemClassificationCode', c, { listName: 'cpv' });
    for (const place of places) {
      const address = el(el(parent, 'cac:RealizedLocation'), 'cac:Address');
      if (place.nuts) text(address, 'cbc:CountrySubentityCode', place.nuts, { listName: 'nuts' });
      else text(address, 'cbc:Region', 'anyw-cou');
      text(el(address, 'cac:Country'), 'cbc:IdentificationCode', alpha3Of(place.country)!, { listName: 'country' });
    }
  };
  scope(el(root, 'cac:ProcurementProject'), true, true);

  // One lot: the consultation itself, with where (BT-18), in which language (BT-97) and until when (BT-800) to answer.
  const lot = el(root, 'cac:ProcurementProjectLot');
  text(lot, 'cbc:ID', 'LOT-0001', { schemeName: 'Lot' });
  const terms = el(lot, 'cac:TenderingTerms');
  text(el(terms, 'cac:TenderRecipientParty'), 'cbc:EndpointID', input.consultationUrl);
  text(el(terms, 'cac:Language'), 'cbc:ID', lang);
  const answers = el(extension(el(lot, 'cac:TenderingProcess')), 'efac:AnswerReceptionPeriod');
  text(answers, 'cbc:EndDate', deadline.date);
  text(answers, 'cbc:EndTime', deadline.time);
  scope(el(lot, 'cac:ProcurementProject'), false, false);

  return {
    xml: root.end({ prettyPrint: true, wellFormed: true }),
    organisations: orgs.map(({ org, id }) => ({
      id,
      orgId: org.orgId,
      groupLead: groupLead && org.orgId === input.lead.orgId,
    })),
  };
}
