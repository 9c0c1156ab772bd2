// "Attached to the card payment AMAZON EU of 23.90 EUR on 12 March", in each language the bot speaks.
import { attachedText, paymentFacts } from '../../../src/conversation/attached';
import { LANGUAGES } from '../../../src/conversation/languages';
import { DEFAULT_TEXTS, fillText } from '../../../src/conversation/texts';
import { transaction } from '../matching/builders';

const NOW = new Date('2026-06-01T10:00:00Z');
const amazon = transaction({ label: 'AMAZON EU SARL LUXEMBOURG', clean_counterparty_name: 'AMAZON EU', amount_cents: 2390, local_amount_cents: 2390, emitted_at: '2026-03-12T08:00:00.000Z', settled_at: '2026-03-13T06:00:00.000Z' });

describe('the payment as the sender knows it', () => {
	test('the example of the issue, in English', () => {
		expect(attachedText(amazon, 'en', DEFAULT_TEXTS.en, NOW)).toBe('Attached to the card payment AMAZON EU of 23.90 EUR on 12 March.');
	});

	test.each([
		['en', '23.90 EUR', '12 March'],
		['fr', '23,90 EUR', '12 mars'],
		['es', '23,90 EUR', '12 de marzo'],
		['de', '23,90 EUR', '12. März'],
		['it', '23,90 EUR', '12 marzo'],
	] as const)('%s: amount %s, day %s, in the card payment text', (language, amount, date) => {
		expect(paymentFacts(amazon, language, NOW)).toEqual({ textKey: 'attachedToCardPayment', merchant: 'AMAZON EU', amount, date });
		expect(attachedText(amazon, language, DEFAULT_TEXTS[language], NOW)).toBe(fillText(DEFAULT_TEXTS[language].attachedToCardPayment, { merchant: 'AMAZON EU', amount, date }));
	});

	test('every language names the merchant, the amount and the day', () => {
		for (const language of LANGUAGES) {
			const text = attachedText(amazon, language, DEFAULT_TEXTS[language], NOW) ?? '';
			expect([language, text.includes('AMAZON EU'), /23[.,]90 EUR/.test(text), text.includes('12')]).toEqual([language, true, true, true]);
		}
	});

	test.each([
		['en', '12 March 2025'],
		['fr', '12 mars 2025'],
		['es', '12 de marzo de 2025'],
		['de', '12. März 2025'],
		['it', '12 marzo 2025'],
	] as const)('%s: a payment of another year carries the year: %s', (language, date) => {
		const lastYear = transaction({ emitted_at: '2025-03-12T08:00:00.000Z' });
		expect(paymentFacts(lastYear, language, NOW)?.date).toBe(date);
	});

	test('the day is the UTC day, like the matcher', () => {
		const lateEvening = transaction({ emitted_at: '2026-03-12T23:30:00.000Z' });
		expect(paymentFacts(lateEvening, 'en', NOW)?.date).toBe('12 March');
	});

	test("the label when Qonto's clean name is missing or blank", () => {
		expect(paymentFacts(transaction({ label: 'SQ *KOPI TIAM', clean_counterparty_name: null }), 'en', NOW)?.merchant).toBe('SQ *KOPI TIAM');
		expect(paymentFacts(transaction({ label: 'SQ *KOPI TIAM', clean_counterparty_name: '  ' }), 'en', NOW)?.merchant).toBe('SQ *KOPI TIAM');
	});

	test('a card payment abroad shows the amount paid there, with its currency decimals', () => {
		const tokyo = transaction({ amount_cents: 625, local_amount: 1000, local_amount_cents: undefined, local_currency: 'JPY' });
		expect(paymentFacts(tokyo, 'en', NOW)?.amount).toBe('1,000 JPY');
		expect(paymentFacts(tokyo, 'de', NOW)?.amount).toBe('1.000 JPY');
		const manama = transaction({ amount_cents: 2995, local_amount: '12.345', local_amount_cents: undefined, local_currency: 'BHD' });
		expect(paymentFacts(manama, 'fr', NOW)?.amount).toBe('12,345 BHD');
	});

	test('a transfer gets the payment text and the account amount', () => {
		const transfer = transaction({ operation_type: 'transfer', label: 'VIR SEPA OVH SAS', clean_counterparty_name: 'OVH', amount_cents: 123456, local_amount_cents: 123456 });
		expect(paymentFacts(transfer, 'fr', NOW)).toMatchObject({ textKey: 'attachedToPayment', merchant: 'OVH', amount: '1\u202f234,56 EUR' });
		expect(attachedText(transfer, 'en', DEFAULT_TEXTS.en, NOW)).toBe('Attached to the payment OVH of 1,234.56 EUR on 12 March 2018.');
	});

	test('a pending card payment is dated by its authorisation', () => {
		expect(paymentFacts(transaction({ settled_at: null, status: 'pending', emitted_at: '2026-05-30T10:00:00.000Z' }), 'it', NOW)?.date).toBe('30 maggio');
	});

	test('no text for something that is not a transaction', () => {
		expect(attachedText({ label: 'no id' }, 'en', DEFAULT_TEXTS.en, NOW)).toBeNull();
		expect(attachedText(null, 'en', DEFAULT_TEXTS.en, NOW)).toBeNull();
	});
});
