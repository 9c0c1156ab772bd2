import { dayOfIsoDate, dayOfTime, timestampOf } from '../common/dates';
import { isRecord, textOf, trimmedText } from '../common/guards';
import { currencyCode, currencyExponent, DEFAULT_CURRENCY_EXPONENT, toMinorUnits } from '../common/money';
import { counterpartyTokens, descriptorTokens, supplierTokens, type NameTokens } from './merchantName';
import type { MatchDocument, QontoTransaction } from './types';

/** Days since 1970-01-01 of the date part of an ISO string (UTC), or null (also for dates that roll over: 2018-02-31). */
export function dayNumber(value: unknown): number | null {
	return typeof value === 'string' ? dayOfIsoDate(value.trim()) : null;
}

/** `cents` when it is an integer (a number, or digits as text), else null. */
function integerMinorUnits(cents: unknown): number | null {
	if (typeof cents === 'number' && Number.isFinite(cents)) return Math.round(cents);
	if (typeof cents === 'string' && /^-?\d+$/.test(cents.trim())) return Number(cents.trim());
	return null;
}

/**
 * Minor units of `currency` from `cents` (already minor units), else from the major-unit amount (number or "10,00"
 * string) with the currency's ISO 4217 exponent: 1000 JPY is 1000, 12.345 BHD is 12345.
 */
function minorUnits(cents: unknown, major: unknown, currency: string | null): number | null {
	const exponent = currencyExponent(currency);
	const given = integerMinorUnits(cents);
	if (given !== null && exponent === DEFAULT_CURRENCY_EXPONENT) return given;
	// Without two decimals, a "cents" field is ambiguous (yen, or yen × 100?): the major amount says which.
	return toMinorUnits(major, exponent) ?? given;
}

/** The document as the matcher uses it. */
export interface ReadDocument {
	/** The supplier's name and its known aliases, each as comparable words; empty when unknown. */
	names: string[][];
	supplierName: string | null;
	day: number | null;
	/** Absolute total in minor units. */
	totalCents: number | null;
	isCreditNote: boolean;
	currency: string | null;
	tipCents: number | null;
}

export function readDocument(document: MatchDocument | null | undefined, aliases: Record<string, string[]>): ReadDocument {
	const source: Record<string, unknown> = isRecord(document) ? document : {};
	const supplierName = trimmedText(source.supplierName);
	const total = integerMinorUnits(source.totalAmountCents);
	const type = trimmedText(source.documentType)?.toLowerCase().replace(/[\s-]+/g, '_') ?? '';
	const names: string[][] = [];
	const own = supplierTokens(supplierName);
	if (own.length > 0) {
		names.push(own);
		const key = own.join(' ');
		for (const [name, others] of Object.entries(aliases)) {
			if (supplierTokens(name).join(' ') !== key) continue;
			for (const alias of others) {
				const tokens = supplierTokens(alias);
				if (tokens.length > 0) names.push(tokens);
			}
		}
	}
	const tip = integerMinorUnits(source.tipAmountCents);
	return {
		names,
		supplierName,
		day: dayNumber(source.date),
		totalCents: total === null ? null : Math.abs(total),
		isCreditNote: (total !== null && total < 0) || type === 'credit_note' || type === 'creditnote',
		currency: currencyCode(source.currency),
		tipCents: tip !== null && tip > 0 ? tip : null,
	};
}

/** A transaction as the matcher uses it. */
export interface Candidate {
	id: string;
	label: string;
	/** Qonto's cleaned merchant name, as the app shows it. */
	counterpartyName: string | null;
	/** The last four digits of the card that paid, for card payments. */
	cardLastDigits: string | null;
	amountCents: number | null;
	currency: string | null;
	localAmountCents: number | null;
	localCurrency: string | null;
	side: 'debit' | 'credit';
	isTransfer: boolean;
	status: string;
	hasAttachment: boolean;
	category: string | null;
	/** When the payment was authorised or initiated (pending card payments have only this). */
	emittedMs: number | null;
	day: number | null;
	bankNames: NameTokens[];
	/** A restaurant (tips possible), from Qonto's category or the descriptor's words. */
	isRestaurant: boolean;
	/** A fuel station (pump pre-authorisations possible). */
	isFuel: boolean;
}

const RESTAURANT_WORDS = new Set(['RESTORAN', 'RESTAURANT', 'RESTAURANTS', 'RESTAURAN', 'CAFE', 'BISTRO', 'BAR', 'BRASSERIE', 'PIZZERIA', 'KOPITIAM', 'GRILL', 'DINER', 'TRATTORIA']);
const FUEL_WORDS = new Set(['PETRON', 'PETRONAS', 'SHELL', 'ESSO', 'CALTEX', 'BP', 'BHPETROL', 'TOTALENERGIES', 'AVIA', 'AGIP', 'ARAL', 'FUEL', 'CARBURANT', 'CARBURANTS', 'PETROL']);

function mentions(words: Set<string>, names: NameTokens[]): boolean {
	return names.some((name) => name.tokens.some((token) => words.has(token)));
}

/** `card_last_digits` as text of digits (Qonto sends "1234"; a number loses leading zeros, so it is padded), or null. */
function cardDigits(value: unknown): string | null {
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 10_000) return String(value).padStart(4, '0');
	const text = trimmedText(value);
	return text !== null && /^\d{2,6}$/.test(text) ? text : null;
}

/** Reads one Qonto transaction defensively; null when it has no id. */
export function readTransaction(raw: unknown): Candidate | null {
	if (!isRecord(raw)) return null;
	const transaction = raw as Partial<Record<keyof QontoTransaction, unknown>>;
	const id = textOf(transaction.id);
	if (!id) return null;
	const currency = currencyCode(transaction.currency);
	const localCurrency = currencyCode(transaction.local_currency);
	const amountCents = minorUnits(transaction.amount_cents, transaction.amount, currency);
	const localAmountCents = minorUnits(transaction.local_amount_cents, transaction.local_amount, localCurrency);
	const emittedMs = timestampOf(transaction.emitted_at) ?? timestampOf(transaction.settled_at);
	const label = trimmedText(transaction.label) ?? '';
	const counterpartyName = trimmedText(transaction.clean_counterparty_name);
	const bankNames: NameTokens[] = [];
	const descriptor = descriptorTokens(label);
	if (descriptor.tokens.length > 0) bankNames.push(descriptor);
	const counterparty = counterpartyTokens(counterpartyName);
	if (counterparty.length > 0) bankNames.push({ tokens: counterparty, mayBeTruncated: false });
	const status = trimmedText(transaction.status)?.toLowerCase() ?? (transaction.settled_at ? 'completed' : 'pending');
	const operation = trimmedText(transaction.operation_type)?.toLowerCase() ?? 'card';
	const attachments = transaction.attachment_ids;
	const category = trimmedText(transaction.category)?.toLowerCase() ?? null;
	return {
		id,
		label,
		counterpartyName,
		cardLastDigits: cardDigits(transaction.card_last_digits),
		amountCents: amountCents === null ? null : Math.abs(amountCents),
		currency,
		localAmountCents: localAmountCents === null ? null : Math.abs(localAmountCents),
		localCurrency,
		side: trimmedText(transaction.side)?.toLowerCase() === 'credit' ? 'credit' : 'debit',
		isTransfer: operation !== 'card',
		status,
		hasAttachment: Array.isArray(attachments) && attachments.length > 0,
		category,
		emittedMs,
		day: emittedMs === null ? null : dayOfTime(emittedMs),
		bankNames,
		isRestaurant: category === 'restaurant_and_bar' || mentions(RESTAURANT_WORDS, bankNames),
		isFuel: category === 'gas_station' || mentions(FUEL_WORDS, bankNames),
	};
}

/** Minor units of the document's currency from its `…Cents` key, else from its major-unit key. */
function integerOrMajor(cents: unknown, major: unknown, currency: unknown): number | null {
	return integerMinorUnits(cents) ?? toMinorUnits(major, currencyExponent(currencyCode(currency)));
}

/**
 * Reads a document from loosely typed JSON (an n8n item): the `MatchDocument` keys, with major-unit fallbacks
 * (`totalAmount: 9.9`) and snake_case keys. Null when the value is not an object.
 */
export function toMatchDocument(value: unknown): MatchDocument | null {
	if (!isRecord(value)) return null;
	const pick = (...keys: string[]): unknown => keys.map((key) => value[key]).find((entry) => entry !== undefined && entry !== null);
	const name = pick('supplierName', 'supplier_name');
	const date = pick('date', 'documentDate', 'document_date');
	const currency = pick('currency', 'currencyCode');
	const type = pick('documentType', 'document_type');
	return {
		supplierName: typeof name === 'string' ? name : null,
		date: typeof date === 'string' ? date : null,
		totalAmountCents: integerOrMajor(pick('totalAmountCents', 'total_amount_cents'), pick('totalAmount', 'total_amount'), currency),
		currency: typeof currency === 'string' ? currency : null,
		tipAmountCents: integerOrMajor(pick('tipAmountCents', 'tip_amount_cents'), pick('tipAmount', 'tip_amount', 'tip'), currency),
		documentType: typeof type === 'string' ? type : null,
	};
}

/** A list of transactions from a list, or from a Qonto list response (`{ transactions: [...] }`); null otherwise. */
export function transactionList(value: unknown): unknown[] | null {
	if (Array.isArray(value)) return value;
	if (isRecord(value) && Array.isArray(value.transactions)) return value.transactions;
	return null;
}
