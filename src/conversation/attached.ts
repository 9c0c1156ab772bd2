/**
 * "Attached to the card payment AMAZON EU of 23.90 EUR on 12 March": what the sender is told when their document is
 * attached to a Qonto payment, at once or later. The payment is named the way the sender saw it: the merchant's
 * clean name, the amount in the currency they paid in (the local amount of a card payment abroad), and its day.
 */
import { isoDateOfDay } from '../common/dates';
import { isRecord, trimmedText } from '../common/guards';
import { readTransaction } from '../matching/input';
import { amountIn, dayIn } from './languageFormats';
import type { Language } from './languages';
import { fillText, type TextKey } from './texts';

export interface PaymentFacts {
	/** The text that names it: a card payment, or any other payment (transfer, direct debit…). */
	textKey: Extract<TextKey, 'attachedToCardPayment' | 'attachedToPayment'>;
	merchant: string;
	/** With the currency's code, in the language's number format. */
	amount: string;
	/** The day it was paid (UTC, like the matcher), in the language; empty when Qonto gave no date. */
	date: string;
}

/** The payment's merchant, amount and day as `language` writes them; null for something that is not a transaction. */
export function paymentFacts(transaction: unknown, language: Language, now: Date): PaymentFacts | null {
	const payment = readTransaction(transaction);
	if (!payment || !isRecord(transaction)) return null;
	const paidAbroad = !payment.isTransfer && payment.localAmountCents !== null && payment.localCurrency !== null && payment.localCurrency !== payment.currency;
	const [minor, currency] =
		paidAbroad || payment.amountCents === null ? [payment.localAmountCents, payment.localCurrency] : [payment.amountCents, payment.currency];
	return {
		textKey: payment.isTransfer ? 'attachedToPayment' : 'attachedToCardPayment',
		merchant: trimmedText(transaction.clean_counterparty_name) ?? payment.label,
		amount: minor === null ? '' : amountIn(language, minor, currency),
		date: payment.day === null ? '' : (dayIn(language, isoDateOfDay(payment.day), now) ?? ''),
	};
}

/** The text for `transaction` in the sender's language (`texts`: that language's table), or null when it is no transaction. */
export function attachedText(transaction: unknown, language: Language, texts: Record<TextKey, string>, now: Date): string | null {
	const facts = paymentFacts(transaction, language, now);
	return facts && fillText(texts[facts.textKey], { merchant: facts.merchant, amount: facts.amount, date: facts.date });
}
