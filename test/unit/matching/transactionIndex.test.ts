import fc from 'fast-check';

import { matchTransaction, TransactionIndex, type MatchDecision, type MatchDocument, type QontoTransaction } from '../../../src/matching';
import { receipt, transaction } from './builders';

const DAY_MS = 86_400_000;
const BASE = Date.UTC(2018, 2, 12, 12);
const at = (days: number, hours = 0) => new Date(BASE + days * DAY_MS + hours * 3_600_000).toISOString();

/** The counts describe the candidates the matcher saw, which the index narrows on purpose. */
const decisionOf = ({ excluded: _excluded, candidateCount: _count, ...decision }: MatchDecision) => decision;

const LABELS = ['SANYU STATIONERY SHOP', 'SUMUP *RESTORAN WAN SHENG', 'CB GARDENIA 120318', 'PETRON BKT JALIL', 'MONOPRIX 992', 'AIR FRANCE'];

let sequence = 0;
const historyEntry = fc
	.record({
		label: fc.constantFrom(...LABELS),
		amount: fc.oneof(fc.constantFrom(1234, 1334, 1480, 3600, 12_000, 820, 828), fc.integer({ min: 100, max: 50_000 })),
		day: fc.integer({ min: -60, max: 60 }),
		hours: fc.integer({ min: 0, max: 23 }),
		status: fc.constantFrom('completed', 'completed', 'pending', 'declined'),
		side: fc.constantFrom('debit', 'debit', 'credit'),
		operation: fc.constantFrom('card', 'card', 'transfer'),
		category: fc.constantFrom('restaurant_and_bar', 'gas_station', 'office_supply'),
		foreign: fc.option(fc.record({ currency: fc.constantFrom('MYR', 'USD'), local: fc.integer({ min: 100, max: 60_000 }) }), { nil: null }),
	})
	.map((entry): QontoTransaction => {
		sequence++;
		return {
			id: `h-${String(sequence).padStart(8, '0')}`,
			amount_cents: entry.amount,
			currency: 'EUR',
			local_amount_cents: entry.foreign ? entry.foreign.local : entry.amount,
			local_currency: entry.foreign ? entry.foreign.currency : 'EUR',
			side: entry.side,
			operation_type: entry.operation,
			label: entry.label,
			clean_counterparty_name: null,
			emitted_at: at(entry.day, entry.hours),
			settled_at: entry.status === 'pending' ? null : at(entry.day + 1),
			status: entry.status,
			attachment_ids: [],
			category: entry.category,
		};
	});

const documents: fc.Arbitrary<MatchDocument> = fc.record({
	supplierName: fc.constantFrom('SANYU STATIONERY SHOP', 'RESTORAN WAN SHENG', 'GARDENIA BAKERIES (KL) SDN BHD', 'PETRON BKT JALIL', null),
	date: fc.oneof(fc.integer({ min: -50, max: 50 }).map((days) => at(days).slice(0, 10)), fc.constant(null)),
	totalAmountCents: fc.oneof(fc.constantFrom(1234, 1480, 3000, 820, 6543, -1234), fc.integer({ min: 100, max: 50_000 }), fc.constant(null)),
	currency: fc.constantFrom('EUR', 'EUR', 'MYR', 'USD', null),
});

describe('TransactionIndex', () => {
	it('decides exactly as a scan of the whole history', () => {
		fc.assert(
			fc.property(fc.array(historyEntry, { minLength: 1, maxLength: 120 }), documents, fc.option(fc.integer({ min: -10, max: 70 }), { nil: null }), (history, document, asOfDay) => {
				const options = asOfDay === null ? {} : { asOf: at(asOfDay) };
				const index = TransactionIndex.build(history);
				expect(decisionOf(index.match(document, options))).toEqual(decisionOf(matchTransaction(document, history, options)));
			}),
			{ numRuns: 1000 },
		);
	});

	it('hands the matcher only transactions whose day and amount could fit', () => {
		const near = transaction({ emitted_at: at(1) });
		const tip = transaction({ amount_cents: 1334, local_amount_cents: 1334, category: 'restaurant_and_bar', emitted_at: at(0) });
		const farDay = transaction({ emitted_at: at(20) });
		const otherAmount = transaction({ amount_cents: 9999, local_amount_cents: 9999 });
		const index = TransactionIndex.build([near, tip, farDay, otherAmount]);
		expect(index.size).toBe(4);
		expect(index.candidatesFor(receipt())).toEqual(expect.arrayContaining([near, tip]));
		expect(index.candidatesFor(receipt())).toHaveLength(2);
	});

	it('looks an undated document up by amount within the lookback', () => {
		const old = transaction({ emitted_at: at(-500) });
		const recent = transaction({ emitted_at: at(-30) });
		const index = TransactionIndex.build([old, recent], { undatedLookbackDays: 400 });
		expect(index.candidatesFor(receipt({ date: null }), { asOf: at(0) })).toEqual([recent]);
	});

	it('keeps the foreign card payments the conversion rate is inferred from', () => {
		const abroad = transaction({ label: 'YAM FRESH KL', amount_cents: 950, local_amount_cents: 1000, local_currency: 'USD', emitted_at: at(-3) });
		const converted = transaction({ label: 'SUBANG HEALTHCARE', amount_cents: 2855, local_amount_cents: 2855 });
		const index = TransactionIndex.build([abroad, converted, transaction({ amount_cents: 777, local_amount_cents: 777 })]);
		const document = receipt({ supplierName: 'SUBANG HEALTHCARE', totalAmountCents: 2890, currency: 'USD' });
		expect(index.candidatesFor(document)).toEqual(expect.arrayContaining([abroad, converted]));
		expect(index.match(document).best).toMatchObject({ transactionId: converted.id, amountKind: 'converted' });
	});

	it('skips entries it cannot read', () => {
		expect(TransactionIndex.build([null, 'x', { id: 'no-date' }, transaction()]).size).toBe(1);
	});
});
