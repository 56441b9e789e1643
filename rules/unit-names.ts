import { foldForSearch } from './search-text.js';

/**
 * Names of the UN/CEFACT Recommendation 20 units the platform offers and its pilots use, in the
 * interface's languages, singular and plural, so "9 H87" reads "9 pieces", "9 pièces", "9 Stück".
 * Rec 20 itself names its units in English only: a unit not listed here is shown by its English
 * name from the list (marked as English) or, failing that, its code.
 */
type Forms = { one: string; other: string };
type Names = { en: Forms; fr: Forms; de: Forms };

const f = (one: string, other: string = one): Forms => ({ one, other });

export const unitNames: Readonly<Record<string, Names>> = {
  H87: { en: f('piece', 'pieces'), fr: f('pièce', 'pièces'), de: f('Stück') },
  C62: { en: f('unit', 'units'), fr: f('unité', 'unités'), de: f('Einheit', 'Einheiten') },
  EA: { en: f('each'), fr: f('unité', 'unités'), de: f('Stück') },
  SET: { en: f('set', 'sets'), fr: f('ensemble', 'ensembles'), de: f('Satz', 'Sätze') },
  PR: { en: f('pair', 'pairs'), fr: f('paire', 'paires'), de: f('Paar', 'Paare') },
  KGM: { en: f('kilogram', 'kilograms'), fr: f('kilogramme', 'kilogrammes'), de: f('Kilogramm') },
  TNE: { en: f('tonne', 'tonnes'), fr: f('tonne', 'tonnes'), de: f('Tonne', 'Tonnen') },
  LTR: { en: f('litre', 'litres'), fr: f('litre', 'litres'), de: f('Liter') },
  MTR: { en: f('metre', 'metres'), fr: f('mètre', 'mètres'), de: f('Meter') },
  KMT: { en: f('kilometre', 'kilometres'), fr: f('kilomètre', 'kilomètres'), de: f('Kilometer') },
  MTK: { en: f('square metre', 'square metres'), fr: f('mètre carré', 'mètres carrés'), de: f('Quadratmeter') },
  MTQ: { en: f('cubic metre', 'cubic metres'), fr: f('mètre cube', 'mètres cubes'), de: f('Kubikmeter') },
  KWH: {
    en: f('kilowatt hour', 'kilowatt hours'),
    fr: f('kilowattheure', 'kilowattheures'),
    de: f('Kilowattstunde', 'Kilowattstunden'),
  },
  MWH: {
    en: f('megawatt hour', 'megawatt hours'),
    fr: f('mégawattheure', 'mégawattheures'),
    de: f('Megawattstunde', 'Megawattstunden'),
  },
  HUR: { en: f('hour', 'hours'), fr: f('heure', 'heures'), de: f('Stunde', 'Stunden') },
  DAY: { en: f('day', 'days'), fr: f('jour', 'jours'), de: f('Tag', 'Tage') },
  MON: { en: f('month', 'months'), fr: f('mois'), de: f('Monat', 'Monate') },
  ANN: { en: f('year', 'years'), fr: f('an', 'ans'), de: f('Jahr', 'Jahre') },
  E48: {
    en: f('service unit', 'service units'),
    fr: f('unité de service', 'unités de service'),
    de: f('Serviceeinheit', 'Serviceeinheiten'),
  },
  LS: { en: f('lump sum', 'lump sums'), fr: f('forfait', 'forfaits'), de: f('Pauschale', 'Pauschalen') },
};

const pluralRules = new Map<string, Intl.PluralRules>();

/**
 * The codes of the units whose name in English, French or German (singular or plural) starts
 * with the words typed, accents and case aside: "pièce" and "Stück" find H87, "tonnes" TNE.
 * Whole names first.
 */
export function unitCodesNamed(query: string): string[] {
  const q = foldForSearch(query);
  if (q === '') return [];
  const exact: string[] = [];
  const starts: string[] = [];
  for (const [code, names] of Object.entries(unitNames)) {
    const forms = [names.en, names.fr, names.de].flatMap((f) => [f.one, f.other]).map(foldForSearch);
    if (forms.includes(q)) exact.push(code);
    else if (forms.some((f) => f.startsWith(q))) starts.push(code);
  }
  return [...exact, ...starts];
}

/** "one" or "other" for an amount written as a decimal string, in the language's rules. */
function pluralOf(amount: string | number, locale: string): 'one' | 'other' {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(Number(amount)) === 'one' ? 'one' : 'other';
}

/**
 * The unit's name for that amount in the language, with the language it is in: the platform's
 * own name where it has one, else `englishName` (Rec 20's) marked `en`, else the code (no language).
 */
export function unitNameFor(
  code: string,
  amount: string | number,
  locale: string,
  englishName?: string,
): { text: string; lang: string | undefined } {
  const names = unitNames[code.trim().toUpperCase()];
  const lang = locale === 'fr' || locale === 'de' ? locale : 'en';
  if (names) return { text: names[lang][pluralOf(amount, lang)], lang };
  if (englishName) return { text: englishName, lang: 'en' };
  return { text: code, lang: undefined };
}
