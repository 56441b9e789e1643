/**
 * CPV codes as people type them: 8 digits, with or without the dash and check digit
 * (45000000-7 or 45000000). The server keys on the 8 digits and checks the division.
 */
export const cpvInputPattern = /^\d{8}(-\d)?$/;

export function normaliseCpvInput(value: string): string {
  return value.trim().replace(/\s+/g, '');
}

/** Stored codes are the 8 digits. */
export function formatCpv(code: string): string {
  return code;
}
