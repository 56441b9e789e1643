/**
 * The publication benchmark's baseline sender, in a process of its own as the worker it is
 * compared with runs in one (bench/publication.bench.ts): raw nodemailer, with the product's pooled
 * transport settings (`createSmtpMailer`), sends `count` messages, `inFlight` at a time (a sliding
 * window, no batch barrier), copies of a sample of the notices (subject, text, headers) to other
 * addresses, so both senders encode and the SMTP capture parses the same mail.
 *
 * `sendRaw` resolves with the wall-clock time (ms since the epoch) the child started sending, once
 * it has sent everything; the caller times the run to the last message its capture received.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RawSendPlan {
  smtpUrl: string;
  count: number;
  inFlight: number;
  /** Addresses are `raw-<run>-<n>@suppliers.example`. */
  run: string;
  sample: { subject: string; text: string; headers: Record<string, string> }[];
}

export async function sendRaw(plan: RawSendPlan): Promise<{ startedAt: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-raw-'));
  const planFile = path.join(dir, 'plan.json');
  const outFile = path.join(dir, 'result.json');
  writeFileSync(planFile, JSON.stringify(plan));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), planFile, outFile], {
      env: { ...process.env, BENCH_RAW_SENDER_MAIN: '1' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`the raw sender exited with ${code}: ${stderr.slice(-2000)}`);
    return JSON.parse(readFileSync(outFile, 'utf8')) as { startedAt: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(planFile: string, outFile: string) {
  const { createSmtpMailer } = await import('../../mail/mailer.js');
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as RawSendPlan;
  const mailer = createSmtpMailer(plan.smtpUrl, 'jointdemand bench <bench@jointdemand.localhost>');
  const startedAt = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < plan.count) {
      const i = next++;
      const m = plan.sample[i % plan.sample.length]!;
      await mailer.send({
        to: `raw-${plan.run}-${i}@suppliers.example`,
        subject: m.subject,
        text: m.text,
        messageId: `<raw-${plan.run}-${i}@bench>`,
        headers: m.headers,
      });
    }
  };
  await Promise.all(Array.from({ length: plan.inFlight }, lane));
  mailer.close();
  writeFileSync(outFile, JSON.stringify({ startedAt }));
}

if (process.env.BENCH_RAW_SENDER_MAIN === '1') {
  main(process.argv[2]!, process.argv[3]!).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
