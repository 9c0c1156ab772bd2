/**
 * Listing transactions: the query of `GET /v2/transactions` per bank account (the API needs `bank_account_id` or
 * `iban`), the "window around a date" that feeds the matcher, and merging the lists of several accounts.
 */
import { calendarDayOf, dayOfIsoDate, dayWindow, timestampOf } from '../common/dates';
import { ReasonedError } from '../common/failure';
import { isRecord } from '../common/guards';
import { decimalToMinorUnits } from './amounts';
import type { QueryParams } from './query';

export interface TransactionFilters {
	/** `status[]`; empty = Qonto's default. */
	statuses?: readonly string[];
	side?: string | null;
	operationTypes?: readonly string[];
	settledAtFrom?: string | null;
	settledAtTo?: string | null;
	emittedAtFrom?: string | null;
	emittedAtTo?: string | null;
	updatedAtFrom?: string | null;
	updatedAtTo?: string | null;
	/** true/false filters on attachments; null/undefined = both. */
	withAttachments?: boolean | null;
	includes?: readonly string[];
	/** `field:direction`, e.g. `emitted_at:desc`. */
	sortBy?: string | null;
}

/** One account to list: by id, or by IBAN (Qonto takes either; the id wins when both are sent). */
export type AccountSelector = { bankAccountId: string } | { iban: string };

const IBAN_PATTERN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** A value typed or mapped by the user: an IBAN (spaces allowed) or a bank account id. */
export function accountSelectorFrom(value: string): AccountSelector {
	const compact = value.replace(/\s+/g, '').toUpperCase();
	return IBAN_PATTERN.test(compact) ? { iban: compact } : { bankAccountId: value.trim() };
}

export function transactionQuery(account: AccountSelector, filters: TransactionFilters): QueryParams {
	const query: QueryParams = 'iban' in account ? { iban: account.iban } : { bank_account_id: account.bankAccountId };
	if (filters.statuses?.length) query.status = [...filters.statuses];
	if (filters.side) query.side = filters.side;
	if (filters.operationTypes?.length) query.operation_type = [...filters.operationTypes];
	query.settled_at_from = filters.settledAtFrom ?? undefined;
	query.settled_at_to = filters.settledAtTo ?? undefined;
	query.emitted_at_from = filters.emittedAtFrom ?? undefined;
	query.emitted_at_to = filters.emittedAtTo ?? undefined;
	query.updated_at_from = filters.updatedAtFrom ?? undefined;
	query.updated_at_to = filters.updatedAtTo ?? undefined;
	if (filters.withAttachments === true || filters.withAttachments === false) query.with_attachments = filters.withAttachments;
	if (filters.includes?.length) query.includes = [...filters.includes];
	if (filters.sortBy) query.sort_by = filters.sortBy;
	return query;
}

/**
 * `emitted_at_from/_to` for "N days before to M days after this date": from the start of the first day to the end of
 * the last, in UTC. The default of the node (3 before, 35 after) covers the matcher's card window (−2/+7 days) and
 * its transfer window (−3/+35 days).
 */
export function dateWindow(date: unknown, daysBefore: number, daysAfter: number): { from: string; to: string } {
	const day = calendarDayOf(date);
	const dayNumber = day === null ? null : dayOfIsoDate(day);
	if (dayNumber === null) {
		throw new ReasonedError('invalid_date', `"${String(date)}" is not a date`, { value: String(date) }, 'Give the date as YYYY-MM-DD or an ISO 8601 timestamp, e.g. {{ $json.date }}.');
	}
	const before = Math.max(0, Math.floor(Number.isFinite(daysBefore) ? daysBefore : 0));
	const after = Math.max(0, Math.floor(Number.isFinite(daysAfter) ? daysAfter : 0));
	return dayWindow(dayNumber, before, after);
}

interface SortKey {
	field: string;
	descending: boolean;
}

function parseSort(sortBy: string | null | undefined): SortKey {
	const [field, direction] = (sortBy || 'emitted_at:desc').split(':');
	return { field: field || 'emitted_at', descending: direction !== 'asc' };
}

/**
 * The transactions of several accounts as one list, ordered like Qonto orders one account (`sort_by`, default
 * `emitted_at:desc`; missing dates last; ties by id so the order is deterministic), cut to `limit`.
 */
export function mergeTransactions<T>(lists: readonly (readonly T[])[], sortBy?: string | null, limit?: number): T[] {
	const all = lists.flat();
	if (lists.length > 1) {
		const { field, descending } = parseSort(sortBy);
		const entries = all.map((item) => {
			const record: Record<string, unknown> = isRecord(item) ? item : {};
			return { item, time: timestampOf(record[field]), id: String(record.id ?? '') };
		});
		entries.sort((a, b) => {
			if (a.time === null || b.time === null) return a.time === b.time ? a.id.localeCompare(b.id) : a.time === null ? 1 : -1;
			if (a.time !== b.time) return descending ? b.time - a.time : a.time - b.time;
			return a.id.localeCompare(b.id);
		});
		all.splice(0, all.length, ...entries.map((entry) => entry.item));
	}
	return limit === undefined ? all : all.slice(0, Math.max(0, limit));
}

/** A transaction with `amount_cents`/`local_amount_cents` filled from the major-unit amounts when Qonto left them out. */
export function normalizeTransaction<T>(transaction: T): T {
	if (typeof transaction !== 'object' || transaction === null) return transaction;
	const record = transaction as Record<string, unknown>;
	const fill = (centsKey: string, amountKey: string, currencyKey: string): Record<string, unknown> => {
		if (Number.isInteger(record[centsKey]) || record[amountKey] === undefined || record[amountKey] === null) return {};
		const cents = decimalToMinorUnits(record[amountKey], typeof record[currencyKey] === 'string' ? (record[currencyKey] as string) : null);
		return cents === null ? {} : { [centsKey]: Math.abs(cents) };
	};
	const filled = { ...fill('amount_cents', 'amount', 'currency'), ...fill('local_amount_cents', 'local_amount', 'local_currency') };
	return Object.keys(filled).length ? ({ ...record, ...filled } as T) : transaction;
}
