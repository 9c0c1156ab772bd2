import { isRecord, trimmedText } from '../common/guards';
import type { MatchOptions } from './types';

/**
 * Defaults chosen on the development split of the matching benchmark. The windows are those a careful bookkeeper
 * accepts: card payments are authorised from two days before the receipt (time zones, pre-dated receipts) to a
 * week after (offline terminals); transfers are paid up to five weeks later.
 */
export const DEFAULT_MATCH_OPTIONS: Readonly<MatchOptions> = Object.freeze({
	asOf: null,
	minConfidence: 0.9,
	cardDaysBefore: 2,
	cardDaysAfter: 7,
	transferDaysBefore: 3,
	transferDaysAfter: 35,
	roundingToleranceCents: 5,
	maxTipRatio: 0.25,
	maxTipCents: 150,
	fuelPreauthorisationCents: [100, 10_000, 12_000, 15_000],
	vatRates: [0.055, 0.06, 0.07, 0.1, 0.19, 0.2, 0.21],
	includePending: true,
	supplierAliases: {},
	maxCandidates: 3,
});

/** A WhatsApp list message has at most 10 rows, one of them "none of these". */
export const MAX_CANDIDATES = 9;

/** Fills the options a caller left out; values of the wrong type fall back to the default. */
export function resolveMatchOptions(partial: Partial<MatchOptions> | undefined | null): MatchOptions {
	const given = (partial ?? {}) as Partial<Record<keyof MatchOptions, unknown>>;
	const number = (key: keyof MatchOptions, min: number, max: number): number => {
		const value = given[key];
		const fallback = DEFAULT_MATCH_OPTIONS[key] as number;
		return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
	};
	const numbers = (key: 'fuelPreauthorisationCents' | 'vatRates'): number[] => {
		const value = given[key];
		if (!Array.isArray(value)) return [...DEFAULT_MATCH_OPTIONS[key]];
		return value.filter((entry): entry is number => typeof entry === 'number' && Number.isFinite(entry) && entry > 0);
	};
	const aliases: Record<string, string[]> = {};
	const givenAliases = given.supplierAliases;
	if (givenAliases && typeof givenAliases === 'object' && !Array.isArray(givenAliases)) {
		for (const [name, names] of Object.entries(givenAliases)) {
			if (Array.isArray(names)) aliases[name] = names.filter((alias): alias is string => typeof alias === 'string');
		}
	}
	return {
		asOf: typeof given.asOf === 'string' ? given.asOf : null,
		minConfidence: number('minConfidence', 0, 1),
		cardDaysBefore: number('cardDaysBefore', 0, 60),
		cardDaysAfter: number('cardDaysAfter', 0, 60),
		transferDaysBefore: number('transferDaysBefore', 0, 120),
		transferDaysAfter: number('transferDaysAfter', 0, 120),
		roundingToleranceCents: number('roundingToleranceCents', 0, 1000),
		maxTipRatio: number('maxTipRatio', 0, 1),
		maxTipCents: number('maxTipCents', 0, 100_000),
		fuelPreauthorisationCents: numbers('fuelPreauthorisationCents'),
		vatRates: numbers('vatRates'),
		includePending: typeof given.includePending === 'boolean' ? given.includePending : DEFAULT_MATCH_OPTIONS.includePending,
		supplierAliases: aliases,
		maxCandidates: Math.round(number('maxCandidates', 0, MAX_CANDIDATES)),
	};
}

/**
 * How many days before and after a document's date its payment may fall, whatever kind of payment it is: the span of
 * transactions to list for the matcher (−3…+35 days with the defaults).
 */
export function paymentDays(options: MatchOptions): { before: number; after: number } {
	return {
		before: Math.max(options.cardDaysBefore, options.transferDaysBefore),
		after: Math.max(options.cardDaysAfter, options.transferDaysAfter),
	};
}

/** "5.5, 20" → [5.5, 20]; words and empty entries are dropped. */
function numberList(value: unknown): number[] {
	return String(value ?? '')
		.split(/[;,\s]+/)
		.map((entry) => Number(entry.replace(',', '.')))
		.filter((entry) => Number.isFinite(entry) && entry > 0);
}

/** "Supplier Name → Bank Names" rows (`{ name, aliases: 'IKEA, Ikea Damansara' }`) as the matcher's aliases. */
function aliasesFrom(rows: unknown): Record<string, string[]> {
	const aliases: Record<string, string[]> = {};
	for (const row of Array.isArray(rows) ? rows : []) {
		if (!isRecord(row)) continue;
		const name = trimmedText(row.name) ?? '';
		const others = String(row.aliases ?? '')
			.split(/[,;\n]+/)
			.map((alias) => alias.trim())
			.filter(Boolean);
		if (name && others.length > 0) aliases[name] = [...(aliases[name] ?? []), ...others];
	}
	return aliases;
}

/**
 * The Options collection of the Transaction Match node (what n8n gives: numbers, booleans, comma-separated text, a
 * percentage for the tip, alias rows) as matcher options. What is left out or of the wrong type takes the default,
 * and numbers are clamped, by `resolveMatchOptions`.
 */
export function matchOptionsFromCollection(collection: unknown): MatchOptions {
	const options = isRecord(collection) ? collection : {};
	const number = (name: string): number | undefined => {
		const value = options[name];
		return typeof value === 'number' ? value : undefined;
	};
	const tipPercent = number('maxTipPercent');
	return resolveMatchOptions({
		minConfidence: number('minConfidence'),
		cardDaysBefore: number('cardDaysBefore'),
		cardDaysAfter: number('cardDaysAfter'),
		transferDaysBefore: number('transferDaysBefore'),
		transferDaysAfter: number('transferDaysAfter'),
		roundingToleranceCents: number('roundingToleranceCents'),
		maxTipRatio: tipPercent === undefined ? undefined : tipPercent / 100,
		maxTipCents: number('maxTipCents'),
		fuelPreauthorisationCents: options.fuelPreauthorisationCents === undefined ? undefined : numberList(options.fuelPreauthorisationCents).map(Math.round),
		vatRates: options.vatRatesPercent === undefined ? undefined : numberList(options.vatRatesPercent).map((percent) => percent / 100),
		includePending: typeof options.includePending === 'boolean' ? options.includePending : undefined,
		asOf: trimmedText(options.asOf) ?? undefined,
		supplierAliases: aliasesFrom(isRecord(options.supplierAliases) ? options.supplierAliases.alias : undefined),
		maxCandidates: number('maxCandidates'),
	});
}
