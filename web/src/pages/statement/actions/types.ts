import type { TFunction } from 'i18next';

import type { Statement } from '../../../api/client';
import type { Formatter } from '../../../i18n/format';

/**
 * What to tell the user after an action, written when it is shown, so a language switch
 * afterwards translates it too.
 */
export type ActionMessage = (t: TFunction, format: Formatter) => string;

/** What every action panel reports back: the statement as the server now has it, and what to tell the user. */
export type ActionDone = (statement: Statement, message: ActionMessage) => void;
