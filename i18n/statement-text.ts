import { intlLocale } from '../rules/locales.js';
import { unitNameFor } from '../rules/unit-names.js';
import { asLocale, formatEur, translatorFor } from './index.js';

/**
 * The joint statement's text as a person would write it, in the lead's language (issue 18,
 * "Words everywhere"): counts with their plural ("3 organisations", "one supplier"), countries
 * by name in a list ("Finland, Norway and Denmark"), CPV codes with their label in that language,
 * quantities with the unit's name ("9 pieces", "9 pièces", "9 Stück"), dates in words. It says
 * only what it is given: the caller passes the figures as the disclosure policy lets every reader
 * of the published statement see them (a withheld value is `null`).
 */
export interface StatementTextInput {
  title: string;
  description: string;
  buyers: number;
  /** ISO 3166-1 alpha-2 codes of the buyers' countries. */
  buyerCountries: readonly string[];
  /** EUR, or null when withheld. */
  totalValueEur: string | null;
  deliveryFromYear: number;
  deliveryToYear: number;
  /** YYYY-MM-DD */
  procurementStart: string;
  items: readonly StatementTextItem[];
  market: {
    responses: number;
    /** 0–1, as a decimal string or number. */
    smeShare: string | number;
    supplierCountries: readonly string[];
    questionsAnswered: number;
  };
  /** Amounts converted from other currencies, with the rate table. */
  conversion?: { currencies: readonly string[]; date: string; source: string } | undefined;
  centralPurchasingBody?: { name: string; country: string } | undefined;
}

export interface StatementTextItem {
  /** With its check digit, e.g. 43262100-8. */
  cpvCode: string;
  /** The CPV label in the text's language. */
  label: string;
  /** null when the figures of the item are withheld. */
  valueEur: string | null;
  quantities: readonly { totalQuantity: string; unit: string; unitName?: string | undefined }[];
}

const cache = new Map<string, { list: Intl.ListFormat; regions: Intl.DisplayNames; number: Intl.NumberFormat }>();

function formatsFor(locale: string) {
  let f = cache.get(locale);
  if (!f)
    cache.set(
      locale,
      (f = {
        list: new Intl.ListFormat(intlLocale(locale), { style: 'long', type: 'conjunction' }),
        regions: new Intl.DisplayNames([intlLocale(locale)], { type: 'region', fallback: 'code' }),
        number: new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 6 }),
      }),
    );
  return f;
}

/** Country names in the language, in the order of those names, as one list ("Finland and Norway"). */
export function countryList(codes: readonly string[], locale: string): string {
  const f = formatsFor(asLocale(locale));
  const names = [...new Set(codes.map((c) => c.trim().toUpperCase()).filter(Boolean))].map((c) => f.regions.of(c) ?? c);
  return f.list.format(names.sort((a, b) => a.localeCompare(b, locale)));
}

/** "9 pieces", "1 pièce", "120 Tonnen": the amount in the language's digits and the unit's name. */
export function quantityWords(amount: string, unit: string, locale: string, englishName?: string): string {
  const l = asLocale(locale);
  const name = unitNameFor(unit, amount, l, englishName);
  return `${formatsFor(l).number.format(amount as Intl.StringNumericLiteral)} ${name.text}`;
}

/**
 * "3 buyers" and "in 2 countries" (or "one buyer", "in one country"), for a sentence that says
 * where demand comes from ("from 3 buyers in 2 countries", "de 3 acheteurs dans 2 pays").
 */
export function buyersInCountries(
  buyers: number,
  countries: number,
  locale: string,
): { buyers: string; countries: string } {
  const t = translatorFor(asLocale(locale));
  return { buyers: t('words.buyers', { count: buyers }), countries: t('words.inCountries', { count: countries }) };
}

export function writeStatementText(input: StatementTextInput, locale: string): string {
  const l = asLocale(locale);
  const t = translatorFor(l);
  const f = formatsFor(l);
  const countries = [...new Set(input.buyerCountries.map((c) => c.trim().toUpperCase()))];
  const buyers = t('statementText.buyers', {
    count: input.buyers,
    countries: t('statementText.countries', { count: countries.length, list: countryList(countries, l) }),
  });
  const years =
    input.deliveryFromYear === input.deliveryToYear
      ? t('statementText.yearsOne', { year: String(input.deliveryFromYear) })
      : t('statementText.years', { from: String(input.deliveryFromYear), to: String(input.deliveryToYear) });
  const items = input.items
    .map((item) => {
      const named = { label: item.label, cpvCode: item.cpvCode };
      if (item.valueEur === null)
        return t('statementText.itemWithheld', { ...named, withheld: t('disclosure.withheldValue') });
      const value = formatEur(item.valueEur, l);
      if (item.quantities.length === 0) return t('statementText.itemValue', { ...named, value });
      const quantities = f.list.format(
        item.quantities.map((q) => quantityWords(q.totalQuantity, q.unit, l, q.unitName)),
      );
      return t('statementText.item', { ...named, quantities, value });
    })
    .join('\n');
  const m = input.market;
  const share = new Intl.NumberFormat(intlLocale(l), { style: 'percent', maximumFractionDigits: 0 }).format(
    Number(m.smeShare),
  );
  const market = [
    t('statementText.responses', { count: m.responses, countries: countryList(m.supplierCountries, l) }),
    ...(m.responses > 0 ? [t('statementText.smes', { share })] : []),
    t('statementText.questions', { count: m.questionsAnswered }),
  ].join(' ');
  const start = new Intl.DateTimeFormat(intlLocale(l), { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${input.procurementStart.slice(0, 10)}T00:00:00Z`),
  );
  const body = t('statementText.body', {
    title: input.title,
    description: input.description,
    buyers,
    value:
      input.totalValueEur === null
        ? t('statementText.valueWithheld')
        : t('statementText.value', { value: formatEur(input.totalValueEur, l) }),
    years,
    items,
    procurementStart: start,
    market,
  });
  const parts = [body];
  if (input.conversion && input.conversion.currencies.length > 0)
    parts.push(
      t('statementText.conversion', {
        currencies: f.list.format([...input.conversion.currencies].sort()),
        date: new Intl.DateTimeFormat(intlLocale(l), { dateStyle: 'long', timeZone: 'UTC' }).format(
          new Date(`${input.conversion.date.slice(0, 10)}T00:00:00Z`),
        ),
        source: input.conversion.source,
      }),
    );
  const cpb = input.centralPurchasingBody;
  if (cpb)
    parts.push(
      t('statementText.routeCentralPurchasingBody', {
        cpb: cpb.name,
        country: f.regions.of(cpb.country.trim()) ?? cpb.country,
      }),
    );
  return parts.join('\n\n');
}
