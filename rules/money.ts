/**
 * How a money figure is shown, everywhere: the API's figures, the web, the public documents, the
 * CSV exports, OCDS and e-mail. Written once, here in the shared rules, because the web (which
 * imports nothing of the server but these rules) computes a need line's value as the buyer types
 * and must show it by the same rule; domain/money.ts re-exports it for the server.
 *
 * The rule: to the cent, a half-way amount away from zero ("half-up", as Council Regulation (EC)
 * No 1103/97 Art. 5 rounds euro amounts). The exact value stays what the checks decide on; rounding
 * is for the eye only. One exception keeps a figure honest beside its verdict: when the figure is
 * shown next to a limit it is compared with (an EU threshold, a critical-mass minimum) and rounding
 * would carry it onto that limit although it stays below (5,403,999.995 against 5,404,000), the
 * exact value is shown instead, so the figure never reads as reaching a limit it does not reach;
 * and a difference is never shown as none when there is one.
 *
 * Pure string and BigInt arithmetic: no binary floating point, no dependency.
 */

/** A decimal number written with digits, an optional "." and an optional leading "-". */
const decimal = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  /** The value times 10^scale, signed. */
  units: bigint;
  scale: number;
}

function scaled(value: string): Scaled {
  const m = decimal.exec(value);
  if (!m) throw new TypeError(`Not a decimal number: ${JSON.stringify(value)}`);
  const fraction = m[3] ?? '';
  const units = BigInt(m[2]! + fraction);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

function atScale(v: Scaled, scale: number): bigint {
  return v.units * 10n ** BigInt(scale - v.scale);
}

/** Exact comparison of two decimal strings: -1, 0 or 1. */
export function compareAmounts(a: string, b: string): -1 | 0 | 1 {
  const x = scaled(a);
  const y = scaled(b);
  const scale = Math.max(x.scale, y.scale);
  const d = atScale(x, scale) - atScale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function write(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative && units !== 0n ? `-${whole}` : whole;
}

/** To the cent, a half-way amount away from zero, always with two decimals ("1.005" → "1.01", "216000" → "216000.00"). */
export function roundToCents(value: string): string {
  const v = scaled(value);
  if (v.scale <= 2) return write(atScale(v, 2), 2);
  const divisor = 10n ** BigInt(v.scale - 2);
  const magnitude = v.units < 0n ? -v.units : v.units;
  let cents = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) cents += 1n;
  return write(v.units < 0n ? -cents : cents, 2);
}

/** The exact value in plain notation, with at least two decimals and no trailing zero beyond them. */
function exactShown(value: string): string {
  const v = scaled(value);
  const s = write(v.units, Math.max(v.scale, 2));
  return s.replace(/(\.\d\d\d*?)0+$/, '$1');
}

/**
 * The amount as it is shown: `roundToCents(exact)`, unless beside one of `limits` (the thresholds
 * or minimums it is compared with, "equal to or greater than") the cents would reach the limit
 * while the exact value does not; then the exact value itself, with at least two decimals. Showing
 * a shown amount again beside the same limits changes nothing.
 */
export function shownAmount(exact: string, limits: readonly string[] = []): string {
  const cents = roundToCents(exact);
  for (const limit of limits) {
    if (compareAmounts(cents, limit) >= 0 !== compareAmounts(exact, limit) >= 0) return exactShown(exact);
  }
  return cents;
}

/**
 * A difference or gap as it is shown: to the cent, but never as none ("0.00") when there is one;
 * then exactly. A value half a cent short of a threshold is short by "0.01", one a tenth of a cent
 * short by "0.001".
 */
export function shownDifference(exact: string): string {
  const cents = roundToCents(exact);
  return compareAmounts(cents, '0') === 0 && compareAmounts(exact, '0') !== 0 ? exactShown(exact) : cents;
}

/** How many decimals a shown amount has, for a formatter that must print it as it is, never rounding again. */
export function shownDecimals(shown: string): number {
  return scaled(shown).scale;
}
