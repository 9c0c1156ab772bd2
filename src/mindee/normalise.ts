/**
 * Mindee V2 extraction result → one normalised receipt/invoice record. Pure: the input is the JSON the API sends
 * (the fixtures under test/fixtures/api/mindee/v2/extraction), the output plain data.
 *
 * Field names differ between Mindee's templates and their versions, so each value is read from every name it is
 * known under: Receipt (`receipt_number`, `tips_gratuity`, `supplier_company_registration`), Invoice and
 * Financial Document (`invoice_number`, `due_date`, newer `document_number`, `tip`), and the plural
 * `supplier_company_registrations` seen in some schemas.
 */
import { dayOfIsoDate } from '../common/dates';
import { ReasonedError } from '../common/failure';
import { isRecord } from '../common/guards';
import { currencyCode, currencyExponent, toMinorUnits } from '../common/money';
import { type FieldConfidence, fieldConfidence, lowestConfidence } from './confidence';
import type {
	ConfidenceField,
	DocumentKind,
	InvoiceRecord,
	RecordConfidence,
	SupplierRegistration,
	TaxLine,
	V2Field,
	V2Inference,
	V2InferenceResponse,
} from './types';

type Fields = Record<string, V2Field | undefined>;

/** Fields every Receipt, Invoice and Financial Document model returns; reported in `missingFields` when absent. */
export const EXPECTED_FIELDS = ['supplier_name', 'date', 'total_amount', 'total_net', 'total_tax', 'taxes', 'locale', 'document_type'] as const;

/** The fields without which a result cannot be a receipt or an invoice at all. */
export const CORE_FIELDS = ['supplier_name', 'date', 'total_amount'] as const;

const NUMBER_FIELDS = ['invoice_number', 'receipt_number', 'document_number'] as const;
const TIP_FIELDS = ['tips_gratuity', 'tip'] as const;
const REGISTRATION_FIELDS = ['supplier_company_registration', 'supplier_company_registrations'] as const;

export interface NormaliseOptions {
	/** Put the response as received under `raw`. */
	includeRaw?: boolean;
}

function asField(value: unknown): V2Field | undefined {
	return isRecord(value) ? (value as V2Field) : undefined;
}

/** The first of several names that the result has. */
function firstField(fields: Fields, names: readonly string[]): V2Field | undefined {
	for (const name of names) {
		const field = asField(fields[name]);
		if (field) return field;
	}
	return undefined;
}

function subFields(field: V2Field | undefined): Fields {
	return field && isRecord(field.fields) ? (field.fields as Fields) : {};
}

function listItems(field: V2Field | undefined): V2Field[] {
	if (!field || !Array.isArray(field.items)) return [];
	return field.items.map(asField).filter((item): item is V2Field => item !== undefined);
}

/** Trimmed text with runs of white space (line breaks included) made single spaces; null when empty. */
function text(value: unknown): string | null {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') return null;
	const cleaned = value.replace(/\s+/g, ' ').trim();
	return cleaned === '' ? null : cleaned;
}

/** `YYYY-MM-DD` (the date part of a longer ISO string too) when it is a real calendar date; otherwise null. */
export function isoDate(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const match = /^\s*(\d{4}-\d{2}-\d{2})(?:$|[T\s])/.exec(value);
	return match && dayOfIsoDate(match[1]) !== null ? match[1] : null;
}

/** "EXPENSE RECEIPT", "Credit Note", "credit-note", "CreditNote" → expense_receipt, credit_note… */
export function snakeCase(value: unknown): string | null {
	const raw = text(value);
	if (raw === null) return null;
	const snake = raw
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
	return snake === '' ? null : snake;
}

const KINDS: Record<string, DocumentKind> = {
	receipt: 'receipt',
	expense_receipt: 'receipt',
	credit_card_receipt: 'receipt',
	invoice: 'invoice',
	credit_note: 'credit_note',
};

export function documentKind(documentType: string | null): DocumentKind | null {
	if (documentType === null) return null;
	return KINDS[documentType] ?? 'other';
}

function round(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

/**
 * Tax rate as a percentage. Mindee V2 documents `rate` as "the tax rate of this tax as a decimal" (0.2 = 20 %),
 * while V1 and some custom models send percentages (20.0). A value above 1 can only be a percentage; a value of
 * at most 1 is a decimal unless base and amount say otherwise (1.0 with 10.00 on 1000.00 is 1 %, not 100 %).
 */
export function taxRatePercent(rate: unknown, base: number | null, amount: number | null): number | null {
	if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) return null;
	if (rate > 1) return round(rate);
	const asDecimal = round(rate * 100);
	if (base !== null && amount !== null && base > 0) {
		const observed = (amount / base) * 100;
		const tolerance = 0.5; // percentage points: rounding on printed amounts
		if (Math.abs(rate - observed) <= tolerance && Math.abs(asDecimal - observed) > tolerance) return round(rate);
	}
	return asDecimal;
}

function taxLines(field: V2Field | undefined, exponent: number): TaxLine[] {
	return listItems(field).flatMap((item) => {
		const parts = subFields(item);
		const base = asField(parts.base)?.value;
		const amount = asField(parts.amount)?.value;
		const rate = asField(parts.rate)?.value;
		const numeric = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
		const line: TaxLine = {
			ratePercent: taxRatePercent(rate, numeric(base), numeric(amount)),
			baseCents: toMinorUnits(base, exponent),
			amountCents: toMinorUnits(amount, exponent),
		};
		return line.ratePercent === null && line.baseCents === null && line.amountCents === null ? [] : [line];
	});
}

function registrations(field: V2Field | undefined): SupplierRegistration[] {
	return listItems(field).flatMap((item) => {
		if (!isRecord(item.fields)) {
			// A list of plain values (a custom schema): the number alone.
			const number = text(item.value);
			return number === null ? [] : [{ type: null, number }];
		}
		const parts = subFields(item);
		const number = text(asField(parts.number)?.value);
		return number === null ? [] : [{ type: text(asField(parts.type)?.value), number }];
	});
}

function confidenceOf(field: V2Field | undefined): FieldConfidence | null {
	return fieldConfidence(field?.confidence);
}

function recordConfidence(fields: Record<ConfidenceField, FieldConfidence | null>): RecordConfidence | null {
	const all = Object.values(fields);
	if (all.every((value) => value === null)) return null;
	const key = lowestConfidence([fields.supplierName, fields.date, fields.totalAmount, fields.currency]);
	const lowest = key ?? lowestConfidence(all);
	if (lowest === null) return null;
	return { label: lowest.label, score: lowest.score, fields };
}

function inferenceOf(input: unknown): V2Inference {
	if (!isRecord(input)) return {};
	const inner = (input as V2InferenceResponse).inference;
	return isRecord(inner) ? inner : (input as V2Inference);
}

/** The normalised record of a V2 extraction result (`{inference:{…}}`, or the inner inference object). */
export function normaliseInference(response: unknown, options: NormaliseOptions = {}): InvoiceRecord {
	const inference = inferenceOf(response);
	const fields: Fields = isRecord(inference.result) && isRecord(inference.result.fields) ? (inference.result.fields as Fields) : {};
	const field = (name: string) => asField(fields[name]);

	const locale = subFields(field('locale'));
	const currencyField = asField(locale.currency);
	const currency = currencyCode(currencyField?.value);
	const exponent = currencyExponent(currency);
	const amount = (name: string) => toMinorUnits(field(name)?.value, exponent);

	const documentType = snakeCase(field('document_type')?.value);
	const invoiceNumber = text(field('invoice_number')?.value);
	const receiptNumber = text(field('receipt_number')?.value);
	const numberField = NUMBER_FIELDS.map((name) => field(name)).find((candidate) => text(candidate?.value) !== null);
	const tipField = firstField(fields, TIP_FIELDS);
	const registrationField = firstField(fields, REGISTRATION_FIELDS);

	const confidences: Record<ConfidenceField, FieldConfidence | null> = {
		supplierName: confidenceOf(field('supplier_name')),
		supplierRegistrations: confidenceOf(registrationField),
		documentNumber: confidenceOf(numberField ?? firstField(fields, NUMBER_FIELDS)),
		date: confidenceOf(field('date')),
		dueDate: confidenceOf(field('due_date')),
		totalAmount: confidenceOf(field('total_amount')),
		totalNet: confidenceOf(field('total_net')),
		totalTax: confidenceOf(field('total_tax')),
		tip: confidenceOf(tipField),
		taxes: confidenceOf(field('taxes')),
		currency: confidenceOf(currencyField),
		documentType: confidenceOf(field('document_type')),
	};

	const file = isRecord(inference.file) ? inference.file : {};
	const pageCount = typeof file.page_count === 'number' && Number.isInteger(file.page_count) ? file.page_count : null;
	const record: InvoiceRecord = {
		documentType,
		documentKind: documentKind(documentType),
		supplierName: text(field('supplier_name')?.value),
		supplierRegistrations: registrations(registrationField),
		invoiceNumber,
		receiptNumber,
		documentNumber: text(numberField?.value),
		date: isoDate(field('date')?.value),
		dueDate: isoDate(field('due_date')?.value),
		currency,
		currencyExponent: exponent,
		totalAmountCents: amount('total_amount'),
		totalNetAmountCents: amount('total_net'),
		totalTaxAmountCents: amount('total_tax'),
		tipAmountCents: toMinorUnits(tipField?.value, exponent),
		taxes: taxLines(field('taxes'), exponent),
		locale: { language: text(asField(locale.language)?.value), country: text(asField(locale.country)?.value) },
		confidence: recordConfidence(confidences),
		missingFields: EXPECTED_FIELDS.filter((name) => field(name) === undefined),
		inference: {
			id: text(inference.id),
			jobId: text(isRecord(inference.job) ? inference.job.id : null),
			modelId: text(isRecord(inference.model) ? inference.model.id : null),
			fileName: text(file.name),
			pageCount,
		},
	};
	if (options.includeRaw) record.raw = response;
	return record;
}

/** True when the result has none of the core receipt/invoice fields: the model is not a receipt or invoice model. */
export function lacksCoreFields(record: Pick<InvoiceRecord, 'missingFields'>): boolean {
	return CORE_FIELDS.every((name) => record.missingFields.includes(name));
}

/** Names of the top-level fields a result has (to tell an admin what a wrong model returned). */
export function resultFieldNames(response: unknown): string[] {
	const inference = inferenceOf(response);
	return isRecord(inference.result) && isRecord(inference.result.fields) ? Object.keys(inference.result.fields) : [];
}

/** Throws `mindee_not_invoice_model` when the result cannot be a receipt or invoice (a model made from another template). */
export function assertInvoiceModel(record: Pick<InvoiceRecord, 'missingFields'>, response: unknown, context: { modelId: string; jobId: string }): void {
	if (!lacksCoreFields(record)) return;
	const returned = resultFieldNames(response);
	throw new ReasonedError(
		'mindee_not_invoice_model',
		`The Mindee model returned none of the fields of a receipt or invoice (${CORE_FIELDS.join(', ')})`,
		{ modelId: context.modelId, jobId: context.jobId, returnedFields: returned },
		`Use a model made from Mindee's Receipt, Invoice or Financial Document template. Model ${context.modelId} returned: ${returned.join(', ') || 'no fields'}.`,
	);
}
