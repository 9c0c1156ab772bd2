import fc from 'fast-check';

import { DEFAULT_MATCH_OPTIONS, MAX_CANDIDATES, matchTransaction, resolveMatchOptions } from '../../../src/matching';
import { background, receipt, transaction } from './builders';

const ids = (decision: { candidates: Array<{ transactionId: string }> }) => decision.candidates.map((candidate) => candidate.transactionId);

describe('matchTransaction candidates (what to ask the sender when nothing is attached)', () => {
	it('offers both twin payments of the same amount and merchant, and attaches neither', () => {
		const first = transaction({ card_last_digits: '1111' });
		const second = transaction({ card_last_digits: '2222', emitted_at: '2018-03-12T15:30:00.000Z' });

		const decision = matchTransaction(receipt(), [...background(), first, second]);

		expect(decision.outcome).toBe('ambiguous');
		expect(decision.transactionId).toBeNull();
		expect(ids(decision).sort()).toEqual([first.id, second.id].sort());
		expect(decision.candidates[0].transactionId).toBe(decision.best?.transactionId);
		// What a person recognises a payment by: the statement's merchant, the amount, the day, the card.
		const byId = new Map(decision.candidates.map((candidate) => [candidate.transactionId, candidate]));
		expect(byId.get(first.id)).toMatchObject({
			label: first.label,
			counterpartyName: first.clean_counterparty_name,
			amountCents: first.amount_cents,
			currency: 'EUR',
			accountAmountCents: null,
			date: first.emitted_at?.slice(0, 10),
			emittedAt: first.emitted_at,
			cardLastDigits: '1111',
			paymentKind: 'card',
		});
		expect(byId.get(second.id)?.cardLastDigits).toBe('2222');
	});

	it('offers a close candidate that is not certain enough to attach', () => {
		// No supplier name, and a card payment authorised two days after the receipt: amount and date only.
		const payment = transaction({ emitted_at: '2018-03-14T09:00:00.000Z' });
		const document = receipt({ supplierName: null });

		const decision = matchTransaction(document, [...background(), payment]);

		expect(decision.outcome).toBe('low_confidence');
		expect(decision.confidence).toBeLessThan(DEFAULT_MATCH_OPTIONS.minConfidence);
		expect(ids(decision)).toEqual([payment.id]);
		expect(decision.candidates[0].probability).toBe(decision.confidence);
		expect(decision.candidates[0]).toMatchObject({ dayOffset: 2, amountKind: 'exact', nameSimilarity: null });
	});

	it('offers nothing when the document is attached', () => {
		const payment = transaction();
		const decision = matchTransaction(receipt(), [...background(), payment]);
		expect(decision.outcome).toBe('matched');
		expect(decision.transactionId).toBe(payment.id);
		expect(decision.candidates).toEqual([]);
		// Even when many could be shown.
		expect(matchTransaction(receipt(), [...background(), payment], { maxCandidates: 9 }).candidates).toEqual([]);
	});

	it('never offers a payment from a clearly different merchant that only shares the amount and the day', () => {
		const other = transaction({ label: 'MONOPRIX 992', clean_counterparty_name: 'Monoprix', category: 'food_and_grocery' });
		const decision = matchTransaction(receipt(), [...background(), other]);
		expect(decision.transactionId).toBeNull();
		expect(decision.best?.transactionId).toBe(other.id);
		expect(decision.candidates).toEqual([]);
	});

	it('never offers a payment whose amount does not fit, nor one set aside', () => {
		const otherAmount = transaction({ amount_cents: 4321, local_amount_cents: 4321 });
		const attached = transaction({ attachment_ids: ['att-1'] });
		const declined = transaction({ status: 'declined', settled_at: null });
		const decision = matchTransaction(receipt(), [...background(), otherAmount, attached, declined]);
		expect(decision.outcome).toBe('no_candidate');
		expect(decision.notableExclusion).not.toBeNull();
		expect(decision.candidates).toEqual([]);
	});

	it('leaves an already attached twin out and offers the others', () => {
		const attached = transaction({ attachment_ids: ['att-1'] });
		const first = transaction();
		const second = transaction();
		const decision = matchTransaction(receipt(), [attached, first, second]);
		expect(decision.outcome).toBe('ambiguous');
		expect(ids(decision).sort()).toEqual([first.id, second.id].sort());
	});

	it('respects maxCandidates, 3 by default, and asks nothing with 0', () => {
		const twins = Array.from({ length: 5 }, (_, index) => transaction({ emitted_at: `2018-03-12T1${index}:00:00.000Z` }));
		const twinIds = new Set(twins.map((twin) => twin.id));

		const byDefault = matchTransaction(receipt(), twins);
		expect(byDefault.outcome).toBe('ambiguous');
		expect(byDefault.candidates).toHaveLength(DEFAULT_MATCH_OPTIONS.maxCandidates);
		expect(DEFAULT_MATCH_OPTIONS.maxCandidates).toBe(3);
		expect(byDefault.candidates.every((candidate) => twinIds.has(candidate.transactionId))).toBe(true);

		expect(matchTransaction(receipt(), twins, { maxCandidates: 1 }).candidates).toHaveLength(1);
		expect(matchTransaction(receipt(), twins, { maxCandidates: 9 }).candidates).toHaveLength(5);
		const none = matchTransaction(receipt(), twins, { maxCandidates: 0 });
		expect(none.outcome).toBe('ambiguous');
		expect(none.candidates).toEqual([]);
		// The first ones of a longer list are the shorter list.
		expect(ids(matchTransaction(receipt(), twins, { maxCandidates: 2 }))).toEqual(ids(byDefault).slice(0, 2));
	});

	it('resolves maxCandidates to a whole number between 0 and 9 (a WhatsApp list has 10 rows, one is "none of these")', () => {
		expect(MAX_CANDIDATES).toBe(9);
		expect(resolveMatchOptions({}).maxCandidates).toBe(3);
		expect(resolveMatchOptions({ maxCandidates: 50 }).maxCandidates).toBe(MAX_CANDIDATES);
		expect(resolveMatchOptions({ maxCandidates: -2 }).maxCandidates).toBe(0);
		expect(resolveMatchOptions({ maxCandidates: 2.6 }).maxCandidates).toBe(3);
		expect(resolveMatchOptions({ maxCandidates: Number.NaN }).maxCandidates).toBe(3);
		fc.assert(
			fc.property(fc.double(), (value) => {
				const { maxCandidates } = resolveMatchOptions({ maxCandidates: value });
				expect(Number.isInteger(maxCandidates) && maxCandidates >= 0 && maxCandidates <= MAX_CANDIDATES).toBe(true);
			}),
		);
	});

	it('shows a payment abroad in the currency paid, with the account amount beside it', () => {
		const abroad = transaction({
			amount_cents: 760,
			local_amount_cents: 3421,
			local_currency: 'MYR',
			label: 'GARDENIA SHAH ALAM',
			emitted_at: '2018-03-14T03:00:00.000Z',
			card_last_digits: '0150',
		});
		const decision = matchTransaction(receipt({ supplierName: null, totalAmountCents: 3421, currency: 'MYR' }), [abroad]);
		expect(decision.transactionId).toBeNull();
		expect(decision.candidates).toEqual([
			expect.objectContaining({ transactionId: abroad.id, amountCents: 3421, currency: 'MYR', accountAmountCents: 760, accountCurrency: 'EUR', date: '2018-03-14', cardLastDigits: '0150' }),
		]);
	});

	it('shows the account amount when the local one is missing, and card digits only when they are digits', () => {
		const twins = [
			transaction({ local_amount_cents: null, local_amount: null, local_currency: null, card_last_digits: 150 as unknown as string }),
			transaction({ local_amount_cents: null, local_amount: null, local_currency: null, card_last_digits: 'XXXX' }),
		];
		const decision = matchTransaction(receipt(), twins);
		expect(decision.candidates).toHaveLength(2);
		for (const candidate of decision.candidates) expect(candidate).toMatchObject({ amountCents: 1234, currency: 'EUR', accountAmountCents: null, accountCurrency: null });
		expect(decision.candidates.map((candidate) => candidate.cardLastDigits).sort()).toEqual(['0150', null]);
	});

	it('shows no card digits for a transfer', () => {
		const transfer = transaction({ operation_type: 'transfer', card_last_digits: '1234', emitted_at: '2018-03-20T08:00:00.000Z' });
		const twin = { ...transfer, id: `${transfer.id}-twin` };
		const decision = matchTransaction(receipt(), [transfer, twin]);
		expect(decision.outcome).toBe('ambiguous');
		expect(decision.candidates).toHaveLength(2);
		for (const candidate of decision.candidates) expect(candidate).toMatchObject({ paymentKind: 'transfer', cardLastDigits: null });
	});
});
