/**
 * Qonto pagination: `page` (from 1) and `per_page` (≤ 100) in, `meta: {current_page, next_page|null, total_pages, …}`
 * out. Two quirks are handled: some lists omit `next_page` on their last page (use `total_pages`), and
 * `GET /v2/bank_accounts` answers without any `meta` (a full page means "ask for the next one").
 */
import { MAX_PER_PAGE } from './constants';

export interface PageMeta {
	currentPage: number | null;
	nextPage: number | null;
	totalPages: number | null;
	totalCount: number | null;
	/** Whether the answer had a `meta` object at all. */
	present: boolean;
	/** Whether `meta` had a `next_page` key (null counts as present). */
	hasNextPageKey: boolean;
}

function integer(value: unknown): number | null {
	if (typeof value === 'number' && Number.isInteger(value)) return value;
	if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
	return null;
}

export function readPageMeta(body: unknown): PageMeta {
	const meta = typeof body === 'object' && body !== null ? (body as { meta?: unknown }).meta : undefined;
	if (typeof meta !== 'object' || meta === null) {
		return { currentPage: null, nextPage: null, totalPages: null, totalCount: null, present: false, hasNextPageKey: false };
	}
	const record = meta as Record<string, unknown>;
	return {
		currentPage: integer(record.current_page),
		nextPage: integer(record.next_page),
		totalPages: integer(record.total_pages),
		totalCount: integer(record.total_count),
		present: true,
		hasNextPageKey: 'next_page' in record,
	};
}

/** The items of a list answer under `key` (e.g. `transactions`); [] when missing. */
export function itemsOf<T = unknown>(body: unknown, key: string): T[] {
	const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
	return Array.isArray(value) ? (value as T[]) : [];
}

/** The page to ask for after `page`, or null when this was the last one. */
export function nextPageAfter(body: unknown, page: number, itemCount: number, perPage: number): number | null {
	const meta = readPageMeta(body);
	if (meta.present) {
		if (meta.nextPage !== null) return meta.nextPage > page ? meta.nextPage : null;
		if (meta.hasNextPageKey) return null;
		const current = meta.currentPage ?? page;
		if (meta.totalPages !== null) return current < meta.totalPages ? current + 1 : null;
		return itemCount >= perPage && itemCount > 0 ? page + 1 : null;
	}
	// No meta (bank accounts): only a full page can have a successor.
	return itemCount >= perPage && itemCount > 0 ? page + 1 : null;
}

export interface CollectOptions {
	/** Key of the list in each answer (`transactions`, `memberships`, …). */
	key: string;
	/** Stop once this many items are collected; undefined = all pages. */
	limit?: number;
	/** Page size, capped to 1…100; default 100. */
	perPage?: number;
	/** Safety net against an endpoint that ignores `page`; default 10,000 pages. */
	maxPages?: number;
	/** Identity of an item, to notice an endpoint that repeats the same page; default its `id`. */
	idOf?: (item: unknown) => unknown;
}

export interface Collected<T> {
	items: T[];
	/** How many pages were requested. */
	pages: number;
	/** Whether more items existed than the limit let through. */
	truncated: boolean;
}

export function clampPerPage(perPage: number | undefined): number {
	if (perPage === undefined || !Number.isFinite(perPage)) return MAX_PER_PAGE;
	return Math.min(MAX_PER_PAGE, Math.max(1, Math.floor(perPage)));
}

const defaultIdOf = (item: unknown): unknown => (typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined);

/**
 * Requests pages until the last one or the limit. `fetchPage` does the HTTP call (retries included) and returns the
 * decoded body. Pure apart from `fetchPage`.
 */
export async function collectPages<T>(fetchPage: (page: number, perPage: number) => Promise<unknown>, options: CollectOptions): Promise<Collected<T>> {
	const limit = options.limit === undefined ? Infinity : Math.max(0, Math.floor(options.limit));
	// Never ask for more than needed when a small limit is set, never for more than 100.
	const perPage = clampPerPage(Math.min(options.perPage ?? MAX_PER_PAGE, limit === Infinity ? MAX_PER_PAGE : Math.max(limit, 1)));
	const maxPages = options.maxPages ?? 10_000;
	const idOf = options.idOf ?? defaultIdOf;
	const items: T[] = [];
	const seen = new Set<unknown>();
	let page: number | null = 1;
	let pages = 0;
	let truncated = false;
	if (limit === 0) return { items, pages, truncated };
	while (page !== null && pages < maxPages) {
		const body = await fetchPage(page, perPage);
		pages++;
		const pageItems = itemsOf<T>(body, options.key);
		const ids = pageItems.map(idOf).filter((id) => id !== undefined && id !== null);
		// An endpoint that ignores `page` hands back what we already have: stop instead of looping.
		if (ids.length > 0 && ids.every((id) => seen.has(id))) break;
		ids.forEach((id) => seen.add(id));
		for (const item of pageItems) {
			if (items.length >= limit) {
				truncated = true;
				break;
			}
			items.push(item);
		}
		if (items.length >= limit) {
			const next = nextPageAfter(body, page, pageItems.length, perPage);
			truncated = truncated || next !== null;
			break;
		}
		page = nextPageAfter(body, page, pageItems.length, perPage);
	}
	return { items, pages, truncated };
}
