// A payment offered to a sender: read from a Qonto transaction or a matcher candidate, and described in their language.
import { attachedText } from '../../../src/conversation/attached';
import { describePayment, offeredFromCandidate, offeredFromTransaction, readOfferedPayments } from '../../../src/conversation/offeredPayments';
import { DEFAULT_TEXTS } from '../../../src/conversation/texts';
import { transaction } from '../matching/builders';

const NOW = new Date('2026-06-01T10:00:00Z');

describe('offered payments', () => {
	test('from a Qonto transaction: the fields the texts need; a direct debit counts as a transfer', () => {
		const debit = transaction({ operation_type: 'direct_debit', clean_counterparty_name: 'URSSAF', card_last_digits: null, emitted_at: '2026-05-02T08:00:00.000Z' });
		expect(offeredFromTransaction(debit)).toMatchObject({ id: debit.id, clean_counterparty_name: 'URSSAF', operation_type: 'transfer', side: 'debit', emitted_at: '2026-05-02T08:00:00.000Z', card_last_digits: null });
		expect(offeredFromTransaction({ label: 'no id' })).toBeNull();
	});

	test('from a candidate paid abroad: the account amount, and the local one the sender paid', () => {
		const payment = offeredFromCandidate({ transactionId: 'tx-1', label: 'GRAB', counterpartyName: 'Grab', amountCents: 4500, currency: 'MYR', accountAmountCents: 950, accountCurrency: 'EUR', date: '2026-05-03', emittedAt: null, cardLastDigits: '0042', paymentKind: 'card' });
		expect(payment).toMatchObject({ amount_cents: 950, currency: 'EUR', local_amount_cents: 4500, local_currency: 'MYR', emitted_at: '2026-05-03T12:00:00.000Z', card_last_digits: '0042' });
		// The same text as any attached transaction: the sender hears what they paid.
		expect(attachedText(payment, 'en', DEFAULT_TEXTS.en, NOW)).toContain('45.00 MYR');
	});

	test('read back from JSON: what can be read, each payment once', () => {
		const one = offeredFromTransaction(transaction({}));
		expect(readOfferedPayments([one, one, null, { label: 'x' }])).toEqual([one]);
		expect(readOfferedPayments('not a list')).toEqual([]);
	});

	test('described: a title that fits a list row, the details, and one line for a text', () => {
		const payment = offeredFromTransaction(transaction({ clean_counterparty_name: 'A merchant whose name is far too long for a row', amount_cents: 2390, local_amount_cents: 2390, emitted_at: '2026-03-12T08:00:00.000Z', card_last_digits: '1234' }));
		if (!payment) throw new Error('no payment');
		const { title, description, line } = describePayment(payment, 'fr', NOW);
		expect(Array.from(title).length).toBeLessThanOrEqual(24);
		expect(title.endsWith('…')).toBe(true);
		expect(description).toContain('23,90 EUR');
		expect(description).toContain('12 mars');
		expect(description).toContain('••1234');
		expect(line.startsWith('A merchant whose name is far too long for a row')).toBe(true);
		expect(line.endsWith(description)).toBe(true);
	});
});
