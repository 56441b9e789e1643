/** A timestamp as the views show it: ISO 8601 in UTC, null kept. */
export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
