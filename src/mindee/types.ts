import type { FieldConfidence, ConfidenceLabel } from './confidence';

/**
 * The Mindee V2 extraction result as the API sends it (`GET result_url`, test/fixtures/api/mindee/v2/extraction):
 * `{"inference":{id, job:{id}, model:{id}, file:{…}, result:{fields:{…}, raw_text}, active_options:{…}}}`.
 * Every field is either simple `{value, confidence?, locations?}`, an object `{fields:{…}}` or a list `{items:[…]}`.
 * Everything is optional here: the normaliser reads it defensively.
 */
export interface V2Field {
	value?: unknown;
	confidence?: unknown;
	fields?: Record<string, V2Field | undefined> | null;
	items?: Array<V2Field | null | undefined> | null;
	locations?: unknown;
}

export interface V2Inference {
	id?: unknown;
	job?: { id?: unknown } | null;
	model?: { id?: unknown } | null;
	file?: { name?: unknown; alias?: unknown; page_count?: unknown; mime_type?: unknown } | null;
	result?: { fields?: Record<string, V2Field | undefined> | null; raw_text?: unknown } | null;
	active_options?: Record<string, unknown> | null;
}

export interface V2InferenceResponse {
	inference?: V2Inference | null;
}

export type DocumentKind = 'receipt' | 'invoice' | 'credit_note' | 'other';

export interface SupplierRegistration {
	/** As Mindee classifies it: VAT, SIRET, SIREN, TIN, GSTIN…; null when not given. */
	type: string | null;
	number: string;
}

export interface TaxLine {
	/** Percentage: 20 for 20 %, 5.5 for 5.5 % (Mindee V2 sends a decimal, 0.2; see `taxRatePercent`). */
	ratePercent: number | null;
	/** Minor units of the document's currency. */
	baseCents: number | null;
	amountCents: number | null;
}

/** Fields of the record that can carry a confidence. */
export type ConfidenceField =
	| 'supplierName'
	| 'supplierRegistrations'
	| 'documentNumber'
	| 'date'
	| 'dueDate'
	| 'totalAmount'
	| 'totalNet'
	| 'totalTax'
	| 'tip'
	| 'taxes'
	| 'currency'
	| 'documentType';

export interface RecordConfidence {
	/** The lowest label among supplier name, date, total amount and currency (what matching relies on), or among all fields when none of these has one. */
	label: ConfidenceLabel;
	score: number;
	fields: Record<ConfidenceField, FieldConfidence | null>;
}

/**
 * One receipt or invoice, normalised. Amounts are integer minor units of `currency` ("Cents" is the name the rest of
 * the package uses, e.g. the matcher's `totalAmountCents`; for JPY they are yen, for KWD fils). Dates are
 * `YYYY-MM-DD`. Anything Mindee did not read is null (or an empty list).
 */
export interface InvoiceRecord {
	/** Mindee's document type in lower snake case: `invoice`, `receipt`, `expense_receipt`, `credit_card_receipt`, `credit_note`, `quote`, `other_financial`… */
	documentType: string | null;
	/** The document type grouped: every kind of receipt is `receipt`; null when Mindee gave no type. */
	documentKind: DocumentKind | null;
	supplierName: string | null;
	supplierRegistrations: SupplierRegistration[];
	invoiceNumber: string | null;
	receiptNumber: string | null;
	/** The invoice number, else the receipt number, else a generic document number. */
	documentNumber: string | null;
	date: string | null;
	dueDate: string | null;
	/** ISO 4217, from `locale.currency`. */
	currency: string | null;
	/** Decimals of the currency's minor unit used for the amounts below (2 when the currency is unknown). */
	currencyExponent: number;
	totalAmountCents: number | null;
	totalNetAmountCents: number | null;
	totalTaxAmountCents: number | null;
	tipAmountCents: number | null;
	taxes: TaxLine[];
	locale: { language: string | null; country: string | null };
	/** Null when Mindee gave no confidence at all (the confidence option / Automation is off). */
	confidence: RecordConfidence | null;
	/** Receipt/invoice fields the model did not return at all (a model built from another template, or a trimmed data schema). */
	missingFields: string[];
	inference: { id: string | null; jobId: string | null; modelId: string | null; fileName: string | null; pageCount: number | null };
	/** The API's response as received, when asked for. */
	raw?: unknown;
}
