// Currencies without two decimals, end to end: a Mindee V2 result is normalised, then matched against Qonto
// transactions whose local amount is in that currency. Before amounts used each currency's ISO 4217 exponent, a
// 1000 JPY receipt met a payment read as 100000 and found nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { matchTransaction, toMatchDocument } from '../../../src/matching';
import { normaliseInference } from '../../../src/mindee';
import { transaction } from './builders';

const EXTRACTION = join(__dirname, '../../fixtures/api/mindee/v2/extraction');

interface FieldValue {
	value: unknown;
}

/** Mindee's blank Financial Document result with a receipt's supplier, date, total and currency read. */
function mindeeResult(read: { supplier: string; date: string; total: number; currency: string; country: string }): unknown {
	const result = JSON.parse(readFileSync(join(EXTRACTION, 'blank.json'), 'utf8')) as { inference: { result: { fields: Record<string, FieldValue & { fields: Record<string, FieldValue> }> } } };
	const fields = result.inference.result.fields;
	fields.supplier_name.value = read.supplier;
	fields.date.value = read.date;
	fields.total_amount.value = read.total;
	fields.document_type.value = 'receipt';
	fields.locale.fields.currency.value = read.currency;
	fields.locale.fields.country.value = read.country;
	return result;
}

/** A card payment abroad, as Qonto lists it: the account's EUR amount, the local amount in major units. */
function paymentAbroad(local: { amount: number | string; currency: string; cents?: number }, fields: Record<string, unknown>) {
	return transaction({ amount_cents: 625, amount: 6.25, currency: 'EUR', local_amount: local.amount, local_amount_cents: local.cents, local_currency: local.currency, ...fields });
}

describe('a 1000 JPY receipt', () => {
	const record = normaliseInference(mindeeResult({ supplier: 'SUSHI ZANMAI TSUKIJI', date: '2026-03-12', total: 1000, currency: 'JPY', country: 'JP' }));
	const own = { label: 'SUSHI ZANMAI TSUKIJI TOKYO', clean_counterparty_name: 'Sushi Zanmai', emitted_at: '2026-03-12T03:00:00.000Z' };
	const others = [
		paymentAbroad({ amount: 1200, currency: 'JPY' }, { label: 'LAWSON 1234 TOKYO', clean_counterparty_name: 'Lawson', emitted_at: '2026-03-12T05:00:00.000Z' }),
		paymentAbroad({ amount: 10, currency: 'JPY' }, { label: 'FAMILYMART SHIBUYA', clean_counterparty_name: 'FamilyMart', emitted_at: '2026-03-12T06:00:00.000Z' }),
	];

	it('is read by Mindee as 1000 minor units (yen have no decimals)', () => {
		expect(record).toMatchObject({ currency: 'JPY', currencyExponent: 0, totalAmountCents: 1000 });
	});

	it('matches the payment whose local amount is 1000 JPY (major units only)', () => {
		const payment = paymentAbroad({ amount: 1000, currency: 'JPY' }, own);
		const decision = matchTransaction(record, [...others, payment]);
		expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id, best: { amountKind: 'exact_local' } });
		expect(decision.explanation).toContain('1000 JPY equals the total');
	});

	it('matches it from its local_amount_cents too, the yen being the minor unit', () => {
		const payment = paymentAbroad({ amount: '', cents: 1000, currency: 'JPY' }, own);
		expect(matchTransaction(record, [...others, payment])).toMatchObject({ outcome: 'matched', transactionId: payment.id });
	});

	it('trusts the major amount when a "cents" field disagrees with it (yen × 100)', () => {
		const payment = paymentAbroad({ amount: 1000, cents: 100_000, currency: 'JPY' }, own);
		expect(matchTransaction(record, [...others, payment])).toMatchObject({ outcome: 'matched', transactionId: payment.id });
	});

	it('reads a loosely typed document in major units with the same exponent', () => {
		expect(toMatchDocument({ supplierName: 'SUSHI ZANMAI', date: '2026-03-12', totalAmount: 1000, currency: 'jpy' })).toMatchObject({ totalAmountCents: 1000 });
	});
});

describe('a 12.345 BHD receipt', () => {
	const record = normaliseInference(mindeeResult({ supplier: 'AL OSRA SUPERMARKET WLL', date: '2026-03-12', total: 12.345, currency: 'BHD', country: 'BH' }));
	const own = { label: 'AL OSRA SUPERMARKET MANAMA', clean_counterparty_name: 'Al Osra Supermarket', emitted_at: '2026-03-12T09:00:00.000Z' };

	it('is read by Mindee as 12345 minor units (fils: three decimals)', () => {
		expect(record).toMatchObject({ currency: 'BHD', currencyExponent: 3, totalAmountCents: 12345 });
	});

	it('matches the payment whose local amount is 12.345 BHD, and says so with three decimals', () => {
		const payment = paymentAbroad({ amount: 12.345, currency: 'BHD' }, own);
		const nearby = paymentAbroad({ amount: '12.354', currency: 'BHD' }, { label: 'LULU HYPERMARKET', clean_counterparty_name: 'Lulu', emitted_at: '2026-03-13T09:00:00.000Z' });
		const decision = matchTransaction(record, [nearby, payment]);
		expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id, best: { amountKind: 'exact_local' } });
		expect(decision.explanation).toContain('12.345 BHD equals the total');
	});

	it('does not take a payment of 12.345 read with two decimals (1234.5 BHD) for it', () => {
		const payment = paymentAbroad({ amount: 1234.5, currency: 'BHD' }, own);
		expect(matchTransaction(record, [payment]).transactionId).toBeNull();
	});
});
