// "Which payment is this document for?": the question built from the matcher's candidates, and every way an answer is
// taken or refused (a reply can be forged, sent late, sent twice, or race another document).
import { addHours } from 'date-fns';

import { attachedText } from '../../../src/conversation/attached';
import type { Language } from '../../../src/conversation/languages';
import { toLedgerRow, type LedgerRow } from '../../../src/conversation/ledger';
import { checkAnswer, composeQuestion, parseAnswerId, type QuestionRecord } from '../../../src/conversation/question';
import { DEFAULT_TEXTS } from '../../../src/conversation/texts';
import { candidate } from '../matching/builders';

const NOW = new Date('2026-03-20T10:00:00Z');
const DOCUMENT = 'wamid.DOC1';
const SENDER = { waId: '33612345678', userId: 'FR.1234' };


const amazon = candidate({ transactionId: 'tx-amazon', label: 'AMAZON EU SARL', counterpartyName: 'AMAZON EU', amountCents: 2390, cardLastDigits: '1234' });
const urssaf = candidate({ transactionId: 'tx-urssaf', label: 'PRLV SEPA URSSAF', counterpartyName: 'URSSAF', amountCents: 250000, paymentKind: 'transfer', date: '2026-03-05', emittedAt: null });
// Paid in Malaysia: 45.00 MYR on the card, 9.50 EUR on the account.
const grab = candidate({ transactionId: 'tx-grab', label: 'GRAB*A-123 KUALA LUMPUR', counterpartyName: 'Grab', amountCents: 4500, currency: 'MYR', accountAmountCents: 950, accountCurrency: 'EUR', cardLastDigits: '9876' });

const ask = (candidates: unknown[], language: Language = 'en', now = NOW) =>
	composeQuestion({ documentMessageId: DOCUMENT, organisationId: 'acme', waId: SENDER.waId, userId: SENDER.userId, candidates, language, texts: DEFAULT_TEXTS[language], now });

describe('composing the question', () => {
	test('no candidate (or nothing readable): nothing to ask', () => {
		expect(ask([])).toBeNull();
		expect(ask([null, 'tx-1', { probability: 0.5 }])).toBeNull();
	});

	test('two candidates: one row each, then "none of these"; the ids carry the document and the payment', () => {
		const question = ask([amazon, urssaf]);
		expect(question?.message.rows.map((row) => row.id)).toEqual([`q:${DOCUMENT}:tx-amazon`, `q:${DOCUMENT}:tx-urssaf`, `q:${DOCUMENT}:none`]);
		expect(question?.message.rows[2].title).toBe(DEFAULT_TEXTS.en.questionNone);
		expect(question?.message.rows[0].title).toBe('1. AMAZON EU');
		expect(question?.message.rows[1].title).toBe('2. URSSAF');
		expect(question?.message.button).toBe(DEFAULT_TEXTS.en.questionButton);
	});

	test('the body numbers the payments with merchant, amount and currency, day, and the card digits when known', () => {
		const lines = (ask([amazon, urssaf])?.message.body ?? '').split('\n');
		expect(lines[0]).toBe(DEFAULT_TEXTS.en.questionBody.split('\n')[0]);
		expect(lines[1]).toBe('1. AMAZON EU · 23.90 EUR · 12 March · card ••1234');
		expect(lines[2]).toBe('2. URSSAF · 2,500.00 EUR · 5 March');
	});

	test.each([
		['fr', '23,90 EUR', '12 mars'],
		['de', '23,90 EUR', '12. März'],
		['es', '23,90 EUR', '12 de marzo'],
		['it', '23,90 EUR', '12 marzo'],
	] as const)('%s: the language writes the amount (%s) and the day (%s), in rows and body', (language, amount, day) => {
		const question = ask([amazon], language);
		const body = question?.message.body ?? '';
		expect(body.startsWith(DEFAULT_TEXTS[language].questionBody.split('\n')[0])).toBe(true);
		expect([body.includes('AMAZON EU'), body.includes(amount), body.includes(day), body.includes('••1234')]).toEqual([true, true, true, true]);
		expect(question?.message.rows[0].description).toContain(amount);
		expect(question?.message.rows[0].description).toContain(day);
		expect(question?.message.rows.at(-1)?.title).toBe(DEFAULT_TEXTS[language].questionNone);
	});

	test('a payment abroad is shown in the currency the sender paid in', () => {
		const body = ask([grab])?.message.body ?? '';
		expect(body).toContain('45.00 MYR');
		expect(body).not.toContain('9.50 EUR');
	});

	test('the record keeps who was asked, when, about which organisation, and the payments offered', () => {
		const record = ask([amazon, urssaf, amazon])?.record;
		expect(record).toMatchObject({ askedAt: NOW.toISOString(), organisationId: 'acme', waId: SENDER.waId, userId: SENDER.userId });
		expect(record?.payments.map((payment) => payment.id)).toEqual(['tx-amazon', 'tx-urssaf']);
		expect(record?.answer).toBeUndefined();
	});

	test('at most ten rows: nine payments and "none of these"; every description fits a list row', () => {
		const many = Array.from({ length: 14 }, (_, index) => candidate({ transactionId: `tx-${index}`, counterpartyName: `A merchant with a very long name number ${index}` }));
		const rows = ask(many)?.message.rows ?? [];
		expect(rows).toHaveLength(10);
		expect(rows.at(-1)?.id).toBe(`q:${DOCUMENT}:none`);
		for (const row of rows) expect((row.description ?? '').length).toBeLessThanOrEqual(72);
	});
});

describe('reading a reply id', () => {
	test('the document id may hold colons; the payment is after the last one', () => {
		expect(parseAnswerId('q:wamid.AB:CD:tx-1')).toEqual({ documentMessageId: 'wamid.AB:CD', choice: 'tx-1' });
		expect(parseAnswerId(`q:${DOCUMENT}:none`)).toEqual({ documentMessageId: DOCUMENT, choice: 'none' });
	});

	test.each(['org:acme', 'n:tx-1', 'q:', 'q:tx-1', 'q:doc:', 'q::tx'])('%s is no answer', (id) => {
		expect(parseAnswerId(id)).toBeNull();
	});
});

describe('checking an answer', () => {
	const asked = ask([amazon, urssaf])?.record as QuestionRecord;
	const ledgerRow = (id: number, changes: Partial<LedgerRow> = {}): LedgerRow => ({
		id,
		messageId: DOCUMENT,
		organisationId: 'acme',
		sha256: 'a'.repeat(64),
		state: 'stored',
		receivedAt: NOW.toISOString(),
		supplierInvoiceId: 'inv-1',
		transactionId: '',
		attempts: 0,
		waId: SENDER.waId,
		userId: SENDER.userId,
		question: asked,
		...changes,
	});
	const check = (choice: string, options: { rows?: readonly LedgerRow[]; sender?: { waId?: string | null; userId?: string | null }; now?: Date; language?: Language; lifetimeHours?: number } = {}) => {
		const language = options.language ?? 'en';
		return checkAnswer({
			answer: { documentMessageId: DOCUMENT, choice },
			sender: options.sender ?? SENDER,
			rows: options.rows ?? [ledgerRow(5)],
			now: options.now ?? addHours(NOW, 1),
			lifetimeHours: options.lifetimeHours,
			language,
			texts: DEFAULT_TEXTS[language],
		});
	};

	test('an offered payment is attached: the organisation, the supplier invoice, the payment, the answer recorded, the confirmation', () => {
		const answeredAt = addHours(NOW, 1);
		const result = check('tx-amazon', { now: answeredAt });
		expect(result).toMatchObject({ outcome: 'attach', rowId: 5, organisationId: 'acme', supplierInvoiceId: 'inv-1', payment: { id: 'tx-amazon' } });
		if (result.outcome !== 'attach') return;
		expect(result.record.answer).toEqual({ choice: 'tx-amazon', at: answeredAt.toISOString() });
		expect(result.record.payments).toEqual(asked.payments);
		expect(result.confirmText).toBe(attachedText(result.payment, 'en', DEFAULT_TEXTS.en, answeredAt));
		expect(result.confirmText).toContain('AMAZON EU');
	});

	test.each(['fr', 'de', 'it'] as const)('%s: the confirmation is in the sender\'s language', (language) => {
		const result = check('tx-urssaf', { language });
		expect(result.outcome).toBe('attach');
		if (result.outcome === 'attach') expect(result.confirmText).toBe(attachedText(result.payment, language, DEFAULT_TEXTS[language], addHours(NOW, 1)));
	});

	test('the sender is known by their user id alone as well as by their number alone', () => {
		expect(check('tx-amazon', { sender: { waId: null, userId: SENDER.userId } }).outcome).toBe('attach');
		expect(check('tx-amazon', { sender: { waId: SENDER.waId, userId: null } }).outcome).toBe('attach');
	});

	test.each(['en', 'es'] as const)('%s: "none of these" keeps the document unattached and records the answer', (language) => {
		const result = check('none', { language });
		expect(result).toMatchObject({ outcome: 'keep', rowId: 5, replyText: DEFAULT_TEXTS[language].questionKept });
		if (result.outcome === 'keep') expect(result.record.answer?.choice).toBe('none');
	});

	test.each([
		['a forged payment id, never offered', 'tx-forged', {}, 'not_offered', 'questionRefused', 'en'],
		['another sender answering', 'tx-amazon', { sender: { waId: '4915100000000', userId: 'DE.9' } }, 'not_yours', 'questionRefused', 'fr'],
		['a document that has no question', 'tx-amazon', { rows: [ledgerRow(5, { question: null })] }, 'unknown_document', 'questionRefused', 'de'],
		['a document not in the ledger', 'tx-amazon', { rows: [ledgerRow(5, { messageId: 'wamid.OTHER' })] }, 'unknown_document', 'questionRefused', 'it'],
		['a document already attached (matched)', 'tx-amazon', { rows: [ledgerRow(5, { state: 'matched', transactionId: 'tx-urssaf' })] }, 'already_attached', 'questionAlreadyAttached', 'es'],
		['a document already attached (transaction set)', 'tx-amazon', { rows: [ledgerRow(5, { transactionId: 'tx-urssaf' })] }, 'already_attached', 'questionAlreadyAttached', 'en'],
		['a second answer', 'tx-urssaf', { rows: [ledgerRow(5, { question: { ...asked, answer: { choice: 'none', at: NOW.toISOString() } } })] }, 'already_answered', 'questionRefused', 'fr'],
		['a payment another document was attached to meanwhile', 'tx-amazon', { rows: [ledgerRow(5), ledgerRow(9, { messageId: 'wamid.DOC2', state: 'matched', transactionId: 'tx-amazon' })] }, 'payment_taken', 'questionPaymentTaken', 'de'],
		['an answer after the question\'s lifetime', 'tx-amazon', { now: addHours(NOW, 49) }, 'expired', 'questionExpired', 'it'],
	] as const)('refused: %s', (_what, choice, options, reason, textKey, language) => {
		expect(check(choice, { ...options, language })).toEqual({ outcome: 'refused', reason, replyText: DEFAULT_TEXTS[language][textKey] });
	});

	test('the lifetime is 48 hours unless told otherwise', () => {
		expect(check('tx-amazon', { now: addHours(NOW, 47) }).outcome).toBe('attach');
		expect(check('tx-amazon', { now: addHours(NOW, 3), lifetimeHours: 2 })).toMatchObject({ outcome: 'refused', reason: 'expired' });
	});

	test('"none" after the lifetime is refused as expired too', () => {
		expect(check('none', { now: addHours(NOW, 49) })).toMatchObject({ outcome: 'refused', reason: 'expired' });
	});

	test('the row of the document is its lowest id (duplicates are possible)', () => {
		const rows = [ledgerRow(12, { question: null }), ledgerRow(4)];
		expect(check('tx-amazon', { rows })).toMatchObject({ outcome: 'attach', rowId: 4 });
	});

	test('a payment held by an unfinished other document is not taken', () => {
		const rows = [ledgerRow(5), ledgerRow(9, { messageId: 'wamid.DOC2', state: 'stored', transactionId: '' })];
		expect(check('tx-amazon', { rows }).outcome).toBe('attach');
	});
});

describe('the question column of the ledger', () => {
	test('is read back from JSON, with who was asked', () => {
		const row = toLedgerRow({ id: 3, messageId: DOCUMENT, waId: SENDER.waId, userId: SENDER.userId, question: JSON.stringify(ask([amazon])?.record) });
		expect(row).toMatchObject({ waId: SENDER.waId, userId: SENDER.userId, question: { organisationId: 'acme', payments: [expect.objectContaining({ id: 'tx-amazon' })] } });
	});

	test.each([['bad JSON', '{"askedAt":'], ['empty', ''], ['missing', undefined], ['no date', '{"payments":[]}']])('%s: no question', (_what, question) => {
		expect(toLedgerRow({ id: 3, messageId: DOCUMENT, question })?.question).toBeNull();
	});
});
