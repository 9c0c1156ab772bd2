/**
 * Telling the sender that their document was attached to a payment, when that happens after their message (Qonto's
 * transaction webhook, the 09:00 re-match). WhatsApp delivers free-form text only within 24 h of the user's last
 * message; after that only a pre-approved template, if the admin configured one. Otherwise nothing is sent and the
 * ledger says why.
 */
import { differenceInMilliseconds } from 'date-fns';
import { millisecondsInHour } from 'date-fns/constants';

import { timestampOf } from '../common/dates';
import { textOf } from '../common/guards';
import type { TemplateMessage } from '../whatsapp/outgoing';
import { attachedText, paymentFacts } from './attached';
import { isLanguage, type Language } from './languages';
import { isRetryClaim } from './retries';
import type { TextKey } from './texts';

/** How long after the user's last message WhatsApp accepts free-form messages (Meta's customer service window). */
export const SERVICE_WINDOW_MS = 24 * millisecondsInHour;

/** The admin's pre-approved template: its name and the language code it was approved in. */
export interface FollowUpTemplate {
	name: string;
	languageCode: string;
}

export interface FollowUpInput {
	/** The Qonto transaction the document was attached to. */
	transaction: unknown;
	/** The sender's language, and its texts (the merged table's entry for that language). */
	language: Language;
	texts: Record<TextKey, string>;
	/** When the sender last wrote to us (see `lastMessageAt`); null when unknown. */
	lastMessageAt: Date | string | null | undefined;
	/** Null, or a template with an empty name: none configured. */
	template?: FollowUpTemplate | null;
	now: Date;
}

export type FollowUp =
	| { send: 'text'; text: string }
	/** The template's body carries the merchant, the amount and the date, in that order. */
	| { send: 'template'; template: TemplateMessage }
	| { send: 'nothing'; reason: string };

/** Whether WhatsApp still takes free-form messages to a user who last wrote at `lastMessageAt`: under 24 h, not at 24 h. */
export function serviceWindowOpen(lastMessageAt: Date | string | null | undefined, now: Date): boolean {
	const last = lastMessageAt instanceof Date ? lastMessageAt.getTime() : timestampOf(lastMessageAt);
	return last !== null && Number.isFinite(last) && differenceInMilliseconds(now, last) < SERVICE_WINDOW_MS;
}

/** How to tell the sender that their document is attached to `transaction`: a text, the template, or nothing and why. */
export function decideFollowUp(input: FollowUpInput): FollowUp {
	if (serviceWindowOpen(input.lastMessageAt, input.now)) {
		const text = attachedText(input.transaction, input.language, input.texts, input.now);
		return text === null ? { send: 'nothing', reason: 'not told: the payment could not be read' } : { send: 'text', text };
	}
	const name = input.template?.name.trim() ?? '';
	if (!input.template || name === '') return { send: 'nothing', reason: 'not told: the 24-hour window closed and no template is configured' };
	const languageCode = input.template.languageCode.trim();
	// The parameters are written the way the template's language writes them ("en_US" → English), else the sender's.
	const templateLanguage = languageCode.slice(0, 2).toLowerCase();
	const facts = paymentFacts(input.transaction, isLanguage(templateLanguage) ? templateLanguage : input.language, input.now);
	if (facts === null) return { send: 'nothing', reason: 'not told: the payment could not be read' };
	return { send: 'template', template: { name, languageCode, bodyParameters: [facts.merchant, facts.amount, facts.date] } };
}

/**
 * When the sender last wrote, from the `whatsapp_claims` rows (one per delivery: `messageId`, `waId` — the phone
 * number, or the user id when Meta gave none — and `claimedAt`). A message counts from its first claim: Meta
 * delivers a message again, sometimes days later, and that is no new message. The sweep's retry claims are not
 * messages either. Null when the sender has none.
 */
export function lastMessageAt(claims: ReadonlyArray<Record<string, unknown>>, sender: { waId?: string | null; userId?: string | null }): Date | null {
	const ids = new Set([sender.waId, sender.userId].filter((id): id is string => typeof id === 'string' && id !== ''));
	const firstClaims = new Map<string, number>();
	for (const claim of claims) {
		const messageId = textOf(claim.messageId);
		const time = timestampOf(claim.claimedAt);
		if (!messageId || isRetryClaim(messageId) || !ids.has(textOf(claim.waId)) || time === null) continue;
		firstClaims.set(messageId, Math.min(time, firstClaims.get(messageId) ?? time));
	}
	return firstClaims.size === 0 ? null : new Date(Math.max(...firstClaims.values()));
}
