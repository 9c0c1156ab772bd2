import { dayOfTime } from '../common/dates';
import { readDocument, readTransaction, type Candidate, type ReadDocument } from './input';
import { matchReadTransactions } from './matchTransaction';
import { resolveMatchOptions } from './options';
import { amountKind, digitMisreadVariants, inferFxRates, withinDateWindow } from './signals';
import type { MatchDecision, MatchDocument, MatchOptions } from './types';

export interface TransactionIndexOptions {
	/** A document without a date is compared with transactions up to this many days before `asOf` (default 400). */
	undatedLookbackDays?: number;
}

interface Entry {
	raw: unknown;
	candidate: Candidate;
}

/** One day's transactions, sorted by each amount a document can be compared with (typed copies for fast search). */
interface AmountSorted {
	entries: Entry[];
	byLocalAmount: Entry[];
	localAmounts: Float64Array;
	byAccountAmount: Entry[];
	accountAmounts: Float64Array;
}

type Range = [low: number, high: number];

/** Foreign card payments this close to a document feed its conversion rate (as in `inferFxRates`). */
const FX_REFERENCE_DAYS = 30;

const dayOf = (entry: Entry): number => entry.candidate.day ?? 0;

function lowerBound(sorted: ArrayLike<number>, value: number): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (sorted[middle] < value) low = middle + 1;
		else high = middle;
	}
	return low;
}

function amountSorted(entries: readonly Entry[]): AmountSorted {
	const byLocalAmount = entries
		.filter((entry) => entry.candidate.localAmountCents !== null)
		.sort((a, b) => (a.candidate.localAmountCents ?? 0) - (b.candidate.localAmountCents ?? 0));
	const byAccountAmount = entries
		.filter((entry) => entry.candidate.amountCents !== null)
		.sort((a, b) => (a.candidate.amountCents ?? 0) - (b.candidate.amountCents ?? 0));
	return {
		entries: [...entries],
		byLocalAmount,
		localAmounts: Float64Array.from(byLocalAmount, (entry) => entry.candidate.localAmountCents ?? 0),
		byAccountAmount,
		accountAmounts: Float64Array.from(byAccountAmount, (entry) => entry.candidate.amountCents ?? 0),
	};
}

/** Adds to `found` the entries whose amount lies in one of the (sorted, disjoint) ranges. */
function collectSorted(entries: readonly Entry[], amounts: Float64Array, ranges: readonly Range[], found: Set<Entry>): void {
	if (amounts.length === 0) return;
	const largest = amounts[amounts.length - 1];
	// Indexed loops: destructuring tuples here allocates iterators in the hottest loop of the index.
	for (let r = 0; r < ranges.length; r++) {
		const low = ranges[r][0];
		const high = ranges[r][1];
		if (low > largest) return;
		for (let i = lowerBound(amounts, low); i < amounts.length && amounts[i] <= high; i++) found.add(entries[i]);
	}
}

/** Adds to `found` the entries whose local or account amount lies in one of the ranges. */
function collectInRanges(sorted: AmountSorted, ranges: readonly Range[], found: Set<Entry>): void {
	collectSorted(sorted.byLocalAmount, sorted.localAmounts, ranges, found);
	collectSorted(sorted.byAccountAmount, sorted.accountAmounts, ranges, found);
}

/** Sorts ranges and merges the overlapping ones. */
function mergeRanges(ranges: Range[]): Range[] {
	const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
	const merged: Range[] = [];
	for (const [low, high] of sorted) {
		const last = merged[merged.length - 1];
		if (last && low <= last[1]) last[1] = Math.max(last[1], high);
		else merged.push([low, high]);
	}
	return merged;
}

/**
 * Every amount `amountKind` could accept for this document, as ranges (a superset: the matcher's own check runs
 * on whatever falls inside). Null when the document has no total, so the amount cannot narrow anything.
 */
function amountRanges(read: ReadDocument, options: MatchOptions, fxRates: ReadonlyMap<string, number>): Range[] | null {
	const total = read.totalCents;
	if (total === null) return null;
	const slack = Math.max(2, total * 0.002);
	const ranges: Range[] = [
		[total - options.roundingToleranceCents, total + Math.max(total * options.maxTipRatio, options.maxTipCents, options.roundingToleranceCents)],
		...options.vatRates.map((rate): Range => [total * (1 + rate) - slack, total * (1 + rate) + slack]),
		...[...options.fuelPreauthorisationCents, ...digitMisreadVariants(total)].map((cents): Range => [cents, cents]),
	];
	if (read.tipCents !== null) ranges.push([total + read.tipCents, total + read.tipCents]);
	const rate = read.currency === null ? undefined : fxRates.get(read.currency);
	if (rate !== undefined) ranges.push([total * rate * 0.99 - 1, total * rate * 1.08 + 1]);
	return mergeRanges(ranges);
}

/**
 * A long transaction history indexed by emission day and, within each day, by amount: a document is compared with
 * the few transactions whose date and amount could fit instead of all of them. For a dated document,
 * `index.match(document, options)` decides exactly as `matchTransaction(document, wholeHistory, options)`: the
 * transactions it skips could not fit, and it keeps the foreign card payments the FX rate is inferred from.
 */
export class TransactionIndex {
	/** Card payments and transfers apart: their date windows differ (a week against five). */
	private readonly cardDays = new Map<number, AmountSorted>();
	private readonly transferDays = new Map<number, AmountSorted>();
	private readonly all: AmountSorted;
	/** Card payments in a foreign currency, by currency, sorted by day. */
	private readonly foreignByCurrency = new Map<string, Entry[]>();
	private readonly lookbackDays: number;
	readonly size: number;

	private constructor(entries: Entry[], options: TransactionIndexOptions) {
		const cardsByDay = new Map<number, Entry[]>();
		const transfersByDay = new Map<number, Entry[]>();
		for (const entry of entries) {
			const byDay = entry.candidate.isTransfer ? transfersByDay : cardsByDay;
			const list = byDay.get(dayOf(entry)) ?? [];
			list.push(entry);
			byDay.set(dayOf(entry), list);
			const { localCurrency, currency } = entry.candidate;
			if (localCurrency !== null && currency !== null && localCurrency !== currency) {
				const foreign = this.foreignByCurrency.get(localCurrency) ?? [];
				foreign.push(entry);
				this.foreignByCurrency.set(localCurrency, foreign);
			}
		}
		for (const [day, list] of cardsByDay) this.cardDays.set(day, amountSorted(list));
		for (const [day, list] of transfersByDay) this.transferDays.set(day, amountSorted(list));
		for (const list of this.foreignByCurrency.values()) list.sort((a, b) => dayOf(a) - dayOf(b));
		this.all = amountSorted(entries);
		this.lookbackDays = options.undatedLookbackDays ?? 400;
		this.size = entries.length;
	}

	/** Builds the index; entries without an id or a date cannot be matched and are left out. */
	static build(transactions: Iterable<unknown>, options: TransactionIndexOptions = {}): TransactionIndex {
		const entries: Entry[] = [];
		for (const raw of transactions) {
			const candidate = readTransaction(raw);
			if (candidate && candidate.day !== null) entries.push({ raw, candidate });
		}
		return new TransactionIndex(entries, options);
	}

	/** The raw transactions that could be the document's (plus the foreign card payments FX rates come from). */
	candidatesFor(document: MatchDocument, partialOptions?: Partial<MatchOptions> | null): unknown[] {
		const options = resolveMatchOptions(partialOptions);
		return this.lookUp(readDocument(document, options.supplierAliases), options).map((entry) => entry.raw);
	}

	/** The decision `matchTransaction` would take on the whole history, from the few transactions that could fit. */
	match(document: MatchDocument, partialOptions?: Partial<MatchOptions> | null): MatchDecision {
		const options = resolveMatchOptions(partialOptions);
		const read = readDocument(document, options.supplierAliases);
		return matchReadTransactions(
			read,
			this.lookUp(read, options).map((entry) => entry.candidate),
			options,
		);
	}

	private lookUp(read: ReadDocument, options: MatchOptions): Entry[] {
		const asOfMs = options.asOf ? Date.parse(options.asOf) : NaN;
		const lastDay = Number.isFinite(asOfMs) ? dayOfTime(asOfMs) : Number.POSITIVE_INFINITY;
		if (read.day === null) return this.undated(read, options, lastDay);

		const references = this.fxReferences(read, lastDay);
		const fxRates = inferFxRates(
			read,
			references.map((entry) => entry.candidate),
			Number.isFinite(asOfMs) ? asOfMs : null,
		);
		const ranges = amountRanges(read, options, fxRates);
		const inRange = new Set<Entry>();
		const windows: Array<[Map<number, AmountSorted>, number, number]> = [
			[this.cardDays, options.cardDaysBefore, options.cardDaysAfter],
			[this.transferDays, options.transferDaysBefore, options.transferDaysAfter],
		];
		for (const [days, before, after] of windows) {
			for (let day = read.day - before, end = Math.min(read.day + after, lastDay); day <= end; day++) {
				const bucket = days.get(day);
				if (!bucket) continue;
				if (ranges) collectInRanges(bucket, ranges, inRange);
				else for (const entry of bucket.entries) inRange.add(entry);
			}
		}
		const context = { fxRates };
		const found = new Set<Entry>(references);
		for (const entry of inRange) {
			if (withinDateWindow(read, entry.candidate, options) && amountKind(read, entry.candidate, options, context) !== 'none') found.add(entry);
		}
		return [...found];
	}

	/** Foreign card payments in the document's currency within a month of it. */
	private fxReferences(read: ReadDocument, lastDay: number): Entry[] {
		const list = read.currency === null || read.day === null ? undefined : this.foreignByCurrency.get(read.currency);
		if (!list || read.day === null) return [];
		const until = Math.min(read.day + FX_REFERENCE_DAYS, lastDay);
		const references: Entry[] = [];
		for (const entry of list) if (dayOf(entry) >= read.day - FX_REFERENCE_DAYS && dayOf(entry) <= until) references.push(entry);
		return references;
	}

	/** Without a date, look the amount (and its tip, VAT and misread-digit variants) up within the lookback. */
	private undated(read: ReadDocument, options: MatchOptions, lastDay: number): Entry[] {
		const firstDay = Number.isFinite(lastDay) ? lastDay - this.lookbackDays : Number.NEGATIVE_INFINITY;
		const inLookback = (entry: Entry) => dayOf(entry) >= firstDay && dayOf(entry) <= lastDay;
		const ranges = amountRanges(read, options, new Map());
		const convertible = read.currency !== null && this.foreignByCurrency.has(read.currency);
		if (ranges === null || convertible) {
			// No total, or a foreign one whose conversion rate needs every payment abroad: compare with all of them.
			return this.all.entries.filter(inLookback);
		}
		const found = new Set<Entry>();
		collectInRanges(this.all, ranges, found);
		return [...found].filter(inLookback);
	}
}
