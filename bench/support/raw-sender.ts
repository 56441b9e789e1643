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
import { childMain, runInChildProcess } from './child-process-run.js';

export interface RawSendPlan {
  smtpUrl: string;
  count: number;
  inFlight: number;
  /** Addresses are `raw-<run>-<n>@suppliers.example`. */
  run: string;
  sample: { subject: string; text: string; headers: Record<string, string> }[];
}

export function sendRaw(plan: RawSendPlan): Promise<{ startedAt: number }> {
  return runInChildProcess(import.meta.url, 'BENCH_RAW_SENDER_MAIN', plan);
}

async function main(plan: RawSendPlan): Promise<{ startedAt: number }> {
  const { createSmtpMailer } = await import('../../mail/mailer.js');
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
  return { startedAt };
}

childMain('BENCH_RAW_SENDER_MAIN', main);
