import { matchTransaction, type MatchDecision } from '../../../src/matching';
import { background, receipt, transaction } from './builders';

function reasonsOf(decision: MatchDecision): Record<string, string> {
	return Object.fromEntries((decision.best?.reasons ?? []).map((reason) => [reason.signal, reason.detail]));
}

describe('matchTransaction: one example per signal', () => {
	it('matches an exact amount, same day and same name, and explains why', () => {
		const payment = transaction();
		const decision = matchTransaction(receipt(), [...background(), payment]);
		expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
		expect(decision.confidence).toBeGreaterThan(0.95);
		expect(decision.best?.reasons.every((reason) => reason.agrees)).toBe(true);
		expect(decision.explanation).toMatch(/^Matched 'SANYU STATIONERY SHOP' 12\.34 EUR/);
	});

	describe('tips', () => {
		const restaurant = { label: 'RESTORAN WAN SHENG CHERAS', clean_counterparty_name: 'Restoran Wan Sheng', category: 'restaurant_and_bar' };

		it('accepts a restaurant charge of the total plus a tip', () => {
			const payment = transaction({ ...restaurant, amount_cents: 770, local_amount_cents: 770 });
			const decision = matchTransaction(receipt({ supplierName: 'RESTORAN WAN SHENG', totalAmountCents: 700 }), [...background(), payment]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
			expect(decision.best?.amountKind).toBe('tip');
			expect(reasonsOf(decision).amount).toContain('plus a tip of 0.70 EUR');
		});

		it('accepts the printed tip added to the total at any merchant', () => {
			const payment = transaction({ amount_cents: 1334, local_amount_cents: 1334 });
			const decision = matchTransaction(receipt({ totalAmountCents: 1234, tipAmountCents: 100 }), [payment]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
		});

		it('does not take a larger charge for a tip outside restaurants', () => {
			const payment = transaction({ amount_cents: 1350, local_amount_cents: 1350 });
			expect(matchTransaction(receipt(), [payment]).outcome).toBe('no_candidate');
		});

		it('does not take a charge over 25 % (and over 1.50) above the total for a tip', () => {
			const payment = transaction({ ...restaurant, amount_cents: 2000, local_amount_cents: 2000 });
			expect(matchTransaction(receipt({ supplierName: 'RESTORAN WAN SHENG', totalAmountCents: 1500 }), [payment]).outcome).toBe('no_candidate');
		});
	});

	describe('fuel pre-authorisation', () => {
		const pump = { label: 'PETRON BKT JALIL', clean_counterparty_name: 'Petron', category: 'gas_station', amount_cents: 12000, local_amount_cents: 12000 };

		it('accepts a pending pump hold of 120 EUR for a 65.43 EUR receipt', () => {
			const payment = transaction({ ...pump, status: 'pending', settled_at: null });
			const decision = matchTransaction(receipt({ supplierName: 'PETRON BKT JALIL SDN BHD', totalAmountCents: 6543 }), [...background(), payment]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
			expect(decision.best?.amountKind).toBe('fuel_preauthorisation');
		});

		it('does not once the payment settled (the final amount is known then)', () => {
			const payment = transaction({ ...pump });
			expect(matchTransaction(receipt({ supplierName: 'PETRON BKT JALIL SDN BHD', totalAmountCents: 6543 }), [payment]).outcome).toBe('no_candidate');
		});
	});

	describe('foreign currency', () => {
		it('compares a receipt in MYR with the local amount of a card payment abroad', () => {
			const payment = transaction({ label: 'GARDENIA BAKERIES KL SH', amount_cents: 1109, local_amount_cents: 5142, local_currency: 'MYR' });
			const decision = matchTransaction(receipt({ supplierName: 'GARDENIA BAKERIES (KL) SDN BHD', totalAmountCents: 5142, currency: 'MYR' }), [...background(), payment]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
			expect(decision.best?.amountKind).toBe('exact_local');
		});

		it('does not compare a receipt in MYR with an EUR amount of the same number', () => {
			const payment = transaction({ label: 'GARDENIA BAKERIES KL SH', amount_cents: 5142, local_amount_cents: 5142 });
			expect(matchTransaction(receipt({ supplierName: 'GARDENIA BAKERIES (KL) SDN BHD', totalAmountCents: 5142, currency: 'MYR' }), [payment]).outcome).toBe('no_candidate');
		});

		it('recognises a terminal conversion (DCC) from the rate of the trip\'s other payments', () => {
			const trip = [
				transaction({ label: 'YAM FRESH KL', amount_cents: 950, local_amount_cents: 1000, local_currency: 'USD', emitted_at: '2018-03-10T10:00:00.000Z' }),
				transaction({ label: 'TF VALUE MART', amount_cents: 1900, local_amount_cents: 2000, local_currency: 'USD', emitted_at: '2018-03-11T10:00:00.000Z' }),
			];
			// 28.90 USD at 0.95 is 27.46 EUR; the terminal charged 28.55 EUR (4 % markup).
			const payment = transaction({ label: 'SUBANG HEALTHCARE SUBA', amount_cents: 2855, local_amount_cents: 2855 });
			const decision = matchTransaction(receipt({ supplierName: 'SUBANG HEALTHCARE SDN BHD', totalAmountCents: 2890, currency: 'USD' }), [...trip, payment]);
			expect(decision.best).toMatchObject({ transactionId: payment.id, amountKind: 'converted' });
		});
	});

	describe('pending card payments', () => {
		const pending = { status: 'pending', settled_at: null, emitted_at: '2018-03-12T09:00:00.000Z' };

		it('dates a pending payment (settled_at null) by emitted_at', () => {
			const payment = transaction(pending);
			const decision = matchTransaction(receipt(), [...background(), payment]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
			expect(decision.best?.dayOffset).toBe(0);
		});

		it('leaves pending payments out when includePending is false', () => {
			const decision = matchTransaction(receipt(), [transaction(pending)], { includePending: false });
			expect(decision.outcome).toBe('no_candidate');
			expect(decision.excluded.pending_not_allowed).toBe(1);
		});
	});

	it.each([
		['SUMUP *SANYU STATIONERY', 'SumUp'],
		['SQ *SANYU STATIONERY S', 'Square'],
		['ZETTLE_*SANYU STATIONE', 'Zettle'],
		['PAYPAL *SANYUSTATIONER', 'PayPal'],
		['CARTE X1338 12/03 SANYU STATIONERY S', null],
		['CB SANYU STATIONERY 120318', null],
		['SANYU STATIONER*SETIA ALAM 4017', null],
	])('reads the merchant behind the descriptor %s', (label, clean) => {
		const payment = transaction({ label, clean_counterparty_name: clean });
		const decision = matchTransaction(receipt(), [...background(), payment]);
		expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
		expect(decision.best?.nameSimilarity).toBeGreaterThanOrEqual(0.75);
	});

	it.each([
		['SANYU STATIONERY SHOP SDN BHD', 'SANYU STATIONERY SHOP'],
		['SANYU STATIONERY SHOP S/B', 'SANYU STATIONERY SHOP'],
		['Dupont Fournitures SARL', 'DUPONT FOURNITURES PARIS'],
		['Müller Bürobedarf GmbH', 'MULLER BUROBEDARF'],
		['Kinokuniya Bookstores Sdn. Bhd.', 'KINOKUNIYA BOOKSTORES'],
	])('ignores the legal form of %s', (supplierName, label) => {
		const payment = transaction({ label, clean_counterparty_name: null });
		const decision = matchTransaction(receipt({ supplierName }), [...background(), payment]);
		expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
	});

	it.each(['declined', 'reversed'] as const)('skips a %s payment and says it was set aside', (status) => {
		const decision = matchTransaction(receipt(), [...background(), transaction({ status })]);
		expect(decision.outcome).toBe('no_candidate');
		expect(decision.excluded[status]).toBe(1);
		expect(decision.notableExclusion).toMatchObject({ reason: status });
		expect(decision.explanation).toContain(`it is ${status}`);
	});

	it('does not attach to a payment that already has a document, and says so', () => {
		const decision = matchTransaction(receipt(), [...background(), transaction({ attachment_ids: ['a1b2'] })]);
		expect(decision).toMatchObject({ outcome: 'no_candidate', transactionId: null, notableExclusion: { reason: 'already_attached' } });
		expect(decision.explanation).toContain('already has a document attached');
	});

	it('prefers the payment without attachment when its twin already has one', () => {
		const justified = transaction({ attachment_ids: ['a1b2'] });
		const open = transaction();
		expect(matchTransaction(receipt(), [justified, open])).toMatchObject({ outcome: 'matched', transactionId: open.id });
	});

	describe('credit notes', () => {
		it('matches a negative total with incoming money (a refund)', () => {
			const refund = transaction({ side: 'credit', amount_cents: 1730, local_amount_cents: 1730 });
			const decision = matchTransaction(receipt({ totalAmountCents: -1730 }), [...background(), transaction({ amount_cents: 1730, local_amount_cents: 1730 }), refund]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: refund.id });
			expect(decision.excluded.wrong_side).toBeGreaterThanOrEqual(1);
		});

		it('treats documentType credit_note like a negative total', () => {
			const refund = transaction({ side: 'credit' });
			expect(matchTransaction(receipt({ documentType: 'credit_note' }), [refund])).toMatchObject({ outcome: 'matched', transactionId: refund.id });
		});

		it('never matches a refund to an ordinary receipt', () => {
			expect(matchTransaction(receipt(), [transaction({ side: 'credit' })]).outcome).toBe('no_candidate');
		});
	});

	it('reports two equally good payments as ambiguous and attaches nothing', () => {
		const first = transaction({ emitted_at: '2018-03-12T09:00:00.000Z' });
		const second = transaction({ emitted_at: '2018-03-12T15:00:00.000Z' });
		const decision = matchTransaction(receipt(), [first, second]);
		expect(decision).toMatchObject({ outcome: 'ambiguous', transactionId: null });
		expect(decision.runnerUp).not.toBeNull();
		expect(decision.explanation).toContain('fit about equally well');
	});

	it('does not take another restaurant with the same amount on the same day', () => {
		const other = transaction({ label: 'RESTORAN SIAM VILLAGE J', clean_counterparty_name: 'Restoran Siam Village', amount_cents: 650, local_amount_cents: 650 });
		const decision = matchTransaction(receipt({ supplierName: 'RESTORAN WAN SHENG', totalAmountCents: 650 }), [...background(), other]);
		expect(decision.outcome).not.toBe('matched');
		expect(decision.best?.reasons.find((reason) => reason.signal === 'name')?.agrees).toBe(false);
	});

	describe('dates', () => {
		it('accepts a card payment one day before the receipt (UTC day shift)', () => {
			const payment = transaction({ emitted_at: '2018-03-11T23:10:00.000Z' });
			expect(matchTransaction(receipt(), [payment])).toMatchObject({ outcome: 'matched', transactionId: payment.id });
		});

		it('rejects a card payment ten days later, but accepts a transfer twenty days later', () => {
			const card = transaction({ emitted_at: '2018-03-22T10:00:00.000Z' });
			const transfer = transaction({ operation_type: 'transfer', label: 'Sanyu Stationery Shop', emitted_at: '2018-04-01T10:00:00.000Z' });
			expect(matchTransaction(receipt(), [card]).outcome).toBe('no_candidate');
			expect(matchTransaction(receipt(), [transfer])).toMatchObject({ outcome: 'matched', transactionId: transfer.id });
		});

		it('does not try the date with day and month swapped (a repeat purchase on that day is likelier)', () => {
			const payment = transaction({ emitted_at: '2018-03-05T10:00:00.000Z' });
			expect(matchTransaction(receipt({ date: '2018-05-03' }), [payment]).outcome).toBe('no_candidate');
		});

		it('treats an impossible date as no date', () => {
			const decision = matchTransaction(receipt({ date: '2018-02-31' }), [transaction()]);
			expect(reasonsOf(decision).date).toBe('the document shows no date');
		});

		it('ignores transactions emitted after asOf', () => {
			const later = transaction({ emitted_at: '2018-03-13T10:00:00.000Z' });
			const decision = matchTransaction(receipt(), [later], { asOf: '2018-03-12T20:00:00.000Z' });
			expect(decision.outcome).toBe('no_candidate');
			expect(decision.excluded.after_as_of).toBe(1);
		});
	});

	describe('OCR noise on the amount', () => {
		it('accepts a rounding difference of a few cents', () => {
			const payment = transaction({ amount_cents: 1235, local_amount_cents: 1235 });
			expect(matchTransaction(receipt(), [payment]).best?.amountKind).toBe('rounding');
		});

		it('recognises a total read before VAT (20 %)', () => {
			const payment = transaction({ amount_cents: 3600, local_amount_cents: 3600 });
			const decision = matchTransaction(receipt({ totalAmountCents: 3000 }), [payment]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
			expect(decision.best?.amountKind).toBe('vat_added');
		});

		it('recognises one misread digit (8 read for 0)', () => {
			const payment = transaction({ amount_cents: 820, local_amount_cents: 820 });
			expect(matchTransaction(receipt({ totalAmountCents: 828 }), [payment]).best?.amountKind).toBe('digit_misread');
		});
	});

	describe('missing fields', () => {
		it('matches on amount and date alone when the supplier is a heading like TAX INVOICE, if the pair is unique', () => {
			const payment = transaction();
			const decision = matchTransaction(receipt({ supplierName: 'TAX INVOICE' }), [...background(), payment]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
			expect(reasonsOf(decision).name).toBe('the document shows no supplier name');
		});

		it('compares with the amount paid when the currency is missing', () => {
			const payment = transaction();
			const decision = matchTransaction(receipt({ currency: null }), [payment]);
			expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
		});

		it('does not attach on name alone when the total is missing and the merchant has two payments that week', () => {
			const decision = matchTransaction(receipt({ totalAmountCents: null }), [transaction(), transaction({ amount_cents: 999, emitted_at: '2018-03-14T10:00:00.000Z' })]);
			expect(decision.transactionId).toBeNull();
		});
	});

	it('uses supplier aliases for names that need world knowledge', () => {
		const payment = transaction({ label: 'IKEA 8254 KL', clean_counterparty_name: 'IKEA', amount_cents: 2200, local_amount_cents: 2200 });
		const document = receipt({ supplierName: 'IKANO HANDEL SDN BHD', totalAmountCents: 2200 });
		expect(matchTransaction(document, [...background(), payment]).outcome).not.toBe('matched');
		expect(matchTransaction(document, [...background(), payment], { supplierAliases: { 'Ikano Handel': ['IKEA'] } })).toMatchObject({
			outcome: 'matched',
			transactionId: payment.id,
		});
	});

	it('skips entries that are not transactions and counts them', () => {
		const payment = transaction();
		const decision = matchTransaction(receipt(), [null, 42, 'x', { label: 'no id' }, payment]);
		expect(decision).toMatchObject({ outcome: 'matched', transactionId: payment.id });
		expect(decision.excluded.unreadable).toBe(4);
	});

	it('reads amounts given only in major units, as strings with a comma', () => {
		const payment = transaction({ amount_cents: null, local_amount_cents: null, amount: '12,34', local_amount: '12,34' });
		expect(matchTransaction(receipt(), [payment])).toMatchObject({ outcome: 'matched', transactionId: payment.id });
	});
});
