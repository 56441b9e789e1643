import { z } from 'zod';

/**
 * Page cursors of the keyset-paged lists (the dashboard's pilots, the needs overview's
 * participants): opaque to clients, base64url of the JSON array of the last row's sort keys.
 */
export function encodePageCursor(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `cursor` query parameter of a paged list: a `nextCursor` it returned, read back by `read`
 * (which answers undefined for keys it does not accept), or a 400 naming the parameter.
 */
export function pageCursorSchema<T>(list: string, read: (keys: readonly string[]) => T | undefined) {
  const message = `must be a nextCursor ${list} returned`;
  return z
    .string()
    .max(2000, { error: message })
    .transform((value, ctx) => {
      const cursor = decode(value, read);
      if (cursor !== undefined) return cursor;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    })
    .meta({ description: 'Where the page starts: the `nextCursor` of the previous page (absent for the first page)' });
}

function decode<T>(value: string, read: (keys: readonly string[]) => T | undefined): T | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || !parsed.every((k) => typeof k === 'string')) return undefined;
    return read(parsed as string[]);
  } catch {
    return undefined;
  }
}
