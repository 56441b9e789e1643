/** The 24 official languages of the EU, in which CPV 2008 has a label for every code (ISO 639-1). */
export const euLanguages = [
  'bg',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'es',
  'et',
  'fi',
  'fr',
  'ga',
  'hr',
  'hu',
  'it',
  'lt',
  'lv',
  'mt',
  'nl',
  'pl',
  'pt',
  'ro',
  'sk',
  'sl',
  'sv',
] as const;
export type EuLanguage = (typeof euLanguages)[number];

export function isEuLanguage(value: unknown): value is EuLanguage {
  return typeof value === 'string' && (euLanguages as readonly string[]).includes(value);
}
