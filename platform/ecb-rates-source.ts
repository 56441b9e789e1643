import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import { DomainError } from '../domain/errors.js';

/** Where a rate import reads from: an ECB file on disk, or a URL (the ECB's, or a mirror). */
export type EcbRatesLocation = { file: string } | { url: string };

/**
 * The rates could not be fetched (the network, the server): worth trying again later, unlike a
 * file that is not ECB rates (a DomainError), so the schedule's activity retries it.
 */
export class RatesSourceUnavailable extends Error {
  constructor(
    message: string,
    readonly problems: { field: string; rule: string }[],
  ) {
    super(message);
    this.name = 'RatesSourceUnavailable';
  }
}

/** How long a fetch of the rates may take before the import gives up (the ECB answers in well under a second). */
const fetchTimeoutMs = 30_000;

/**
 * Reads an ECB reference-rate file (XML or CSV) from disk or over HTTP(S), with the name to
 * record as its source. A failure is a DomainError naming the file or URL and what went wrong,
 * never a stack trace: the command prints it and the schedule's activity retries it.
 */
export async function readEcbRates(location: EcbRatesLocation): Promise<{ text: string; where: string }> {
  if ('file' in location) {
    try {
      return { text: await readFile(location.file, 'utf8'), where: `file ${basename(location.file)}` };
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new DomainError('invalid_input', `Cannot read ${location.file}: ${reason}`, [
        { field: 'file', rule: `must be a readable file (${reason})` },
      ]);
    }
  }
  let response: Response;
  try {
    response = await fetch(location.url, {
      signal: AbortSignal.timeout(fetchTimeoutMs),
      headers: { accept: 'application/xml, text/xml, text/csv;q=0.9, */*;q=0.1' },
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new RatesSourceUnavailable(`Cannot fetch ${location.url}: ${reason}`, [
      { field: 'url', rule: `must answer (${reason})` },
    ]);
  }
  if (!response.ok) {
    throw new RatesSourceUnavailable(`${location.url} answered ${response.status} ${response.statusText}`, [
      { field: 'url', rule: `must answer 200 with the rates, not ${response.status}` },
    ]);
  }
  return { text: await response.text(), where: location.url };
}
