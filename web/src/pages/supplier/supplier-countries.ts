import { participatingCountries } from '@jointdemand/rules/countries';

/** Region codes the CLDR names but that are not countries a company is registered in. */
const notCountries = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The countries a supplier may be registered in, for a choice by name: every ISO 3166-1 alpha-2
 * code the browser can name (suppliers come from anywhere; the API takes any such code), the
 * EU and EEA countries first, since the buyers are there. `nameOf` returns undefined for a code it
 * cannot name (`Intl.DisplayNames` with `fallback: 'none'`), which leaves out unassigned and
 * private-use codes.
 */
export function supplierCountryChoices(
  nameOf: (code: string) => string | undefined,
  locale: string,
): { participating: { code: string; name: string }[]; others: { code: string; name: string }[] } {
  const collator = new Intl.Collator(locale);
  const named = (codes: readonly string[]) =>
    codes
      .flatMap((code) => {
        const name = nameOf(code);
        return name && name !== code ? [{ code, name }] : [];
      })
      .sort((a, b) => collator.compare(a.name, b.name));
  const eea = new Set<string>(participatingCountries);
  const all = [...letters].flatMap((a) => [...letters].map((b) => a + b));
  return {
    participating: named(participatingCountries),
    others: named(all.filter((c) => !eea.has(c) && !notCountries.has(c))),
  };
}
