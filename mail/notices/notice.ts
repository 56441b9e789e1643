import type { Tx } from '../../db/database.js';
import { findOrganisations, usersOfKind, usersOfOrganisations } from '../../db/organisations.js';
import type { OutgoingMessage } from '../../db/outbox.js';
import { signatoryRole } from '../../domain/agreement-authorization.js';
import type { translatorFor } from '../../i18n/index.js';
import { composeForEach, type Recipient } from '../compose.js';

export type Translate = ReturnType<typeof translatorFor>;

/** One user told, with the organisation they belong to. */
export type Addressee = Recipient & { orgId: string; orgName: string; roles: readonly string[] };

/**
 * One notice of a process event: one message per user of each organisation in `to` (or per user
 * of the Commission), keyed `${key}:${userId}` in the outbox, in the user's language.
 */
export interface Notice {
  to: readonly string[] | 'commission';
  /** Unique per event and notice: a retried event enqueues nothing twice. */
  key: string;
  template: string;
  params: (r: Addressee, t: Translate) => Record<string, string>;
  /** Only the users who may sign for their organisation (all its users where none may). */
  signatoriesOnly?: boolean;
  /** The recipient's deadlines as an iCalendar document, attached to the message (none: no attachment). */
  calendar?: (r: Addressee) => string | undefined;
}

/** The messages of `notices`, in order; a notice to no organisation sends nothing. */
export async function composeNotices(
  trx: Tx,
  statementId: string,
  notices: readonly Notice[],
): Promise<OutgoingMessage[]> {
  const messages: OutgoingMessage[] = [];
  for (const notice of notices) {
    if (notice.to !== 'commission' && notice.to.length === 0) continue;
    let users =
      notice.to === 'commission' ? await usersOfKind(trx, 'commission') : await usersOfOrganisations(trx, notice.to);
    if (notice.signatoriesOnly) {
      // Those who can sign; an organisation without any authorised signatory hears it through all its users.
      const withSignatory = new Set(users.filter((u) => u.roles.includes(signatoryRole)).map((u) => u.organisation_id));
      users = users.filter((u) => u.roles.includes(signatoryRole) || !withSignatory.has(u.organisation_id));
    }
    const names = new Map(
      (await findOrganisations(trx, [...new Set(users.map((u) => u.organisation_id))])).map((o) => [o.id, o.name]),
    );
    const addressees = users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      locale: u.locale,
      orgId: u.organisation_id,
      orgName: names.get(u.organisation_id) ?? '',
      roles: u.roles,
    }));
    const byId = new Map(addressees.map((a) => [a.id, a]));
    const composed = composeForEach(addressees, notice.key, statementId, notice.template, (r, t) =>
      notice.params(byId.get(r.id)!, t),
    );
    const { calendar } = notice;
    messages.push(
      ...(calendar
        ? composed.map((m) => {
            const ics = calendar(byId.get(m.recipientUserId!)!);
            return ics ? { ...m, calendar: ics } : m;
          })
        : composed),
    );
  }
  return messages;
}
