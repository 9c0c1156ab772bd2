// The 09:00 re-match: which ledger documents are matched again, which transactions to list for them, and what is attached.
import { planRematch, rematchBatch, storedDocument, type RematchBatch } from '../../../src/conversation/rematch';
import { transaction } from '../matching/builders';

const NOW = new Date('2026-06-01T09:00:00.000Z');
const DAY = 86_400_000;
const ago = (milliseconds: number) => new Date(NOW.getTime() - milliseconds).toISOString();

/** The Mindee node's record as the workflow stores it (`JSON.stringify($json.document)`). */
const extraction = (changes: Record<string, unknown> = {}) =>
	JSON.stringify({ supplierName: 'SANYU STATIONERY SHOP', date: '2026-05-20', totalAmountCents: 1234, currency: 'EUR', documentType: 'receipt', currencyExponent: 2, ...changes });

let nextId = 1;
/** A ledger row as the Data Table node returns it: stored in Qonto, not attached, received two days ago. */
function ledgerRow(changes: Record<string, unknown> = {}): Record<string, unknown> {
	const id = nextId++;
	return {
		id,
		messageId: `wamid.${id}`,
		waId: '33612345678',
		userId: '',
		organisationId: 'acme',
		state: 'stored',
		reason: 'not attached: Not attached: no transaction has a fitting amount and date.',
		sha256: 'a'.repeat(64),
		supplierInvoiceId: `invoice-${id}`,
		transactionId: '',
		extraction: extraction(),
		receivedAt: ago(2 * DAY),
		finishedAt: ago(2 * DAY - 60_000),
		...changes,
	};
}

const plannedIds = (rows: Array<Record<string, unknown>>, settings: Partial<Parameters<typeof planRematch>[1]> = {}) =>
	planRematch(rows, { now: NOW, ...settings }).batches.flatMap((batch) => batch.documents.map((document) => document.rowId));

describe('which documents are matched again', () => {
	test('a stored, unattached, recent document with its extraction, read from the ledger (no second Mindee call)', () => {
		const row = ledgerRow();
		const [batch] = planRematch([row], { now: NOW }).batches;
		expect(batch.documents).toEqual([
			{
				rowId: row.id,
				messageId: row.messageId,
				waId: '33612345678',
				userId: '',
				supplierInvoiceId: row.supplierInvoiceId,
				receivedAt: row.receivedAt,
				document: { supplierName: 'SANYU STATIONERY SHOP', date: '2026-05-20', totalAmountCents: 1234, currency: 'EUR', tipAmountCents: null, documentType: 'receipt' },
				day: '2026-05-20',
			},
		]);
	});

	test.each([
		['already attached', { state: 'matched', transactionId: 'tx-1' }],
		['not stored in Qonto (failed)', { state: 'failed', supplierInvoiceId: '' }],
		['still being processed', { state: 'processing', supplierInvoiceId: '' }],
		['stored without an invoice id', { supplierInvoiceId: '' }],
		['of no organisation', { organisationId: '' }],
		['received 30 days ago', { receivedAt: ago(30 * DAY) }],
	])('not a document %s', (_what, changes) => {
		expect(plannedIds([ledgerRow(changes)])).toEqual([]);
	});

	test('one just younger than the age limit is; the limit can be set', () => {
		const young = ledgerRow({ receivedAt: ago(30 * DAY - 1) });
		const older = ledgerRow({ receivedAt: ago(40 * DAY) });
		expect(plannedIds([young, older])).toEqual([young.id]);
		expect(plannedIds([young, older], { maxAgeDays: 45 })).toEqual([young.id, older.id]);
		expect(plannedIds([young, older], { maxAgeDays: 1 })).toEqual([]);
	});

	test('a copy of the same file (same invoice, no extraction) is matched once, through the row that has the extraction', () => {
		const original = ledgerRow();
		const copy = ledgerRow({ supplierInvoiceId: original.supplierInvoiceId, extraction: '', reason: `same file as message ${String(original.messageId)}, not stored again` });
		expect(plannedIds([copy, original])).toEqual([original.id]);
	});

	test('an invoice attached through one of its rows is not matched again through another', () => {
		const original = ledgerRow({ state: 'matched', transactionId: 'tx-9' });
		const copy = ledgerRow({ supplierInvoiceId: original.supplierInvoiceId, extraction: extraction() });
		expect(plannedIds([original, copy])).toEqual([]);
	});

	test.each([
		['no stored extraction', { extraction: '' }],
		['the stored extraction is not JSON', { extraction: '{"supplierName":' }],
		['the stored extraction has no total', { extraction: extraction({ totalAmountCents: null }) }],
		['no time of receipt: its age is unknown', { receivedAt: '', finishedAt: '' }],
	])('set aside with a reason: %s', (reason, changes) => {
		const row = ledgerRow(changes);
		expect(planRematch([row], { now: NOW })).toEqual({ batches: [], skipped: [{ rowId: row.id, messageId: row.messageId, organisationId: 'acme', reason }] });
	});

	test('an extraction the Data Table returns as an object is read too', () => {
		expect(storedDocument({ totalAmount: 12.5, currency: 'EUR' })).toEqual({ document: expect.objectContaining({ totalAmountCents: 1250 }) });
	});
});

describe('which transactions to list', () => {
	test('from 3 days before to 35 days after the document date (card −2…+7, transfers −3…+35), whole UTC days', () => {
		const [batch] = planRematch([ledgerRow()], { now: NOW }).batches;
		expect(batch).toMatchObject({ organisationId: 'acme', from: '2026-05-17T00:00:00.000Z', to: '2026-06-24T23:59:59.999Z' });
	});

	test("the matcher's windows decide the span", () => {
		const [batch] = planRematch([ledgerRow()], { now: NOW, matchOptions: { transferDaysBefore: 1, transferDaysAfter: 10 } }).batches;
		expect(batch).toMatchObject({ from: '2026-05-18T00:00:00.000Z', to: '2026-05-30T23:59:59.999Z' });
	});

	test('a document without a date is looked for around the day it was received, as at first', () => {
		const row = ledgerRow({ extraction: extraction({ date: null }), receivedAt: '2026-05-28T22:00:00.000Z' });
		const [batch] = planRematch([row], { now: NOW }).batches;
		expect(batch).toMatchObject({ from: '2026-05-25T00:00:00.000Z', documents: [expect.objectContaining({ day: '2026-05-28' })] });
	});

	test('one listing per organisation covers its documents; a far-off date gets its own, not a listing of months', () => {
		const early = ledgerRow({ extraction: extraction({ date: '2026-05-02' }) });
		const late = ledgerRow({ extraction: extraction({ date: '2026-05-25' }) });
		const misread = ledgerRow({ extraction: extraction({ date: '2025-01-05' }) });
		const globex = ledgerRow({ organisationId: 'globex' });
		const { batches } = planRematch([late, globex, misread, early], { now: NOW });
		expect(batches.map((batch) => [batch.organisationId, batch.from.slice(0, 10), batch.to.slice(0, 10), batch.documents.map((document) => document.rowId)])).toEqual([
			['acme', '2025-01-02', '2025-02-09', [misread.id]],
			['acme', '2026-04-29', '2026-06-29', [early.id, late.id]],
			['globex', '2026-05-17', '2026-06-24', [globex.id]],
		]);
	});
});

describe('what is attached', () => {
	const batchOf = (...rows: Array<Record<string, unknown>>): RematchBatch => {
		const [batch] = planRematch(rows, { now: NOW }).batches;
		return batch;
	};
	const sanyu = (changes: Record<string, unknown> = {}) => transaction({ emitted_at: '2026-05-20T11:00:00.000Z', settled_at: '2026-05-21T08:00:00.000Z', ...changes });
	const background = [
		transaction({ label: 'SNCF INTERNET', clean_counterparty_name: 'SNCF', amount_cents: 10837, emitted_at: '2026-05-19T10:00:00.000Z' }),
		transaction({ label: 'MONOPRIX 992', clean_counterparty_name: 'Monoprix', amount_cents: 2317, emitted_at: '2026-05-20T18:00:00.000Z' }),
	];

	test('the payment that has appeared since, when the matcher is confident', () => {
		const row = ledgerRow();
		const payment = sanyu();
		expect(rematchBatch(batchOf(row), [...background, payment], { now: NOW })).toEqual([
			expect.objectContaining({ rowId: row.id, messageId: row.messageId, supplierInvoiceId: row.supplierInvoiceId, transactionId: payment.id, reason: '', decision: expect.objectContaining({ outcome: 'matched' }) }),
		]);
	});

	test('nothing while the payment is still missing, with the reason for the ledger', () => {
		const [outcome] = rematchBatch(batchOf(ledgerRow()), background, { now: NOW });
		expect(outcome).toMatchObject({ transactionId: null, reason: expect.stringMatching(/^Not attached: no transaction/) });
	});

	test('nothing to a payment that already carries a document (attached by hand in Qonto meanwhile)', () => {
		const [outcome] = rematchBatch(batchOf(ledgerRow()), [...background, sanyu({ attachment_ids: ['att-1'] })], { now: NOW });
		expect(outcome.transactionId).toBeNull();
	});

	test('two documents that pick the same payment: neither is attached', () => {
		const first = ledgerRow();
		const second = ledgerRow();
		const payment = sanyu();
		const outcomes = rematchBatch(batchOf(first, second), [...background, payment], { now: NOW });
		expect(outcomes).toEqual([
			expect.objectContaining({ rowId: first.id, transactionId: null, reason: `Not attached: another document of this run matched the same payment ${payment.id}.` }),
			expect.objectContaining({ rowId: second.id, transactionId: null }),
		]);
	});

	test('payments after the run are not known yet', () => {
		const [outcome] = rematchBatch(batchOf(ledgerRow()), [sanyu({ emitted_at: '2026-06-02T08:00:00.000Z' })], { now: NOW });
		expect(outcome.transactionId).toBeNull();
	});
});
