/**
 * ISO 4217 codes of currencies in circulation (list one, as amended up to 2025). Fund codes
 * (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW), precious metals (XAU, XAG, XPD, XPT), SDR and
 * unit-of-account codes (XDR, XSU, XUA, XBA-XBD) and the test and no-currency codes (XTS, XXX)
 * are left out on purpose: nobody estimates a public purchase in them, so accepting them would
 * only let typos through. Withdrawn codes (HRK, ANG, SLL, ZWL, CUC, ...) are left out too.
 * Shared: the server accepts these (domain/currency.ts), the web offers the common ones first.
 */
export const currencyCodes = [
  'AED', 'AFN', 'ALL', 'AMD', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT',
  // Bulgaria joined the euro area on 1 January 2026; BGN stays for estimates made in leva before.
  'BGN',
  'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP',
  'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD',
  'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS',
  'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD',
  'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU',
  'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN',
  'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK',
  'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND', 'TOP',
  'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS', 'VED', 'VES', 'VND', 'VUV', 'WST', 'XAF',
  'XCD', 'XCG', 'XOF', 'XPF', 'YER', 'ZAR', 'ZMW', 'ZWG',
] as const;

export type CurrencyCode = (typeof currencyCodes)[number];

/** Currencies of EU Member States outside the euro area, and of Norway, Iceland and Liechtenstein (EEA). */
export const euNonEuroCurrencies = ['CZK', 'DKK', 'HUF', 'PLN', 'RON', 'SEK'] as const satisfies readonly CurrencyCode[];
export const eeaNonEuCurrencies = ['NOK', 'ISK', 'CHF'] as const satisfies readonly CurrencyCode[];

/** The currencies a form offers first: EUR, BGN (estimates made in leva before 2026), then the EU and EEA currencies outside the euro. */
export const commonCurrencies = ['EUR', 'BGN', ...euNonEuroCurrencies, ...eeaNonEuCurrencies] as const satisfies readonly CurrencyCode[];
