/**
 * Supplier invoices: the multipart form of `POST /v2/supplier_invoices/bulk` (one invoice per request, so the 15 MB
 * request limit holds), its answer — always HTTP 200, failures in `errors[]` — and the list filters.
 */
import { moneyToMinorUnits } from './amounts';
import { QONTO_REASONS } from './constants';
import { describeErrors, parseQontoErrors, type QontoFailure } from './errors';
import type { FilePart, MultipartPart } from './multipart';
import type { QueryParams } from './query';

export interface SupplierInvoiceUpload {
	file: Buffer;
	fileName: string;
	contentType: string;
	idempotencyKey: string;
	/** One of `SUPPLIER_INVOICE_SOURCES`; not sent when empty. */
	source?: string | null;
	/** Sent as a JSON string, e.g. `{"integration_type":"whatsapp","connector":"n8n"}`. */
	meta?: Record<string, unknown> | string | null;
	/** Whether Qonto should skip its own attachment matcher; not sent when undefined. */
	skipAttachmentMatcher?: boolean;
}

/** The form fields, in the order Rails groups them: each invoice's `file` then its `idempotency_key`. */
export function supplierInvoiceUploadParts(upload: SupplierInvoiceUpload): MultipartPart[] {
	const file: FilePart = { name: 'supplier_invoices[][file]', data: upload.file, fileName: upload.fileName, contentType: upload.contentType };
	const parts: MultipartPart[] = [file, { name: 'supplier_invoices[][idempotency_key]', value: upload.idempotencyKey }];
	if (upload.source) parts.push({ name: 'source', value: upload.source });
	if (upload.meta !== undefined && upload.meta !== null && upload.meta !== '') {
		parts.push({ name: 'meta', value: typeof upload.meta === 'string' ? upload.meta : JSON.stringify(upload.meta) });
	}
	if (upload.skipAttachmentMatcher !== undefined) parts.push({ name: 'skip_attachment_matcher', value: String(upload.skipAttachmentMatcher) });
	return parts;
}

/** Per-item codes where another try can help (the same idempotency key makes it safe). */
const RETRYABLE_ITEM_CODES = new Set(['internal_server_error']);

/**
 * Checks a bulk answer for a one-invoice request: the invoice, or a failure built from Qonto's `errors[]` entry
 * (code, detail, pointer such as `/data/0/file`).
 */
export function interpretBulkUpload(body: unknown, traceId: string | null = null): { ok: true; invoice: Record<string, unknown> } | { ok: false; failure: QontoFailure } {
	const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
	const errors = parseQontoErrors(record);
	const invoices = Array.isArray(record.supplier_invoices) ? record.supplier_invoices : [];
	if (errors.length) {
		const tooLarge = errors.some((entry) => /too large|size/i.test(entry.detail ?? ''));
		const unsupported = errors.some((entry) => /content type|format|type/i.test(entry.detail ?? ''));
		const missingKey = errors.some((entry) => entry.code === 'required' && /idempotency/i.test(`${entry.pointer ?? ''} ${entry.detail ?? ''}`));
		return {
			ok: false,
			failure: {
				reason: QONTO_REASONS.bulkItemFailed,
				httpStatus: 200,
				message: `Qonto did not create the supplier invoice: ${describeErrors(errors)}`,
				hint: tooLarge
					? 'The file is too large for Qonto: send a smaller file.'
					: unsupported
						? 'Qonto refused the file type: send a JPEG, PNG or PDF.'
						: missingKey
							? 'Qonto needs an idempotency key per invoice: leave Idempotency Key empty to derive one, or give a UUID.'
							: 'Qonto answered 200 but refused the invoice (its bulk endpoint reports per-invoice failures in errors[]).',
				errors,
				traceId,
				retryable: errors.every((entry) => entry.code !== null && RETRYABLE_ITEM_CODES.has(entry.code)),
			},
		};
	}
	const invoice = invoices.find((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry));
	if (!invoice) {
		return {
			ok: false,
			failure: {
				reason: QONTO_REASONS.unexpectedResponse,
				httpStatus: 200,
				message: 'Qonto answered without the created supplier invoice and without an error',
				hint: 'Check the supplier invoices in Qonto before trying again; the same idempotency key prevents a duplicate within 30 minutes.',
				errors: [],
				traceId,
				retryable: false,
			},
		};
	}
	return { ok: true, invoice };
}

const MONEY_FIELDS = ['total_amount', 'total_amount_excluding_taxes', 'total_tax_amount', 'payable_amount', 'total_amount_credit_notes'] as const;

/**
 * A supplier invoice with its decimal-string amounts also as integer minor units (`total_amount_cents`, …) and a
 * plain `status` string (Qonto's OpenAPI examples show `status` as `{"const":"to_review"}`).
 */
export function normalizeSupplierInvoice(raw: Record<string, unknown>): Record<string, unknown> {
	const invoice: Record<string, unknown> = { ...raw };
	const status = raw.status;
	if (typeof status === 'object' && status !== null && typeof (status as { const?: unknown }).const === 'string') invoice.status = (status as { const: string }).const;
	for (const field of MONEY_FIELDS) {
		if (raw[field] === undefined) continue;
		invoice[`${field}_cents`] = moneyToMinorUnits(raw[field]);
	}
	const total = raw.total_amount as { currency?: unknown } | undefined;
	if (invoice.currency === undefined && typeof total?.currency === 'string') invoice.currency = total.currency;
	return invoice;
}

export interface SupplierInvoiceFilters {
	statuses?: readonly string[];
	attachmentIds?: readonly string[];
	createdAtFrom?: string | null;
	createdAtTo?: string | null;
	updatedAtFrom?: string | null;
	updatedAtTo?: string | null;
	dueDate?: string | null;
	matchedTransactions?: boolean | null;
	query?: string | null;
	sortBy?: string | null;
}

export function supplierInvoiceQuery(filters: SupplierInvoiceFilters): QueryParams {
	const query: QueryParams = {};
	if (filters.statuses?.length) query['filter[status]'] = [...filters.statuses];
	if (filters.attachmentIds?.length) query['filter[attachment_id]'] = [...filters.attachmentIds];
	query['filter[created_at_from]'] = filters.createdAtFrom ?? undefined;
	query['filter[created_at_to]'] = filters.createdAtTo ?? undefined;
	query['filter[updated_at_from]'] = filters.updatedAtFrom ?? undefined;
	query['filter[updated_at_to]'] = filters.updatedAtTo ?? undefined;
	query['filter[due_date]'] = filters.dueDate ?? undefined;
	if (filters.matchedTransactions === true || filters.matchedTransactions === false) query['filter[matched_transactions]'] = filters.matchedTransactions;
	query.query = filters.query ?? undefined;
	query.sort_by = filters.sortBy ?? undefined;
	return query;
}

/** Splits "a, b\nc" into ["a","b","c"] (not on spaces: an IBAN may be written with them). */
export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).map((entry) => entry.trim()).filter(Boolean);
	if (typeof value !== 'string') return [];
	return value
		.split(/[,;\r\n]+/)
		.map((entry) => entry.trim())
		.filter(Boolean);
}
