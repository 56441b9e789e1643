import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { DomainError, type FieldProblem } from './errors.js';
import { type ExchangeRateTable, exchangeRateTableSchema } from './money.js';

/**
 * The euro foreign exchange reference rates of the European Central Bank, in the formats it
 * publishes them (https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/):
 *
 * - `eurofxref-daily.xml` and `eurofxref-hist.xml` (and `-hist-90d`): a gesmes envelope holding
 *   `<Cube><Cube time="YYYY-MM-DD"><Cube currency="USD" rate="1.1642"/>…</Cube>…</Cube>`;
 * - `eurofxref.csv`: a header `Date, USD, JPY, …,` and one row dated `04 December 2026`;
 * - `eurofxref-hist.csv`: the same header and one row per day dated `2026-12-04`, `N/A` where a
 *   currency had no rate that day, each line ending with a comma.
 *
 * Rates are units of the currency per 1 EUR, as the rate tables hold them, and are kept as the
 * decimal strings the ECB wrote (never through a binary float). Pure: the caller reads the file
 * or the URL. Every problem names the line (CSV) or the element (XML) it is in.
 */

/** The ECB's URL of the latest day's rates, the default of ECB_RATES_URL. */
export const ecbDailyRatesUrl = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml';

/** What a table imported from the ECB names as its source (at most 200 characters, as every source). */
export function ecbSource(where: string): string {
  const prefix = 'European Central Bank euro reference rates, ';
  const room = 200 - prefix.length;
  return prefix + (where.length > room ? `…${where.slice(where.length - room + 1)}` : where);
}

export type EcbFormat = 'xml' | 'csv';

export interface ParsedEcbRates {
  format: EcbFormat;
  /** One table per day, oldest first. */
  tables: ExchangeRateTable[];
}

const rateRule = 'must be a positive decimal number written with digits and an optional "." (e.g. 11.8025)';
const ratePattern = /^\d{1,15}(\.\d{1,10})?$/;
const currencyPattern = /^[A-Z]{3}$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

function refuse(message: string, problems: FieldProblem[]): never {
  throw new DomainError('invalid_input', message, problems);
}

function validDate(text: string): boolean {
  if (!datePattern.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

function validRate(text: string): boolean {
  return ratePattern.test(text) && /[1-9]/.test(text);
}

/** Parses an ECB reference-rate file, XML or CSV (told apart by its first character). */
export function parseEcbRates(content: string, source: string): ParsedEcbRates {
  const text = content.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.length === 0) refuse('The file is empty', [{ field: 'file', rule: 'must hold ECB reference rates' }]);
  if (start.startsWith('PK')) {
    refuse('The file is a ZIP archive', [
      { field: 'file', rule: 'must be the XML or CSV file itself (unzip eurofxref.zip or eurofxref-hist.zip first)' },
    ]);
  }
  return start.startsWith('<')
    ? { format: 'xml', tables: parseEcbXml(text, source) }
    : { format: 'csv', tables: parseEcbCsv(text, source) };
}

function finish(days: Map<string, Record<string, string>>, source: string, where: (date: string) => string) {
  if (days.size === 0)
    refuse('The file holds no exchange rates', [{ field: 'file', rule: 'must hold at least one day of rates' }]);
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, rates]) => {
      const parsed = exchangeRateTableSchema.safeParse({ date, source, rates });
      if (!parsed.success) {
        refuse(`The rates of ${date} are not a valid rate table`, [
          ...parsed.error.issues.map((i) => ({
            field: `${where(date)}${i.path.length ? ` ${i.path.join('.')}` : ''}`,
            rule: i.message,
          })),
        ]);
      }
      return parsed.data;
    });
}

type XmlNode = Record<string, unknown>;

const asNodes = (value: unknown): XmlNode[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is XmlNode => typeof v === 'object' && v !== null,
  );

function parseEcbXml(text: string, source: string): ExchangeRateTable[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    refuse(`The XML is not well-formed: ${valid.err.msg}`, [
      { field: `line ${valid.err.line}, column ${valid.err.col}`, rule: `must be well-formed XML (${valid.err.msg})` },
    ]);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: false,
    isArray: (name) => name === 'Cube',
  });
  const doc = parser.parse(text) as XmlNode;
  const envelope = asNodes(doc.Envelope)[0];
  if (!envelope) {
    refuse('The XML is not an ECB reference-rate file', [
      { field: 'Envelope', rule: 'must be the gesmes:Envelope the ECB publishes its reference rates in' },
    ]);
  }
  const outer = asNodes(envelope.Cube);
  if (outer.length !== 1) {
    refuse('The XML holds no rates', [{ field: 'Envelope/Cube', rule: 'must hold one Cube with a Cube per day' }]);
  }
  const days = new Map<string, Record<string, string>>();
  asNodes(outer[0]!.Cube).forEach((day, d) => {
    const time = day['@time'];
    const at = `Envelope/Cube/Cube[${d + 1}]`;
    if (typeof time !== 'string' || !validDate(time)) {
      refuse(`Day ${d + 1} of the XML has no valid date`, [
        { field: `${at} @time`, rule: `must be a date (YYYY-MM-DD), not ${JSON.stringify(time ?? null)}` },
      ]);
    }
    if (days.has(time)) refuse(`${time} appears twice`, [{ field: `${at} @time`, rule: 'each day appears once' }]);
    const rates: Record<string, string> = {};
    asNodes(day.Cube).forEach((entry, i) => {
      const currency = entry['@currency'];
      const rate = entry['@rate'];
      const here = `Cube[@time='${time}']/Cube[${i + 1}]`;
      if (typeof currency !== 'string' || !currencyPattern.test(currency)) {
        refuse(`A rate of ${time} names no currency`, [
          { field: `${here} @currency`, rule: `must be an ISO 4217 code, not ${JSON.stringify(currency ?? null)}` },
        ]);
      }
      const at2 = `Cube[@time='${time}']/Cube[@currency='${currency}']`;
      if (Object.hasOwn(rates, currency))
        refuse(`${currency} appears twice on ${time}`, [{ field: at2, rule: 'each currency appears once a day' }]);
      if (typeof rate !== 'string' || !validRate(rate)) {
        refuse(`The rate of ${currency} on ${time} is not a number`, [
          { field: `${at2} @rate`, rule: `${rateRule}, not ${JSON.stringify(rate ?? null)}` },
        ]);
      }
      rates[currency] = rate;
    });
    days.set(time, rates);
  });
  return finish(days, source, (date) => `Cube[@time='${date}']`);
}

const months = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** `2026-12-04` (historical file) or `04 December 2026` (daily file), as YYYY-MM-DD; undefined if neither. */
function csvDate(text: string): string | undefined {
  if (validDate(text)) return text;
  const m = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(text);
  if (!m) return undefined;
  const month = months.indexOf(m[2]!.toLowerCase());
  if (month < 0) return undefined;
  const iso = `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  return validDate(iso) ? iso : undefined;
}

/** The fields of a CSV line, trimmed, without the empty one after the ECB's trailing comma. */
function fields(line: string): string[] {
  const cells = line.split(',').map((c) => c.trim());
  if (cells.length > 1 && cells.at(-1) === '') cells.pop();
  return cells;
}

function parseEcbCsv(text: string, source: string): ExchangeRateTable[] {
  const lines = text.split(/\r?\n/);
  const header = fields(lines[0] ?? '');
  if (header[0] !== 'Date' || header.length < 2) {
    refuse('The CSV is not an ECB reference-rate file', [
      { field: 'line 1', rule: 'must be the header "Date, USD, JPY, …" of eurofxref.csv or eurofxref-hist.csv' },
    ]);
  }
  const currencies = header.slice(1);
  currencies.forEach((c, i) => {
    if (!currencyPattern.test(c)) {
      refuse(`Column ${i + 2} of the header is not a currency`, [
        { field: `line 1, column ${i + 2}`, rule: `must be an ISO 4217 code, not ${JSON.stringify(c)}` },
      ]);
    }
    if (currencies.indexOf(c) !== i)
      refuse(`${c} appears twice in the header`, [
        { field: `line 1, column ${i + 2}`, rule: 'each currency appears once' },
      ]);
  });
  const days = new Map<string, Record<string, string>>();
  const lineOf = new Map<string, number>();
  lines.slice(1).forEach((line, index) => {
    const n = index + 2;
    if (line.trim() === '') return;
    const cells = fields(line);
    if (cells.length !== header.length) {
      refuse(`Line ${n} has ${cells.length} fields, the header ${header.length}`, [
        { field: `line ${n}`, rule: `must have a date and one field per currency of the header (${header.length})` },
      ]);
    }
    const date = csvDate(cells[0]!);
    if (!date) {
      refuse(`Line ${n} has no valid date`, [
        {
          field: `line ${n}, Date`,
          rule: `must be a date (2026-12-04 or 04 December 2026), not ${JSON.stringify(cells[0])}`,
        },
      ]);
    }
    if (days.has(date))
      refuse(`${date} appears twice`, [
        { field: `line ${n}, Date`, rule: `each day appears once (also on line ${lineOf.get(date)})` },
      ]);
    const rates: Record<string, string> = {};
    cells.slice(1).forEach((cell, i) => {
      // The historical file writes N/A (or leaves empty) where a currency had no rate that day.
      if (cell === 'N/A' || cell === '') return;
      if (!validRate(cell)) {
        refuse(`The rate of ${currencies[i]} on line ${n} is not a number`, [
          { field: `line ${n}, ${currencies[i]}`, rule: `${rateRule}, not ${JSON.stringify(cell)}` },
        ]);
      }
      rates[currencies[i]!] = cell;
    });
    days.set(date, rates);
    lineOf.set(date, n);
  });
  return finish(days, source, (date) => `line ${lineOf.get(date)}`);
}
