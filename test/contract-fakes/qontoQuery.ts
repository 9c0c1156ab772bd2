/**
 * Query parameters of Qonto's list endpoints (api-contracts §1.2, §1.4, §1.6): validation with JSON:API errors,
 * filters, sorting and the documented pagination `meta`.
 */
import type { Json } from './qontoData';
import { allValues, firstValue, type QueryValue } from './server';

export interface QueryProblem {
	code: string;
	detail: string;
	parameter: string;
}

export interface PageRequest {
	page: number;
	perPage: number;
}

export interface PaginationMeta {
	current_page: number;
	next_page: number | null;
	prev_page: number | null;
	total_pages: number;
	total_count: number;
	per_page: number;
}

type Query = Record<string, QueryValue>;

export function isProblem(value: unknown): value is QueryProblem {
	return typeof value === 'object' && value !== null && 'parameter' in value && 'code' in value;
}

/** page ≥ 1 (default 1), 1 ≤ per_page ≤ 100 (default 100). */
export function pageRequest(query: Query): PageRequest | QueryProblem {
	const page = integerParam(query, 'page', 1);
	const perPage = integerParam(query, 'per_page', 100);
	if (page === null || page < 1) return { code: 'invalid', detail: 'page must be an integer greater than or equal to 1', parameter: 'page' };
	if (perPage === null || perPage < 1) return { code: 'invalid', detail: 'per_page must be an integer greater than or equal to 1', parameter: 'per_page' };
	if (perPage > 100) return { code: 'less_than_or_equal_to', detail: 'per_page must be less than or equal to 100', parameter: 'per_page' };
	return { page, perPage };
}

function integerParam(query: Query, name: string, fallback: number): number | null {
	const raw = firstValue(query[name]);
	if (raw === undefined || raw === '') return fallback;
	return /^-?\d+$/.test(raw) ? Number(raw) : null;
}

export function paginate<T>(items: T[], request: PageRequest): { items: T[]; meta: PaginationMeta } {
	const totalPages = Math.max(1, Math.ceil(items.length / request.perPage));
	const start = (request.page - 1) * request.perPage;
	return {
		items: items.slice(start, start + request.perPage),
		meta: {
			current_page: request.page,
			next_page: request.page < totalPages ? request.page + 1 : null,
			prev_page: request.page > 1 ? request.page - 1 : null,
			total_pages: totalPages,
			total_count: items.length,
			per_page: request.perPage,
		},
	};
}

const TRANSACTION_STATUSES = ['pending', 'declined', 'completed'];
const SIDES = ['credit', 'debit'];
const INCLUDES = ['labels', 'attachments', 'vat_details'];
const TRANSACTION_SORT_FIELDS = ['updated_at', 'settled_at', 'emitted_at'];
const DATE_FILTERS = ['settled_at', 'emitted_at', 'updated_at', 'created_at'];

export interface TransactionQuery {
	statuses: string[] | null;
	side?: string;
	operationTypes: string[];
	ranges: Array<{ field: string; from?: number; to?: number }>;
	withAttachments?: boolean;
	includes: string[];
	sort: { field: string; direction: 'asc' | 'desc' };
}

/** Parses and validates GET /v2/transactions filters (the bank account is resolved by the caller). */
export function transactionQuery(query: Query): TransactionQuery | QueryProblem {
	const statuses = allValues(query, 'status');
	const badStatus = statuses.find((status) => !TRANSACTION_STATUSES.includes(status));
	if (badStatus !== undefined) return { code: 'not_in_list', detail: `status must be one of: ${TRANSACTION_STATUSES.join(', ')}`, parameter: 'status' };
	const side = firstValue(query.side);
	if (side !== undefined && !SIDES.includes(side)) return { code: 'not_in_list', detail: `side must be one of: ${SIDES.join(', ')}`, parameter: 'side' };
	const includes = allValues(query, 'includes');
	const badInclude = includes.find((include) => !INCLUDES.includes(include));
	if (badInclude !== undefined) return { code: 'not_in_list', detail: `includes must be one of: ${INCLUDES.join(', ')}`, parameter: 'includes' };
	const withAttachments = firstValue(query.with_attachments);
	if (withAttachments !== undefined && !['true', 'false'].includes(withAttachments)) return { code: 'invalid', detail: 'with_attachments must be true or false', parameter: 'with_attachments' };
	const ranges = dateRanges(query, DATE_FILTERS);
	if (isProblem(ranges)) return ranges;
	const sort = sortParam(firstValue(query.sort_by), TRANSACTION_SORT_FIELDS, { field: 'settled_at', direction: 'desc' });
	if (isProblem(sort)) return sort;
	return {
		statuses: statuses.length > 0 ? statuses : null,
		side,
		operationTypes: allValues(query, 'operation_type'),
		ranges,
		withAttachments: withAttachments === undefined ? undefined : withAttachments === 'true',
		includes,
		sort,
	};
}

function dateRanges(query: Query, fields: string[], wrap = (name: string) => name): TransactionQuery['ranges'] | QueryProblem {
	const ranges: TransactionQuery['ranges'] = [];
	for (const field of fields) {
		const range: TransactionQuery['ranges'][number] = { field };
		for (const end of ['from', 'to'] as const) {
			const parameter = wrap(`${field}_${end}`);
			const raw = firstValue(query[parameter]);
			if (raw === undefined) continue;
			const time = Date.parse(raw);
			if (Number.isNaN(time)) return { code: 'invalid', detail: `${parameter} must be a valid ISO 8601 date time`, parameter };
			range[end] = time;
		}
		if (range.from !== undefined || range.to !== undefined) ranges.push(range);
	}
	return ranges;
}

function sortParam(raw: string | undefined, fields: string[], fallback: TransactionQuery['sort']): TransactionQuery['sort'] | QueryProblem {
	if (raw === undefined || raw === '') return fallback;
	const [field, direction = 'desc'] = raw.replace(/`/g, '').split(':');
	if (!fields.includes(field) || !['asc', 'desc'].includes(direction)) {
		return { code: 'not_in_list', detail: `sort_by must be one of: ${fields.flatMap((name) => [`${name}:asc`, `${name}:desc`]).join(', ')}`, parameter: 'sort_by' };
	}
	return { field, direction: direction as 'asc' | 'desc' };
}

export function filterTransactions(transactions: Json[], query: TransactionQuery, defaultStatuses: string[] | null): Json[] {
	const statuses = query.statuses ?? defaultStatuses;
	const kept = transactions.filter(
		(transaction) =>
			(!statuses || statuses.includes(transaction.status)) &&
			(query.side === undefined || transaction.side === query.side) &&
			(query.operationTypes.length === 0 || query.operationTypes.includes(transaction.operation_type)) &&
			(query.withAttachments === undefined || transaction.attachment_ids.length > 0 === query.withAttachments) &&
			query.ranges.every((range) => inRange(transaction[range.field], range)),
	);
	return sortBy(kept, query.sort);
}

function inRange(value: unknown, range: { from?: number; to?: number }): boolean {
	if (typeof value !== 'string') return false; // e.g. settled_at null while pending
	const time = Date.parse(value);
	return (range.from === undefined || time >= range.from) && (range.to === undefined || time <= range.to);
}

/** Stable sort on a field; missing values (null settled_at…) go last either way. */
export function sortBy(items: Json[], sort: { field: string; direction: 'asc' | 'desc' }): Json[] {
	const sign = sort.direction === 'asc' ? 1 : -1;
	return [...items].sort((a, b) => {
		const left = a[sort.field];
		const right = b[sort.field];
		if (left === null || left === undefined) return right === null || right === undefined ? 0 : 1;
		if (right === null || right === undefined) return -1;
		return sign * String(left).localeCompare(String(right));
	});
}

const INVOICE_STATUSES = ['to_review', 'to_approve', 'awaiting_payment', 'pending', 'scheduled', 'paid', 'archived', 'rejected', 'discarded'];
const INVOICE_SORT_FIELDS = ['created_at', 'file_name', 'supplier_name', 'payment_date', 'due_date', 'scheduled_date', 'total_amount'];

/** Filters of GET /v2/supplier_invoices that are cheap to support: status, attachment_id, dates, matched_transactions. */
export function filterSupplierInvoices(invoices: Json[], query: Query): Json[] | QueryProblem {
	const statuses = allValues(query, 'filter[status]');
	const badStatus = statuses.find((status) => !INVOICE_STATUSES.includes(status));
	if (badStatus !== undefined) return { code: 'not_in_list', detail: `filter[status] must be one of: ${INVOICE_STATUSES.join(', ')}`, parameter: 'filter[status]' };
	const attachmentIds = allValues(query, 'filter[attachment_id]');
	const ranges = dateRanges(query, ['created_at', 'updated_at'], (name) => `filter[${name}]`);
	if (isProblem(ranges)) return ranges;
	const matched = firstValue(query['filter[matched_transactions]']);
	const sort = sortParam(firstValue(query.sort_by), INVOICE_SORT_FIELDS, { field: 'created_at', direction: 'desc' });
	if (isProblem(sort)) return sort;
	const kept = invoices.filter(
		(invoice) =>
			(statuses.length === 0 || statuses.includes(invoice.status)) &&
			(attachmentIds.length === 0 || attachmentIds.includes(invoice.attachment_id)) &&
			(matched === undefined || (invoice.matched_transactions ?? []).length > 0 === (matched === 'true')) &&
			ranges.every((range) => inRange(invoice[range.field], range)),
	);
	return sortBy(kept, sort);
}
