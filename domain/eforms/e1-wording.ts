import type { Locale } from '../../rules/locales.js';
import type { E1NoticeInput, E1Organisation } from './e1-notice.js';

/**
 * The few sentences the E1 notice writes itself (the legislation text BT-01(f) and the additional
 * information BT-300), in each language a notice can be downloaded in, and the eForms codes for
 * languages and countries. Pure.
 */

/** eForms language codes (ISO 639-2/B, upper case, SDK list `eu-official-language`). */
const eformsLanguages: Record<Locale, string> = { en: 'ENG', fr: 'FRA', de: 'DEU' };

export function eformsLanguageOf(locale: Locale): string {
  return eformsLanguages[locale];
}

/** eForms country codes are ISO 3166-1 alpha-3; the platform's buyers are from the EU and the EEA. */
const alpha3: Readonly<Record<string, string>> = {
  AT: 'AUT',
  BE: 'BEL',
  BG: 'BGR',
  CY: 'CYP',
  CZ: 'CZE',
  DE: 'DEU',
  DK: 'DNK',
  EE: 'EST',
  ES: 'ESP',
  FI: 'FIN',
  FR: 'FRA',
  GR: 'GRC',
  HR: 'HRV',
  HU: 'HUN',
  IE: 'IRL',
  IT: 'ITA',
  LT: 'LTU',
  LU: 'LUX',
  LV: 'LVA',
  MT: 'MLT',
  NL: 'NLD',
  PL: 'POL',
  PT: 'PRT',
  RO: 'ROU',
  SE: 'SWE',
  SI: 'SVN',
  SK: 'SVK',
  IS: 'ISL',
  LI: 'LIE',
  NO: 'NOR',
};

export function alpha3Of(country: string): string | undefined {
  return alpha3[country.trim().toUpperCase()];
}

/** eForms limits BT-01(f) to 400 characters: the list of countries is left out when it would not fit. */
const legislationTextMax = 400;

type JointProcurement = E1NoticeInput['jointProcurement'];

export interface E1Wording {
  /** BT-01(f): which national law governs the joint procurement; null when one buyer procures alone. */
  applicableLaw(joint: JointProcurement, cpb: E1Organisation | null): string | null;
  /** BT-300: what the consultation is about and how to answer it. */
  additionalInformation(facts: {
    namedBuyers: number;
    unnamedBuyers: number;
    leadName: string;
    consultationUrl: string;
  }): string;
}

function countryNames(locale: Locale, codes: readonly string[]): string {
  const names = new Intl.DisplayNames([locale], { type: 'region' });
  return codes.map((c) => names.of(c.toUpperCase()) ?? c).join(', ');
}

function fit(withCountries: string, without: string): string {
  return withCountries.length <= legislationTextMax ? withCountries : without;
}

export const e1Wording: Record<Locale, E1Wording> = {
  en: {
    applicableLaw(joint, cpb) {
      if (joint?.route === 'central_purchasing_body' && joint.applicableLaw && cpb) {
        const state = countryNames('en', [joint.applicableLaw]);
        return `The procurement is to be carried out by a central purchasing body of ${state}; the national provisions of ${state} apply (Directive 2014/24/EU Art. 37, Art. 39(2)-(3)).`;
      }
      if (joint?.kind === 'cross-border') {
        const rest =
          'under Directive 2014/24/EU Art. 39. The applicable national law will be set in the agreement between the participating contracting authorities (Art. 39(4)).';
        return fit(
          `Joint procurement by contracting authorities from different countries (${countryNames('en', joint.countries)}) ${rest}`,
          `Joint procurement by contracting authorities from different countries ${rest}`,
        );
      }
      if (joint?.kind === 'occasional' && joint.countries.length === 1) {
        const state = countryNames('en', joint.countries);
        return `Occasional joint procurement by contracting authorities of ${state} (Directive 2014/24/EU Art. 38); the national law of ${state} applies.`;
      }
      return null;
    },
    additionalInformation({ namedBuyers, unnamedBuyers, leadName, consultationUrl }) {
      const total = namedBuyers + unnamedBuyers;
      return (
        `Preliminary market consultation (Directive 2014/24/EU Art. 40) on the joint demand of ${total} public buyer${total === 1 ? '' : 's'}, led by ${leadName}` +
        (unnamedBuyers > 0
          ? `; ${unnamedBuyers} of them ${unnamedBuyers === 1 ? 'is' : 'are'} not named at ${unnamedBuyers === 1 ? 'its' : 'their'} request.`
          : '.') +
        ` Answer the request for information at ${consultationUrl}`
      );
    },
  },
  fr: {
    applicableLaw(joint, cpb) {
      if (joint?.route === 'central_purchasing_body' && joint.applicableLaw && cpb) {
        const state = countryNames('fr', [joint.applicableLaw]);
        return `Le marché doit être passé par une centrale d’achat (pays : ${state}) ; les dispositions nationales de ce pays s’appliquent (directive 2014/24/UE, articles 37 et 39, paragraphes 2 et 3).`;
      }
      if (joint?.kind === 'cross-border') {
        const rest =
          'au titre de l’article 39 de la directive 2014/24/UE. Le droit national applicable sera fixé dans l’accord entre les pouvoirs adjudicateurs participants (article 39, paragraphe 4).';
        return fit(
          `Marché conjoint de pouvoirs adjudicateurs de différents pays (${countryNames('fr', joint.countries)}) ${rest}`,
          `Marché conjoint de pouvoirs adjudicateurs de différents pays ${rest}`,
        );
      }
      if (joint?.kind === 'occasional' && joint.countries.length === 1) {
        const state = countryNames('fr', joint.countries);
        return `Marché conjoint occasionnel de pouvoirs adjudicateurs d’un même pays (${state}) (directive 2014/24/UE, article 38) ; le droit national de ce pays s’applique.`;
      }
      return null;
    },
    additionalInformation({ namedBuyers, unnamedBuyers, leadName, consultationUrl }) {
      const total = namedBuyers + unnamedBuyers;
      return (
        `Consultation préalable du marché (directive 2014/24/UE, article 40) sur la demande conjointe de ${total} acheteur${total === 1 ? '' : 's'} public${total === 1 ? '' : 's'}, sous la conduite de ${leadName}` +
        (unnamedBuyers > 0
          ? ` ; ${unnamedBuyers} d’entre eux ${unnamedBuyers === 1 ? 'n’est pas nommé' : 'ne sont pas nommés'} à leur demande.`
          : '.') +
        ` Répondez à la demande d’informations sur ${consultationUrl}`
      );
    },
  },
  de: {
    applicableLaw(joint, cpb) {
      if (joint?.route === 'central_purchasing_body' && joint.applicableLaw && cpb) {
        const state = countryNames('de', [joint.applicableLaw]);
        return `Die Beschaffung soll von einer zentralen Beschaffungsstelle (Land: ${state}) durchgeführt werden; es gelten die nationalen Bestimmungen dieses Landes (Richtlinie 2014/24/EU, Artikel 37 und Artikel 39 Absätze 2 und 3).`;
      }
      if (joint?.kind === 'cross-border') {
        const rest =
          'nach Artikel 39 der Richtlinie 2014/24/EU. Das anwendbare nationale Recht wird in der Vereinbarung der beteiligten öffentlichen Auftraggeber festgelegt (Artikel 39 Absatz 4).';
        return fit(
          `Gemeinsame Beschaffung öffentlicher Auftraggeber aus verschiedenen Ländern (${countryNames('de', joint.countries)}) ${rest}`,
          `Gemeinsame Beschaffung öffentlicher Auftraggeber aus verschiedenen Ländern ${rest}`,
        );
      }
      if (joint?.kind === 'occasional' && joint.countries.length === 1) {
        const state = countryNames('de', joint.countries);
        return `Gelegentliche gemeinsame Beschaffung öffentlicher Auftraggeber desselben Landes (${state}) (Richtlinie 2014/24/EU, Artikel 38); es gilt das nationale Recht dieses Landes.`;
      }
      return null;
    },
    additionalInformation({ namedBuyers, unnamedBuyers, leadName, consultationUrl }) {
      const total = namedBuyers + unnamedBuyers;
      return (
        `Vorherige Marktkonsultation (Richtlinie 2014/24/EU, Artikel 40) zum gemeinsamen Bedarf von ${total} öffentlichen Auftraggeber${total === 1 ? '' : 'n'} unter Federführung von ${leadName}` +
        (unnamedBuyers > 0
          ? `; ${unnamedBuyers} davon ${unnamedBuyers === 1 ? 'wird' : 'werden'} auf eigenen Wunsch nicht genannt.`
          : '.') +
        ` Antworten auf die Informationsanfrage unter ${consultationUrl}`
      );
    },
  },
};
