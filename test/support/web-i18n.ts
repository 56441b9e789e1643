import i18next, { type TFunction } from 'i18next';
import type { Page } from 'playwright-core';

import de from '../../web/src/i18n/de.json' with { type: 'json' };
import en from '../../web/src/i18n/en.json' with { type: 'json' };
import fr from '../../web/src/i18n/fr.json' with { type: 'json' };

/**
 * The web application's own message catalogues, for browser tests: find controls by the text a
 * person of that language reads (so a test in French proves the French labels are there), and
 * check a page shows no English-only string and no raw message key.
 */
export type WebLocale = 'en' | 'fr' | 'de';
type Tree = { [key: string]: string | Tree };
const catalogues = { en, fr, de } as unknown as Record<WebLocale, Tree>;

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: Object.fromEntries(Object.entries(catalogues).map(([l, c]) => [l, { translation: c }])),
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The translator the web application uses, for one language. */
export function webT(locale: WebLocale): TFunction {
  return instance.getFixedT(locale);
}

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

/** Message keys as they could leak into a page: `needs.lines.add`, without plural suffixes too. */
const keys = new Set(
  [...flatten(catalogues.en).keys()].flatMap((k) => [k, k.replace(/_(zero|one|two|few|many|other)$/, '')]),
);

/** What the English catalogue says that `locale`'s does not: whole texts, and long fragments between placeholders. */
function englishOnly(locale: WebLocale): { whole: Set<string>; fragments: string[] } {
  const english = flatten(catalogues.en);
  const other = flatten(catalogues[locale]);
  const otherValues = new Set(other.values());
  const whole = new Set<string>();
  const fragments = new Set<string>();
  for (const [key, value] of english) {
    if (other.get(key) === value || otherValues.has(value)) continue;
    if (!value.includes('{{')) whole.add(value.trim());
    for (const part of value.split(/\{\{[^}]*\}\}/)) {
      const fragment = part.trim().replace(/^[\s,.:;()–—-]+|[\s,.:;()–—-]+$/g, '');
      if (fragment.length >= 18 && fragment.includes(' ')) fragments.add(fragment);
    }
  }
  return { whole, fragments: [...fragments] };
}

/**
 * Fails when the page shows text that is not in `locale`: an English-only catalogue string
 * (whole, or a long piece of one), or a raw message key. Content marked with another language
 * (`lang="en"`: the official English CPV labels, the server's English details; the language
 * menu naming each language in itself) is what it says it is, and is left out; so are names
 * (`translate="no"`: an organisation called "Buyer" is a name in every language).
 */
export async function expectNoUntranslatedText(page: Page, locale: WebLocale, label: string): Promise<void> {
  if (locale === 'en') return;
  const texts = (await page.evaluate(`(() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('script, style, [lang]:not([lang="${locale}"]), [translate="no"]').forEach((e) => e.remove());
    const walker = document.createTreeWalker(clone, NodeFilter.SHOW_TEXT);
    const out = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) { const s = n.textContent.trim(); if (s) out.push(s); }
    const attrs = [];
    clone.querySelectorAll('[aria-label], [placeholder], [title], [alt]').forEach((e) => {
      for (const a of ['aria-label', 'placeholder', 'title', 'alt']) { const v = e.getAttribute(a); if (v) attrs.push(v.trim()); }
    });
    return { nodes: out, attrs, all: clone.textContent + ' ' + attrs.join(' ') };
  })()`)) as { nodes: string[]; attrs: string[]; all: string };
  const { whole, fragments } = englishOnly(locale);
  const problems: string[] = [];
  for (const s of [...texts.nodes, ...texts.attrs]) if (whole.has(s)) problems.push(`English text: "${s}"`);
  const text = texts.all.replace(/\s+/g, ' ');
  for (const f of fragments) if (text.includes(f)) problems.push(`English fragment: "${f}"`);
  for (const m of text.matchAll(/\b[a-z][A-Za-z]*(?:\.[A-Za-z_-]+)+\b/g))
    if (keys.has(m[0])) problems.push(`raw message key: "${m[0]}"`);
  if (problems.length > 0)
    throw new Error(
      `Untranslated text on "${label}" (${page.url()}) in ${locale}:\n  ${[...new Set(problems)].join('\n  ')}`,
    );
}
