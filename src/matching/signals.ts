import { formatMoney } from '../common/money';
import type { Candidate, ReadDocument } from './input';
import type { AmountKind, MatchOptions } from './types';

/**
 * Evidence weights are log-odds: how much more likely the observation is for the document's own payment than for
 * an unrelated one. An exact amount is rare by chance; a tip or a misread digit explains a difference, but many
 * payments of the same merchant could be explained that way.
 */
export const AMOUNT_WEIGHTS: Record<AmountKind, number> = {
	exact: 5,
	exact_local: 5,
	rounding: 3,
	tip: 2.5,
	vat_added: 2,
	fuel_preauthorisation: 3,
	digit_misread: 1.5,
	converted: 1.5,
	unknown: 0,
	none: 0,
};

export interface AmountAssessment {
	kind: AmountKind;
	weight: number;
	detail: string;
}

export interface AmountContext {
	/** Account-currency minor units per foreign minor unit, inferred from the trip's other card payments. */
	fxRates: ReadonlyMap<string, number>;
}

/** OCR digit confusions seen on receipts (3/8, 1/7, 5/6, 3/5, 0/8), both ways. */
const CONFUSABLE_DIGITS = new Set(['38', '83', '17', '71', '56', '65', '35', '53', '08', '80']);

/** The amounts OCR could have read instead of `cents` by misreading one digit. */
export function digitMisreadVariants(cents: number): number[] {
	const digits = String(cents);
	const variants: number[] = [];
	for (let i = 0; i < digits.length; i++) {
		for (const pair of CONFUSABLE_DIGITS) {
			if (pair[0] !== digits[i]) continue;
			const variant = digits.slice(0, i) + pair[1] + digits.slice(i + 1);
			if (!variant.startsWith('0') || variant.length === 1) variants.push(Number(variant));
		}
	}
	return variants;
}

/** Whether two amounts with as many digits differ in exactly one digit, by a known confusion. */
function oneDigitMisread(a: number, b: number): boolean {
	if (a === b || a <= 0 || b <= 0) return false;
	let left = a;
	let right = b;
	let pair = '';
	while (left > 0 || right > 0) {
		const leftDigit = left % 10;
		const rightDigit = right % 10;
		left = Math.floor(left / 10);
		right = Math.floor(right / 10);
		// Different lengths: a leading digit against nothing.
		if ((left === 0) !== (right === 0)) return false;
		if (leftDigit === rightDigit) continue;
		if (pair) return false;
		pair = `${leftDigit}${rightDigit}`;
	}
	return CONFUSABLE_DIGITS.has(pair);
}

/** Round totals are paid often, so an equal round amount is weaker evidence. */
function roundAmountDiscount(cents: number): number {
	if (cents % 1000 === 0) return 1.2;
	if (cents % 100 === 0) return 0.7;
	return 0;
}

/** The amount the candidate shows in the document's currency: the card's local amount abroad, the account amount at home. */
interface Observed {
	cents: number;
	currency: string | null;
	/** Paid abroad: the local amount of a payment in another currency than the account's. */
	foreign: boolean;
}

function observedAmount(document: ReadDocument, candidate: Candidate): Observed | null {
	const documentCurrency = document.currency;
	const accountCurrency = candidate.currency;
	if (documentCurrency === null) {
		const cents = candidate.localAmountCents ?? candidate.amountCents;
		return cents === null ? null : { cents, currency: candidate.localCurrency ?? accountCurrency, foreign: false };
	}
	if (candidate.localCurrency === documentCurrency && candidate.localAmountCents !== null) {
		return { cents: candidate.localAmountCents, currency: documentCurrency, foreign: accountCurrency !== null && accountCurrency !== documentCurrency };
	}
	if ((accountCurrency === documentCurrency || accountCurrency === null) && candidate.amountCents !== null) {
		return { cents: candidate.amountCents, currency: documentCurrency, foreign: false };
	}
	return null;
}

/** The terminal's conversion over the card rate for a dynamic-currency-conversion payment, or null. */
function conversionRatio(document: ReadDocument, candidate: Candidate, context: AmountContext): number | null {
	const { currency: documentCurrency, totalCents } = document;
	const accountCurrency = candidate.currency;
	if (totalCents === null || documentCurrency === null || accountCurrency === null || documentCurrency === accountCurrency || candidate.amountCents === null) return null;
	if (candidate.localCurrency !== null && candidate.localCurrency !== accountCurrency) return null;
	const rate = context.fxRates.get(documentCurrency);
	if (rate === undefined) return null;
	const ratio = candidate.amountCents / (totalCents * rate);
	return ratio >= 0.99 && ratio <= 1.08 ? ratio : null;
}

/**
 * Which explanation links the candidate's amount to the document's total, most specific first. Numbers only, so
 * that the index can run it over thousands of transactions; `assessAmount` adds the words.
 */
export function amountKind(document: ReadDocument, candidate: Candidate, options: MatchOptions, context: AmountContext): AmountKind {
	const total = document.totalCents;
	if (total === null) return 'unknown';
	const observed = observedAmount(document, candidate);
	if (observed !== null) {
		if (observed.cents === total) return observed.foreign ? 'exact_local' : 'exact';
		const difference = observed.cents - total;
		if (Math.abs(difference) <= options.roundingToleranceCents) return 'rounding';
		if (document.tipCents !== null && difference === document.tipCents) return 'tip';
		// Tips exist at restaurants only, paid by card.
		if (candidate.isRestaurant && !candidate.isTransfer && difference > 0 && difference <= Math.max(total * options.maxTipRatio, options.maxTipCents)) return 'tip';
		if (vatRateAdded(total, observed.cents, options) !== null) return 'vat_added';
		if (oneDigitMisread(total, observed.cents)) return 'digit_misread';
	}
	// Fuel pumps hold a fixed amount while the payment is pending.
	if (candidate.isFuel && candidate.status === 'pending' && candidate.amountCents !== null && options.fuelPreauthorisationCents.includes(candidate.amountCents)) {
		return 'fuel_preauthorisation';
	}
	return conversionRatio(document, candidate, context) !== null ? 'converted' : 'none';
}

function vatRateAdded(total: number, observed: number, options: MatchOptions): number | null {
	for (const rate of options.vatRates) {
		const withVat = total * (1 + rate);
		if (Math.abs(observed - withVat) <= Math.max(1, withVat * 0.001)) return rate;
	}
	return null;
}

/** The amount signal with its weight and a sentence for people. */
export function assessAmount(document: ReadDocument, candidate: Candidate, options: MatchOptions, context: AmountContext): AmountAssessment {
	const kind = amountKind(document, candidate, options, context);
	const total = document.totalCents ?? 0;
	const shown = formatMoney(total, document.currency);
	const observed = observedAmount(document, candidate);
	const paid = observed ? formatMoney(observed.cents, observed.currency) : formatMoney(candidate.amountCents ?? 0, candidate.currency);
	const unknownCurrency = document.currency === null ? 0.5 : 0;
	const weight = AMOUNT_WEIGHTS[kind] - (kind === 'exact' || kind === 'exact_local' ? roundAmountDiscount(total) + unknownCurrency : 0);
	const detail = ((): string => {
		switch (kind) {
			case 'unknown':
				return 'the document shows no total';
			case 'exact':
				return `${paid} equals the total`;
			case 'exact_local':
				return `${paid} equals the total (local amount of a payment abroad)`;
			case 'rounding':
				return `${paid} is the total ${shown} rounded`;
			case 'tip':
				return `${paid} is the total ${shown} plus a tip of ${formatMoney((observed?.cents ?? total) - total, observed?.currency ?? null)}`;
			case 'vat_added': {
				const rate = vatRateAdded(total, observed?.cents ?? 0, options) ?? 0;
				return `${paid} is the total read as ${shown} plus ${Math.round(rate * 1000) / 10} % VAT (the net amount was read)`;
			}
			case 'digit_misread':
				return `${paid} differs from the total ${shown} by one misread digit`;
			case 'fuel_preauthorisation':
				return `${formatMoney(candidate.amountCents ?? 0, candidate.currency)} is a pending fuel-pump pre-authorisation`;
			case 'converted': {
				const ratio = conversionRatio(document, candidate, context) ?? 1;
				return `${formatMoney(candidate.amountCents ?? 0, candidate.currency)} is the total ${shown} converted at the terminal (${Math.round((ratio - 1) * 1000) / 10} % over the card rate)`;
			}
			default:
				return `${paid} does not explain the total ${shown}`;
		}
	})();
	return { kind, weight, detail };
}

/**
 * Account-currency units per foreign unit, from card payments abroad within a month of the document (the median,
 * card fees included). Payments after `asOfMs` are not known yet.
 */
export function inferFxRates(document: ReadDocument, candidates: readonly Candidate[], asOfMs: number | null): Map<string, number> {
	const samples = new Map<string, number[]>();
	for (const candidate of candidates) {
		const { localCurrency, currency, localAmountCents, amountCents } = candidate;
		if (!localCurrency || !currency || localCurrency === currency || !localAmountCents || !amountCents) continue;
		if (asOfMs !== null && candidate.emittedMs !== null && candidate.emittedMs > asOfMs) continue;
		if (document.day !== null && (candidate.day === null || Math.abs(candidate.day - document.day) > 30)) continue;
		const list = samples.get(localCurrency) ?? [];
		list.push(amountCents / localAmountCents);
		samples.set(localCurrency, list);
	}
	const rates = new Map<string, number>();
	for (const [code, list] of samples) {
		list.sort((a, b) => a - b);
		rates.set(code, list[Math.floor(list.length / 2)]);
	}
	return rates;
}

export interface DateAssessment {
	plausible: boolean;
	weight: number;
	offset: number | null;
	detail: string;
}

function describeOffset(offset: number): string {
	if (offset === 0) return 'same day as the document';
	const days = Math.abs(offset) === 1 ? 'day' : 'days';
	return offset > 0 ? `${offset} ${days} after the document` : `${-offset} ${days} before the document`;
}

function inWindow(offset: number, candidate: Candidate, options: MatchOptions): boolean {
	return candidate.isTransfer
		? offset >= -options.transferDaysBefore && offset <= options.transferDaysAfter
		: offset >= -options.cardDaysBefore && offset <= options.cardDaysAfter;
}

/** Whether the candidate's date is in the window its kind of payment allows (numbers only, for the index). */
export function withinDateWindow(document: ReadDocument, candidate: Candidate, options: MatchOptions): boolean {
	if (document.day === null) return true;
	return candidate.day !== null && inWindow(candidate.day - document.day, candidate, options);
}

function dateWeight(offset: number, candidate: Candidate): number {
	if (candidate.isTransfer) return offset < 0 ? 0.5 : offset <= 7 ? 1.5 : offset <= 20 ? 1 : 0.5;
	if (offset === 0) return 2.5;
	if (Math.abs(offset) === 1) return 2;
	if (offset === 2) return 1.2;
	if (offset > 0 && offset <= 4) return 0.5;
	return offset < 0 ? 0.3 : 0;
}

/**
 * Card payments are authorised on the purchase day, give or take a time zone (UTC dates) or an offline terminal;
 * transfers are paid days to weeks after an invoice. A date OCR read with day and month swapped is not tried: the
 * same purchase repeated on the swapped day would be attached as readily, and repeats are far more common.
 */
export function assessDate(document: ReadDocument, candidate: Candidate, options: MatchOptions): DateAssessment {
	if (document.day === null) return { plausible: true, weight: 0, offset: null, detail: 'the document shows no date' };
	if (candidate.day === null) return { plausible: false, weight: 0, offset: null, detail: 'the transaction has no date' };
	const kind = candidate.isTransfer ? 'transfer' : 'card payment';
	const offset = candidate.day - document.day;
	if (!inWindow(offset, candidate, options)) return { plausible: false, weight: 0, offset, detail: `${describeOffset(offset)}: outside the ${kind} window` };
	return { plausible: true, weight: dateWeight(offset, candidate), offset, detail: `${kind} ${describeOffset(offset)}` };
}

/** Name similarity → evidence, linear between these points: a clearly different name speaks against the candidate. */
const NAME_WEIGHT_POINTS: ReadonlyArray<readonly [similarity: number, weight: number]> = [
	[0, -4],
	[0.3, -2],
	[0.5, 0],
	[0.75, 2.2],
	[0.9, 3.2],
	[1, 3.5],
];

export function nameWeight(similarity: number): number {
	for (let i = 1; i < NAME_WEIGHT_POINTS.length; i++) {
		const [x1, y1] = NAME_WEIGHT_POINTS[i];
		const [x0, y0] = NAME_WEIGHT_POINTS[i - 1];
		if (similarity <= x1) return y0 + ((Math.max(similarity, x0) - x0) / (x1 - x0)) * (y1 - y0);
	}
	return NAME_WEIGHT_POINTS[NAME_WEIGHT_POINTS.length - 1][1];
}
