/**
 * How far off a deadline is, for the "what is due" page: the larger unit through
 * `Intl.RelativeTimeFormat` in the viewer's language ("in 3 days"), then the next smaller unit
 * ("4 hours"): "in 3 days 4 hours". A deadline that passed gives the time since, as units
 * ("2 hours"), for the page to say "overdue by 2 hours" in its own words.
 */
export interface Countdown {
  overdue: boolean;
  /** Future: "in 3 days 4 hours"; overdue: "2 hours" (the caller words it). */
  text: string;
}

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

type Unit = 'day' | 'hour' | 'minute';

function split(ms: number): [Unit, number, Unit | null, number] {
  if (ms >= day) return ['day', Math.floor(ms / day), 'hour', Math.floor((ms % day) / hour)];
  if (ms >= hour) return ['hour', Math.floor(ms / hour), 'minute', Math.floor((ms % hour) / minute)];
  return ['minute', Math.max(1, Math.floor(ms / minute)), null, 0];
}

const units = (locale: string, unit: Unit, value: number) =>
  new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);

export function countdown(deadline: number, now: number, locale: string): Countdown {
  const overdue = deadline <= now;
  const [big, bigValue, small, smallValue] = split(Math.abs(deadline - now));
  const rest = small && smallValue > 0 ? units(locale, small, smallValue) : '';
  if (overdue) {
    const parts = [units(locale, big, bigValue), ...(rest ? [rest] : [])];
    return { overdue, text: new Intl.ListFormat(locale, { type: 'unit', style: 'long' }).format(parts) };
  }
  const lead = new Intl.RelativeTimeFormat(locale, { numeric: 'always' }).format(bigValue, big);
  return { overdue, text: rest ? `${lead} ${rest}` : lead };
}
