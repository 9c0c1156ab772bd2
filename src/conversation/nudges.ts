/**
 * Reminders ("nudges"): a member's recent card payments that still have no receipt, offered as a list so they can
 * pick one and send its receipt. Within WhatsApp's 24-hour window the list itself is sent; after it, only the admin's
 * approved template (its quick-reply button asks for the list), or nothing. What was offered is kept on the member's
 * row (`nudge` column, JSON), so that a pick can be checked and the document that follows attached to that payment.
 */
import { isAfter, subDays } from 'date-fns';

import { fromJsonColumn, isRecord, textOf } from '../common/guards';
import { readTransaction } from '../matching/input';
import { LIST_LIMITS, type ChoiceMessage } from '../whatsapp/outgoing';
import type { MemberRow } from './directory';
import { lastMessageAt, serviceWindowOpen, type FollowUpTemplate } from './followUp';
import { chooseLanguage, type Language } from './languages';
import { describePayment, offeredFromTransaction, readOfferedPayments, type OfferedPayment } from './offeredPayments';
import { fillText, type TextKey, type TextTable } from './texts';

/** Reply ids of a reminder list (`n:<transactionId>`), and the template's quick-reply payload that asks for the list. */
export const NUDGE_PREFIX = 'n:';
export const NUDGE_SHOW_ID = 'n:show';
export const DEFAULT_NUDGE_MAX_AGE_DAYS = 30;

/** The `nudge` column of a member's link row (JSON). */
export interface NudgeState {
	/** The member wrote REMINDERS OFF. */
	off?: boolean;
	/** When the last reminder was sent (ISO). */
	sentAt?: string;
	/** What it offered, newest first. */
	payments?: OfferedPayment[];
	/** The payment the member picked, and when: their next document is for it. */
	picked?: { id: string; at: string };
}

/** The `nudge` column read back (a JSON text or an object); anything unreadable is no state at all. */
export function readNudgeState(value: unknown): NudgeState {
	const parsed = fromJsonColumn(value);
	if (!isRecord(parsed)) return {};
	const state: NudgeState = {};
	if (parsed.off === true) state.off = true;
	if (textOf(parsed.sentAt)) state.sentAt = textOf(parsed.sentAt);
	if (Array.isArray(parsed.payments)) state.payments = readOfferedPayments(parsed.payments);
	if (isRecord(parsed.picked) && textOf(parsed.picked.id) && textOf(parsed.picked.at)) state.picked = { id: textOf(parsed.picked.id), at: textOf(parsed.picked.at) };
	return state;
}

/** The `nudge` column to write: JSON, or empty for no state at all. */
export function nudgeColumn(state: NudgeState): string {
	return Object.keys(state).length > 0 ? JSON.stringify(state) : '';
}

/** The reminder list for `payments` (at most ten, as given), in `language`. */
export function nudgeChoices(payments: readonly OfferedPayment[], count: number, language: Language, texts: Record<TextKey, string>, now: Date, maxAgeDays = DEFAULT_NUDGE_MAX_AGE_DAYS): ChoiceMessage {
	const shown = payments.slice(0, LIST_LIMITS.rows);
	return {
		body: fillText(texts.nudgeBody, { count, shown: shown.length, days: maxAgeDays }),
		button: texts.nudgeButton,
		footer: texts.nudgeFooter,
		rows: shown.map((payment) => {
			const { title, description } = describePayment(payment, language, now);
			return { id: `${NUDGE_PREFIX}${payment.id}`, title, description };
		}),
	};
}

export interface NudgeInput {
	organisationId: string;
	/** The organisation's Qonto transactions. */
	payments: readonly unknown[];
	/** The `whatsapp_members` rows (any organisation: only this one's links are planned). */
	members: readonly MemberRow[];
	/** The `whatsapp_claims` rows: when each member last wrote. */
	claims: ReadonlyArray<Record<string, unknown>>;
	now: Date;
	maxAgeDays?: number;
	/** The admin's approved template for a closed window; null or an empty name: none. */
	template?: FollowUpTemplate | null;
	texts: TextTable;
	defaultLanguage: Language;
}

export type NudgeNoneReason = 'reminders turned off' | 'unsubscribed' | 'nothing missing' | 'the 24-hour window closed and no template is configured';

export interface NudgePlan {
	rowId: number;
	recipient: string;
	language: Language;
	send: 'list' | 'template' | 'none';
	reason?: NudgeNoneReason;
	choices?: ChoiceMessage;
	/** The body's `{{1}}` is how many payments miss a receipt; its quick-reply button asks for the list. */
	template?: { name: string; languageCode: string; bodyParameters: string[]; quickReplyPayloads: string[] };
	/** The row's `nudge` column to save (unchanged when nothing is sent). */
	nudge: NudgeState;
}

/** Card payments the member made (`initiator_id`), in the last `maxAgeDays`, not declined, still without a document; newest first. */
function missingReceipts(transactions: readonly unknown[], membershipId: string, now: Date, maxAgeDays: number): OfferedPayment[] {
	const since = subDays(now, maxAgeDays);
	const found: Array<{ payment: OfferedPayment; emittedMs: number }> = [];
	for (const transaction of transactions) {
		if (!isRecord(transaction) || textOf(transaction.initiator_id) !== membershipId) continue;
		const read = readTransaction(transaction);
		const payment = offeredFromTransaction(transaction);
		if (!read || !payment || read.emittedMs === null) continue;
		if (read.isTransfer || read.side !== 'debit' || read.status === 'declined' || read.hasAttachment) continue;
		if (!isAfter(read.emittedMs, since) || isAfter(read.emittedMs, now)) continue;
		if (!found.some((known) => known.payment.id === payment.id)) found.push({ payment, emittedMs: read.emittedMs });
	}
	return found.sort((a, b) => b.emittedMs - a.emittedMs).map((entry) => entry.payment);
}

/** One row per member linked to the organisation (the lowest row id of a membership): what to send them, or why nothing. */
export function planNudges(input: NudgeInput): NudgePlan[] {
	const maxAgeDays = input.maxAgeDays ?? DEFAULT_NUDGE_MAX_AGE_DAYS;
	const links = [...input.members].filter((row) => row.organisationId === input.organisationId && row.membershipId !== '').sort((a, b) => a.id - b.id);
	const seen = new Set<string>();
	const plans: NudgePlan[] = [];
	for (const row of links) {
		if (seen.has(row.membershipId)) continue;
		seen.add(row.membershipId);
		const language = chooseLanguage(row.language, row.waId, input.defaultLanguage);
		const base = { rowId: row.id, recipient: row.waId || row.userId, language };
		const none = (reason: NudgeNoneReason): NudgePlan => ({ ...base, send: 'none', reason, nudge: row.nudge });
		if (!row.subscribed) {
			plans.push(none('unsubscribed'));
			continue;
		}
		if (row.nudge.off) {
			plans.push(none('reminders turned off'));
			continue;
		}
		const missing = missingReceipts(input.payments, row.membershipId, input.now, maxAgeDays);
		if (missing.length === 0) {
			plans.push(none('nothing missing'));
			continue;
		}
		const offered = missing.slice(0, LIST_LIMITS.rows);
		const nudge: NudgeState = { ...row.nudge, sentAt: input.now.toISOString(), payments: offered };
		if (serviceWindowOpen(lastMessageAt(input.claims, row), input.now)) {
			plans.push({ ...base, send: 'list', choices: nudgeChoices(offered, missing.length, language, input.texts[language], input.now, maxAgeDays), nudge });
			continue;
		}
		const name = input.template?.name.trim() ?? '';
		if (!input.template || name === '') {
			plans.push(none('the 24-hour window closed and no template is configured'));
			continue;
		}
		const template = { name, languageCode: input.template.languageCode.trim(), bodyParameters: [String(missing.length)], quickReplyPayloads: [NUDGE_SHOW_ID] };
		plans.push({ ...base, send: 'template', template, nudge });
	}
	return plans;
}
