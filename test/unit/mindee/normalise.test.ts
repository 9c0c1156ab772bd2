import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';

import { CONFIDENCE_SCORES, type FieldConfidence } from '../../../src/mindee/confidence';
import { assertInvoiceModel, isoDate, normaliseInference, snakeCase, taxRatePercent } from '../../../src/mindee/normalise';
import type { InvoiceRecord } from '../../../src/mindee/types';

const EXTRACTION = join(__dirname, '../../fixtures/api/mindee/v2/extraction');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(EXTRACTION, `${name}.json`), 'utf8'));

const NO_FIELDS = ['supplier_name', 'date', 'total_amount', 'total_net', 'total_tax', 'taxes', 'locale', 'document_type'];

/** The Financial Document sample (default_sample.json), read by hand: John Smith's invoice INT-001 to Jessie M Horne. */
const SAMPLE_INVOICE: Omit<InvoiceRecord, 'confidence' | 'inference'> = {
	documentType: 'invoice',
	documentKind: 'invoice',
	supplierName: 'John Smith',
	supplierRegistrations: [],
	invoiceNumber: 'INT-001',
	receiptNumber: null,
	documentNumber: 'INT-001',
	date: '2019-02-11',
	dueDate: '2019-02-26',
	currency: 'USD',
	currencyExponent: 2,
	totalAmountCents: 20475, // 204.75
	totalNetAmountCents: 19500, // 195.0
	totalTaxAmountCents: 975, // 9.75
	tipAmountCents: null,
	taxes: [{ ratePercent: 5, baseCents: 19500, amountCents: 975 }], // rate 0.05 "as a decimal"; 9.75 / 195 = 5 %
	locale: { language: 'en', country: 'US' },
	missingFields: [],
};

const high: FieldConfidence = { label: 'High', score: 0.9 };
const medium: FieldConfidence = { label: 'Medium', score: 0.6 };

const CASES: Array<{ name: string; yields: string; expected: InvoiceRecord }> = [
	{
		name: 'complete',
		yields: 'an invoice in EUR with two supplier registrations and no confidence (the option was off)',
		expected: {
			documentType: 'invoice',
			documentKind: 'invoice',
			supplierName: 'John Smith',
			supplierRegistrations: [
				{ type: 'VAT', number: 'FR 11 111 111 111' },
				{ type: 'SIRET', number: '11111111111111' },
			],
			invoiceNumber: 'INT-001',
			receiptNumber: null,
			documentNumber: 'INT-001',
			date: '2019-11-02',
			dueDate: '2019-02-26',
			currency: 'EUR',
			currencyExponent: 2,
			totalAmountCents: 20475,
			totalNetAmountCents: 19500,
			totalTaxAmountCents: 975,
			tipAmountCents: null,
			// base 31.5 and amount 9.75 do not fit any reading of 0.05; the documented one (a decimal) is kept.
			taxes: [{ ratePercent: 5, baseCents: 3150, amountCents: 975 }],
			locale: { language: 'fr', country: 'FR' },
			confidence: null,
			missingFields: [],
			inference: { id: '12345678-1234-1234-1234-123456789abc', jobId: '12345678-1234-1234-1234-jobid1234567', modelId: '12345678-1234-1234-1234-123456789abc', fileName: 'complete.jpg', pageCount: 1 },
		},
	},
	{
		name: 'default_sample',
		yields: 'the same invoice in USD, confidence keys present but all null',
		expected: {
			...SAMPLE_INVOICE,
			confidence: null,
			inference: { id: '54cb0735-b631-4d06-a618-f46d627d9e7b', jobId: '12345678-1234-1234-1234-jobid1234567', modelId: '94340559-b994-45e6-8b5c-be626027f1b2', fileName: 'default_sample.jpg', pageCount: 1 },
		},
	},
	{
		name: 'complete_with_coordinates',
		yields: 'the same invoice with a label on every field: Medium overall (date and currency are Medium)',
		expected: {
			...SAMPLE_INVOICE,
			confidence: {
				label: 'Medium',
				score: 0.6,
				fields: {
					supplierName: high,
					supplierRegistrations: high, // list-level label of an empty list
					documentNumber: high,
					date: medium,
					dueDate: medium,
					totalAmount: high,
					totalNet: high,
					totalTax: high,
					tip: high, // labelled although its value is null
					taxes: high,
					currency: medium,
					documentType: high,
				},
			},
			inference: { id: 'b9929e90-1751-4414-8f53-334733afccc0', jobId: '12345678-1234-1234-1234-jobid1234567', modelId: '94340559-b994-45e6-8b5c-be626027f1b2', fileName: 'default_sample.jpg', pageCount: 1 },
		},
	},
	{
		name: 'blank',
		yields: 'a blank page: every field present but empty, type other_financial',
		expected: {
			documentType: 'other_financial',
			documentKind: 'other',
			supplierName: null,
			supplierRegistrations: [],
			invoiceNumber: null,
			receiptNumber: null,
			documentNumber: null,
			date: null,
			dueDate: null,
			currency: null,
			currencyExponent: 2,
			totalAmountCents: null,
			totalNetAmountCents: null,
			totalTaxAmountCents: null,
			tipAmountCents: null,
			taxes: [],
			locale: { language: null, country: null },
			confidence: null,
			missingFields: [],
			inference: { id: '1e5d4364-c4a1-4b66-b21a-4e442e154736', jobId: '12345678-1234-1234-1234-jobid1234567', modelId: '94340559-b994-45e6-8b5c-be626027f1b2', fileName: 'blank_1.pdf', pageCount: 1 },
		},
	},
	{
		name: 'standard_field_types',
		yields: 'not a receipt or invoice model (generic field_simple_* fields): nothing read, every expected field missing',
		expected: {
			documentType: null,
			documentKind: null,
			supplierName: null,
			supplierRegistrations: [],
			invoiceNumber: null,
			receiptNumber: null,
			documentNumber: null,
			date: null,
			dueDate: null,
			currency: null,
			currencyExponent: 2,
			totalAmountCents: null,
			totalNetAmountCents: null,
			totalTaxAmountCents: null,
			tipAmountCents: null,
			taxes: [],
			locale: { language: null, country: null },
			// Its labels (Certain, High…) are on fields that are not part of the record.
			confidence: null,
			missingFields: NO_FIELDS,
			inference: { id: '12345678-1234-1234-1234-123456789abc', jobId: '12345678-1234-1234-1234-jobid1234567', modelId: 'test-model-id', fileName: 'test-file-name.jpg', pageCount: 1 },
		},
	},
];

describe('normaliseInference on every V2 extraction fixture', () => {
	it.each(CASES)('$name.json → $yields', ({ name, expected }) => {
		expect(normaliseInference(fixture(name))).toEqual(expected);
	});

	it('reads the inner inference object as well as the whole response', () => {
		const response = fixture('complete') as { inference: unknown };
		expect(normaliseInference(response.inference)).toEqual(normaliseInference(response));
	});

	it('adds the response as received only when asked', () => {
		const response = fixture('complete');
		expect(normaliseInference(response)).not.toHaveProperty('raw');
		expect(normaliseInference(response, { includeRaw: true }).raw).toBe(response);
	});

	it('refuses the generic model as an invoice model, and accepts the blank financial document', () => {
		const generic = fixture('standard_field_types');
		expect(() => assertInvoiceModel(normaliseInference(generic), generic, { modelId: 'm', jobId: 'j' })).toThrow(
			expect.objectContaining({ reason: 'mindee_not_invoice_model', details: expect.objectContaining({ returnedFields: expect.arrayContaining(['field_simple_string', 'field_object_list']) }) }),
		);
		const blank = fixture('blank');
		expect(() => assertInvoiceModel(normaliseInference(blank), blank, { modelId: 'm', jobId: 'j' })).not.toThrow();
	});

	it('never throws on arbitrary JSON', () => {
		fc.assert(fc.property(fc.jsonValue(), (value) => void normaliseInference(value)));
		fc.assert(fc.property(fc.jsonValue(), (value) => void normaliseInference({ inference: { result: { fields: { total_amount: value, locale: value, taxes: value, supplier_company_registration: value } } } })));
	});
});

describe('normalising a Receipt-template result (field names of the Receipt model)', () => {
	const receipt = (fields: Record<string, unknown>) => ({ inference: { result: { fields } } });
	const v = (value: unknown, confidence: string | null = null) => ({ value, confidence, locations: [] });
	const locale = (currency: string | null) => ({ fields: { currency: v(currency), country: v('JP'), language: v('ja') } });

	it('reads receipt_number, tips_gratuity and a credit card receipt type', () => {
		const record = normaliseInference(
			receipt({
				receipt_number: v('R-77'),
				tips_gratuity: v(2.5),
				document_type: v('credit_card_receipt'),
				total_amount: v(42.5),
				locale: locale('EUR'),
				supplier_company_registration: { items: [{ fields: { type: v(null), number: v(' 123 456 789 ') } }, { fields: { type: v('VAT'), number: v(null) } }] },
			}),
		);
		expect(record).toMatchObject({
			documentType: 'credit_card_receipt',
			documentKind: 'receipt',
			receiptNumber: 'R-77',
			invoiceNumber: null,
			documentNumber: 'R-77',
			tipAmountCents: 250,
			totalAmountCents: 4250,
			supplierRegistrations: [{ type: null, number: '123 456 789' }],
		});
	});

	it('uses the currency exponent: JPY has no decimals, KWD three', () => {
		expect(normaliseInference(receipt({ total_amount: v(1980), locale: locale('jpy') }))).toMatchObject({ currency: 'JPY', currencyExponent: 0, totalAmountCents: 1980 });
		expect(normaliseInference(receipt({ total_amount: v(12.345), total_tax: v(0.5), locale: locale('KWD') }))).toMatchObject({
			currency: 'KWD',
			currencyExponent: 3,
			totalAmountCents: 12345,
			totalTaxAmountCents: 500,
		});
		expect(normaliseInference(receipt({ total_amount: v(12.34), locale: locale('not a code') }))).toMatchObject({ currency: null, currencyExponent: 2, totalAmountCents: 1234 });
	});

	it('reads the newer Financial Document names (document_number, tip) and a credit note', () => {
		const record = normaliseInference(receipt({ document_number: v('CN-9'), tip: v(1), document_type: v('Credit Note'), total_amount: v(-20) }));
		expect(record).toMatchObject({ documentNumber: 'CN-9', tipAmountCents: 100, documentType: 'credit_note', documentKind: 'credit_note', totalAmountCents: -2000 });
	});

	it('keeps impossible dates out', () => {
		expect(normaliseInference(receipt({ date: v('2024-02-30'), due_date: v('2024-02-29T10:00:00') }))).toMatchObject({ date: null, dueDate: '2024-02-29' });
	});

	it('takes the lowest label of the key fields as the overall confidence', () => {
		const record = normaliseInference(receipt({ supplier_name: v('Shop', 'Certain'), date: v('2024-01-02', 'Low'), total_amount: v(1, 'High'), document_type: v('receipt', 'Certain') }));
		expect(record.confidence).toMatchObject({ label: 'Low', score: CONFIDENCE_SCORES.Low });
		const onlyOthers = normaliseInference(receipt({ supplier_name: v('Shop'), document_type: v('receipt', 'High') }));
		expect(onlyOthers.confidence).toMatchObject({ label: 'High', score: 0.9 });
	});
});

describe('tax rates as percentages', () => {
	it.each([
		[0.2, null, null, 20],
		[0.055, 100, 5.5, 5.5],
		[20, null, null, 20],
		[1, 1000, 10, 1], // base and amount say 1 %, not 100 %
		[1, null, null, 100],
		[0.05, 31.5, 9.75, 5], // neither reading fits: the documented decimal
		[null, 100, 20, null],
		[-1, null, null, null],
	])('rate %p (base %p, amount %p) → %p %%', (rate, base, amount, expected) => {
		expect(taxRatePercent(rate, base, amount)).toBe(expected);
	});
});

describe('small readers', () => {
	it('snake-cases document types', () => {
		expect(['EXPENSE RECEIPT', 'Credit Note', 'credit-note', 'CreditNote', 'invoice', '  ', null].map(snakeCase)).toEqual([
			'expense_receipt',
			'credit_note',
			'credit_note',
			'credit_note',
			'invoice',
			null,
			null,
		]);
	});

	it('accepts real calendar dates only', () => {
		expect(['2019-11-02', '2019-02-29', '2020-02-29', '11/02/2019', '', 7].map(isoDate)).toEqual(['2019-11-02', null, '2020-02-29', null, null, null]);
	});
});
