/**
 * A payment offered to a sender (in a question about a document, or in a reminder): a small Qonto-transaction-like
 * object, so that `attachedText()` and `paymentFacts()` read it like any transaction, and so that it can be stored as
 * JSON in a Data Table column and read back.
 */
import { isRecord, textOf, trimmedText } from '../common/guards';
import { readTransaction } from '../matching/input';
import { truncate } from '../whatsapp/outgoing';
import { paymentFacts } from './attached';
import type { Language } from './languages';

export interface OfferedPayment {
	id: string;
	label: string;
	clean_counterparty_name: string | null;
	amount_cents: number | null;
	currency: string | null;
	local_amount_cents: number | null;
	local_currency: string | null;
	emitted_at: string | null;
	settled_at: string | null;
	operation_type: 'card' | 'transfer';
	side: 'debit';
	card_last_digits: string | null;
}

/** A Qonto transaction (or an offered payment read back from JSON) as an offered payment; null without an id. */
export function offeredFromTransaction(transaction: unknown): OfferedPayment | null {
	const payment = readTransaction(transaction);
	if (!payment || !isRecord(transaction)) return null;
	return {
		id: payment.id,
		label: payment.label,
		clean_counterparty_name: payment.counterpartyName,
		amount_cents: payment.amountCents,
		currency: payment.currency,
		local_amount_cents: payment.localAmountCents,
		local_currency: payment.localCurrency,
		emitted_at: trimmedText(transaction.emitted_at),
		settled_at: trimmedText(transaction.settled_at),
		operation_type: payment.isTransfer ? 'transfer' : 'card',
		side: 'debit',
		card_last_digits: payment.cardLastDigits,
	};
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** One of the matcher's candidates (`MatchCandidate`) as an offered payment; null for anything without a transaction id. */
export function offeredFromCandidate(candidate: unknown): OfferedPayment | null {
	if (!isRecord(candidate)) return null;
	const id = textOf(candidate.transactionId);
	if (!id) return null;
	const amountCents = numberOrNull(candidate.amountCents);
	const currency = trimmedText(candidate.currency);
	const accountAmountCents = numberOrNull(candidate.accountAmountCents);
	// The account's amount when paid abroad; the candidate's own amount is then the local one, in the shop's currency.
	const abroad = accountAmountCents !== null;
	const date = trimmedText(candidate.date);
	const emittedAt = trimmedText(candidate.emittedAt) ?? (date ? `${date.slice(0, 10)}T12:00:00.000Z` : null);
	return {
		id,
		label: trimmedText(candidate.label) ?? '',
		clean_counterparty_name: trimmedText(candidate.counterpartyName),
		amount_cents: abroad ? accountAmountCents : amountCents,
		currency: abroad ? trimmedText(candidate.accountCurrency) : currency,
		local_amount_cents: amountCents,
		local_currency: currency,
		emitted_at: emittedAt,
		settled_at: emittedAt,
		operation_type: candidate.paymentKind === 'transfer' ? 'transfer' : 'card',
		side: 'debit',
		card_last_digits: trimmedText(candidate.cardLastDigits),
	};
}

/** Offered payments read back from stored JSON: the readable ones, each id once. */
export function readOfferedPayments(value: unknown): OfferedPayment[] {
	if (!Array.isArray(value)) return [];
	const payments: OfferedPayment[] = [];
	for (const entry of value) {
		const payment = offeredFromTransaction(entry);
		if (payment && !payments.some((known) => known.id === payment.id)) payments.push(payment);
	}
	return payments;
}

/** How a payment shows in a list row (`title`, `description`) and in a text (`line`). */
export interface PaymentDescription {
	/** The merchant, at most 24 characters (a list row's title). */
	title: string;
	/** "23.90 EUR · 12 March · card ••1234", at most 72 characters (a list row's description). */
	description: string;
	/** "AMAZON EU · 23.90 EUR · 12 March · card ••1234", for a message body. */
	line: string;
}

/** The word for a card before its last digits, so the sender recognises which of their cards paid. */
const CARD_WORD: Record<Language, string> = { en: 'card', fr: 'carte', es: 'tarjeta', de: 'Karte', it: 'carta' };

const TITLE_LIMIT = 24;
const DESCRIPTION_LIMIT = 72;

export function describePayment(payment: OfferedPayment, language: Language, now: Date): PaymentDescription {
	const facts = paymentFacts(payment, language, now);
	const merchant = facts?.merchant || payment.label || payment.id;
	const card = payment.card_last_digits ? `${CARD_WORD[language]} ••${payment.card_last_digits}` : '';
	const details = [facts?.amount ?? '', facts?.date ?? '', card].filter((part) => part !== '');
	return {
		title: truncate(merchant, TITLE_LIMIT),
		description: truncate(details.join(' · '), DESCRIPTION_LIMIT),
		line: [merchant, ...details].join(' · '),
	};
}
