import { describe, expect, it } from 'vitest';

import de from './de.json';
import en from './en.json';
import fr from './fr.json';

/**
 * Issue 19: "Norway is called a 'Member State'." Buyers come from EU and EEA countries (Norway,
 * Iceland and Liechtenstein are EEA, not EU Member States), so a text that names a buyer's or a
 * central purchasing body's country ({{country}}, {{countries}}) says "country", never "Member
 * State". The words stay only where a text gives the Directive's own terms, citing its article.
 */
type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const full = prefix ? `${prefix}.${key}` : key;
    return typeof value === 'string' ? [[full, value] as [string, string]] : flatten(value, full);
  });
}

const memberState = /Member States?|[ÉE]tats? membres?|Mitgliedstaat/i;
const catalogues = { en, fr, de } as const;

describe.each(Object.keys(catalogues) as (keyof typeof catalogues)[])('EEA wording (%s)', (locale) => {
  const texts = flatten(catalogues[locale] as Tree);

  it('never calls a named buyer’s country a Member State', () => {
    const wrong = texts.filter(([, text]) => /\{\{\s*countr(y|ies)\b/.test(text) && memberState.test(text));
    expect(wrong).toEqual([]);
  });

  it('says "Member State" only in the joint procurement agreement’s terms (Directive 2014/24/EU, Articles 38 and 39)', () => {
    const wrong = texts.filter(([key, text]) => memberState.test(text) && !key.startsWith('agreement.'));
    expect(wrong).toEqual([]);
  });

  it('names the countries of a cross-border procurement as EU or EEA countries (Oslo and Helsinki)', () => {
    const kinds = (catalogues[locale] as unknown as { aggregate: { crossBorder: { kind: Record<string, string> } } })
      .aggregate.crossBorder.kind;
    const text = (kinds['cross-border'] ?? '').replace('{{countries}}', 'Norway, Finland');
    expect(text).toMatch(
      { en: /EU or EEA countries/, fr: /pays de l’UE ou de l’EEE/, de: /Ländern der EU oder des EWR/ }[locale],
    );
  });
});
