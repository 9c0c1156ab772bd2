import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { clampPerPage, collectPages, itemsOf, nextPageAfter, readPageMeta } from '../../../src/qonto/pagination';

const QONTO = join(__dirname, '../../fixtures/api/qonto/docs_examples');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(QONTO, name), 'utf8'));

/** A paginated endpoint like Qonto's: `meta` on every page (or none, like bank accounts), ids item-N. */
function endpoint(total: number, options: { meta?: 'full' | 'withoutNextPage' | 'none'; ignoresPage?: boolean } = {}) {
	const requested: Array<[number, number]> = [];
	const fetchPage = async (page: number, perPage: number) => {
		requested.push([page, perPage]);
		const effective = options.ignoresPage ? 1 : page;
		const totalPages = Math.max(1, Math.ceil(total / perPage));
		const items = Array.from({ length: total }, (_, index) => ({ id: `item-${index}` })).slice((effective - 1) * perPage, effective * perPage);
		if (options.meta === 'none') return { things: items };
		const meta: Record<string, unknown> = { current_page: effective, prev_page: effective > 1 ? effective - 1 : null, total_pages: totalPages, total_count: total, per_page: perPage };
		if (options.meta !== 'withoutNextPage') meta.next_page = effective < totalPages ? effective + 1 : null;
		return { things: items, meta };
	};
	return { fetchPage, requested };
}

describe('readPageMeta / nextPageAfter', () => {
	it('reads the documented meta (memberships example: page 2 of 11)', () => {
		const body = fixture('memberships_list.response.json');
		expect(readPageMeta(body)).toEqual({ currentPage: 2, nextPage: 3, totalPages: 11, totalCount: 210, present: true, hasNextPageKey: true });
		expect(nextPageAfter(body, 2, 1, 20)).toBe(3);
	});

	it('stops on next_page null (transactions example)', () => {
		expect(nextPageAfter(fixture('transactions_list.response.json'), 1, 1, 100)).toBeNull();
	});

	it('uses total_pages when next_page is left out on a page', () => {
		expect(nextPageAfter({ meta: { current_page: 1, total_pages: 2 } }, 1, 100, 100)).toBe(2);
		expect(nextPageAfter({ meta: { current_page: 2, total_pages: 2 } }, 2, 3, 100)).toBeNull();
	});

	it('without meta (bank accounts), only a full page has a successor', () => {
		const body = fixture('bank_accounts_list.response.json');
		expect(readPageMeta(body).present).toBe(false);
		expect(nextPageAfter(body, 1, itemsOf(body, 'bank_accounts').length, 100)).toBeNull();
		expect(nextPageAfter({ bank_accounts: [] }, 1, 100, 100)).toBe(2);
		expect(nextPageAfter({ bank_accounts: [] }, 1, 0, 100)).toBeNull();
	});

	it('never goes backwards', () => {
		expect(nextPageAfter({ meta: { next_page: 1 } }, 3, 100, 100)).toBeNull();
	});

	it('clamps per_page to 1…100', () => {
		expect([clampPerPage(undefined), clampPerPage(500), clampPerPage(0), clampPerPage(7.9)]).toEqual([100, 100, 1, 7]);
	});
});

describe('collectPages', () => {
	it('follows meta.next_page over 3 pages', async () => {
		const { fetchPage, requested } = endpoint(250);
		const result = await collectPages(fetchPage, { key: 'things' });
		expect(requested).toEqual([
			[1, 100],
			[2, 100],
			[3, 100],
		]);
		expect(result).toMatchObject({ pages: 3, truncated: false });
		expect(result.items).toHaveLength(250);
	});

	it('stops at the limit and asks for small pages when the limit is small', async () => {
		const big = endpoint(250);
		const limited = await collectPages(big.fetchPage, { key: 'things', limit: 150 });
		expect(big.requested).toEqual([
			[1, 100],
			[2, 100],
		]);
		expect(limited).toMatchObject({ pages: 2, truncated: true });
		expect(limited.items).toHaveLength(150);
		const small = endpoint(250);
		expect((await collectPages(small.fetchPage, { key: 'things', limit: 5 })).items).toHaveLength(5);
		expect(small.requested).toEqual([[1, 5]]);
	});

	it('pages a list without meta by full pages (bank accounts)', async () => {
		const { fetchPage, requested } = endpoint(200, { meta: 'none' });
		const result = await collectPages(fetchPage, { key: 'things' });
		expect(requested.map(([page]) => page)).toEqual([1, 2, 3]);
		expect(result.items).toHaveLength(200);
	});

	it('stops when an endpoint ignores `page` and repeats itself', async () => {
		const { fetchPage, requested } = endpoint(100, { meta: 'none', ignoresPage: true });
		const result = await collectPages(fetchPage, { key: 'things' });
		expect(requested).toHaveLength(2);
		expect(result.items).toHaveLength(100);
	});

	it('returns every item exactly once, in order, up to the limit, for any size, page size, meta style and limit', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 0, max: 450 }),
				fc.integer({ min: 1, max: 100 }),
				fc.constantFrom<'full' | 'withoutNextPage' | 'none'>('full', 'withoutNextPage', 'none'),
				fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
				async (total, perPage, meta, limit) => {
					const { fetchPage } = endpoint(total, { meta });
					const result = await collectPages<{ id: string }>(fetchPage, { key: 'things', perPage, limit });
					const expected = Math.min(total, limit ?? Infinity);
					expect(result.items.map((item) => item.id)).toEqual(Array.from({ length: expected }, (_, index) => `item-${index}`));
				},
			),
			{ numRuns: 150 },
		);
	});
});
