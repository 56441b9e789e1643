import { describe, expect, it } from 'vitest';

import { parseProcStat, perEmail, processorMeter } from '../bench/support/processor-meter.js';

describe("the benchmarks' processor meter (bench/support/processor-meter.ts)", () => {
  it('reads steal, busy time and the whole from the first line of /proc/stat', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    const text = 'cpu  4705 150 1120 16250 520 30 95 1200 0 0\ncpu0 2000 75 560 8125 260 15 47 600 0 0\n';
    expect(parseProcStat(text)).toEqual({
      steal: 1200,
      busy: 4705 + 150 + 1120 + 30 + 95,
      total: 4705 + 150 + 1120 + 16250 + 520 + 30 + 95 + 1200,
    });
  });

  it('gives nothing for a first line that is not the processor total or is cut short', () => {
    expect(parseProcStat('intr 1 2 3\n')).toBeUndefined();
    expect(parseProcStat('cpu  4705 150 1120\n')).toBeUndefined();
    expect(parseProcStat('cpu  a b c d e f g h\n')).toBeUndefined();
  });

  it('measures the processor this process burns, and PostgreSQL apart', () => {
    const metered = processorMeter();
    const before = process.cpuUsage();
    const until = performance.now() + 300;
    let spin = 0;
    while (performance.now() < until) spin += Math.sqrt(spin + 1);
    const own = process.cpuUsage(before);
    const used = metered();
    const ownSeconds = (own.user + own.system) / 1e6;
    expect(ownSeconds).toBeGreaterThan(0.1);
    // The whole machine's busy time holds this process's (counted in ticks of 10 ms; others may add to it).
    expect(used.busySeconds).toBeGreaterThanOrEqual(ownSeconds - 0.05);
    expect(used.postgresSeconds).toBeGreaterThanOrEqual(0);
    expect(used.steal).toBeGreaterThanOrEqual(0);
    expect(used.steal).toBeLessThanOrEqual(1);
  });

  it('prints processor per e-mail in milliseconds', () => {
    expect(perEmail(12.5, 10_000)).toBe('1.25 ms');
    expect(perEmail(undefined, 10_000)).toBe('n/a');
    expect(perEmail(1, 0)).toBe('n/a');
  });
});
