/** The countries of the platform, shared by the server's schemas and the web's lists. */

/** EU Member States (ISO 3166-1 alpha-2; Greece is GR here, not the EL used in some EU texts). */
export const euMemberStates = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const;
/** EEA states outside the EU take part in EU procurement rules through the EEA Agreement. */
export const eeaNonEuStates = ['IS', 'LI', 'NO'] as const;
export const participatingCountries = [...euMemberStates, ...eeaNonEuStates] as const;
