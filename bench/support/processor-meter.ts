import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports processor time in ticks of 1/100 s (USER_HZ) in /proc, whatever the kernel's own rate. */
const ticksPerSecond = 100;

/**
 * The first line of /proc/stat (all cores, in ticks since boot): the time the hypervisor gave to
 * other guests (steal), the time spent running anything on this machine (user, nice, system, irq,
 * softirq: not idle, not waiting for a disk, not stolen) and the sum of every field.
 */
export function parseProcStat(text: string): { steal: number; busy: number; total: number } | undefined {
  const line = text.split('\n')[0]?.trim().split(/\s+/);
  if (line?.[0] !== 'cpu') return undefined;
  const fields = line.slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = fields as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { steal, busy: user + nice + system + irq + softirq, total: fields.reduce((sum, n) => sum + n, 0) };
}

/** Processor ticks used by PostgreSQL's processes (comm `postgres`) that run now: its server, backends and helpers. */
function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return ticks;
}

function readCounters() {
  try {
    const stat = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    return stat ? { ...stat, postgres: postgresTicks() } : undefined;
  } catch {
    return undefined;
  }
}

/** What the processor did while a meter ran; undefined where /proc has no such figure. */
export interface ProcessorUse {
  /** Share of the processor the hypervisor gave to other guests ("steal"). */
  steal: number | undefined;
  /** Processor time used on this machine, all processes and cores (seconds). */
  busySeconds: number | undefined;
  /** Of it, PostgreSQL's processes (seconds; a backend that ended meanwhile is not counted). */
  postgresSeconds: number | undefined;
}

/**
 * Starts measuring the processor; the returned function gives its use since.
 *
 * Steal: on a shared virtual machine it reached 40 % for seconds at a time (vmstat) and moved a
 * fan-out's ratio to its baseline from 0.38× to 1.89× between rounds of unchanged code: a ratio is
 * only worth its steal. Busy time: divided by the e-mails sent, the processor a sender costs the
 * whole machine per e-mail (sender, SMTP capture, PostgreSQL, Temporal), which scheduling noise
 * moves far less than a rate does: on two cores the fan-out and its baseline both leave about a
 * third of a core idle, so their rates stand in about the ratio of their processor per e-mail.
 */
export function processorMeter(): () => ProcessorUse {
  const start = readCounters();
  return () => {
    const end = readCounters();
    if (!start || !end || end.total <= start.total)
      return { steal: undefined, busySeconds: undefined, postgresSeconds: undefined };
    return {
      steal: (end.steal - start.steal) / (end.total - start.total),
      busySeconds: (end.busy - start.busy) / ticksPerSecond,
      postgresSeconds: Math.max(0, end.postgres - start.postgres) / ticksPerSecond,
    };
  };
}

export const stealPercent = (share: number | undefined): string =>
  share === undefined ? 'n/a' : `${(share * 100).toFixed(0)} %`;

/** Processor per e-mail in milliseconds, or n/a. */
export const perEmail = (seconds: number | undefined, emails: number): string =>
  seconds === undefined || emails <= 0 ? 'n/a' : `${((seconds * 1000) / emails).toFixed(2)} ms`;
