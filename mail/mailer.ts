import nodemailer, { type Transporter } from 'nodemailer';
import { cleanSingleLine } from '../rules/text-hygiene.js';

export interface MailToSend {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface Mailer {
  send(message: MailToSend): Promise<void>;
  /** Checks that the SMTP server answers; used by /readyz. */
  verify(): Promise<void>;
  close(): void;
}

/** nodemailer over SMTP, pooled so a fan-out reuses connections instead of opening one per message. */
export function createSmtpMailer(smtpUrl: string, from: string, options: { pool?: boolean; maxConnections?: number } = {}): Mailer {
  const url = new URL(smtpUrl);
  const transport: Transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    pool: options.pool ?? true,
    maxConnections: options.maxConnections ?? 4,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        // Again at the last step, for messages queued before subjects were cleaned when composed.
        subject: cleanSingleLine(message.subject),
        text: message.text,
        messageId: message.messageId,
        headers: message.headers,
      });
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}
