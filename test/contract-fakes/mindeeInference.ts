/**
 * Mindee V2 inference documents for the fake: a real fixture (fixtures/api/mindee/v2/extraction) or one built from
 * a receipt's ground truth (fixtures/samples/receipts/*.json, SROIE), with the V2 field shape
 * `{locations, confidence, value}` of the real Financial Document fixtures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { loadFixture, SAMPLE_RECEIPTS_DIR } from './fixtures';
import { sha256Hex } from './sniff';

export type ExtractionFixture = 'complete' | 'complete_with_coordinates' | 'default_sample' | 'blank' | 'standard_field_types';

/** Ground truth as stored next to each sample receipt (SROIE). */
export interface ReceiptTruth {
	company: string;
	/** Day-first, several spellings: 12/03/18, 17-02-18, 19/10/2017. */
	date: string;
	address?: string;
	total: string;
}

export interface SampleReceipt {
	fileName: string;
	sha256: string;
	bytes: Buffer;
	truth: ReceiptTruth;
}

/** What the inference should say about the file, independent of the request. */
export interface InferenceContext {
	inferenceId: string;
	jobId: string;
	modelId: string;
	fileName: string;
	alias: string | null;
	mimeType: string;
	/** Options the client asked for at enqueue time. */
	activeOptions: { raw_text: boolean; rag: boolean; polygon: boolean; confidence: boolean; text_context: boolean };
}

type InferenceDocument = { inference: Record<string, any> };

export function inferenceFromFixture(name: ExtractionFixture, context: InferenceContext): InferenceDocument {
	return withContext(loadFixture<InferenceDocument>(`mindee/v2/extraction/${name}.json`), context, false);
}

/** A caller-supplied inference document (either `{inference:{…}}` or the inner object), with this job's ids. */
export function inferenceFromObject(inference: unknown, context: InferenceContext): InferenceDocument {
	const document = structuredClone(inference) as Record<string, any>;
	return withContext(document.inference ? (document as InferenceDocument) : { inference: document }, context, false);
}

/** The blank Financial Document inference with the receipt's supplier, date, total and MYR filled in. */
export function inferenceFromTruth(truth: ReceiptTruth, context: InferenceContext): InferenceDocument {
	const document = withContext(loadFixture<InferenceDocument>('mindee/v2/extraction/blank.json'), context, true);
	const fields = document.inference.result.fields;
	const confidence = context.activeOptions.confidence ? 'High' : null;
	const set = (field: Record<string, unknown>, value: unknown) => Object.assign(field, { value, confidence: value === null ? null : confidence });
	set(fields.supplier_name, truth.company.trim() || null);
	set(fields.date, parseDayFirstDate(truth.date));
	set(fields.total_amount, parseAmount(truth.total));
	set(fields.document_type, 'receipt');
	set(fields.locale.fields.currency, 'MYR');
	set(fields.locale.fields.country, 'MY');
	set(fields.locale.fields.language, 'en');
	if (truth.address) set(fields.supplier_address.fields.complete, truth.address);
	return document;
}

function withContext(document: InferenceDocument, context: InferenceContext, replaceOptions: boolean): InferenceDocument {
	const inference = document.inference;
	inference.id = context.inferenceId;
	inference.job = { id: context.jobId };
	inference.model = { id: context.modelId };
	inference.file = { ...inference.file, name: context.fileName, alias: context.alias, mime_type: context.mimeType };
	// Fixtures keep the options they were recorded with (their fields carry confidence/locations accordingly).
	if (replaceOptions) inference.active_options = { ...context.activeOptions, data_schema: { replace: false } };
	return document;
}

/** YYYY-MM-DD from a day-first date (12/03/18, 17-02-18, 19/10/2017, 5.1.2019, 25 Dec 2018), or null. */
export function parseDayFirstDate(text: string): string | null {
	const trimmed = text.trim();
	const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(trimmed);
	if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
	const numeric = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(trimmed);
	if (numeric) return validDate(fullYear(numeric[3]), Number(numeric[2]), Number(numeric[1]));
	const named = /^(\d{1,2})[\s-]*([A-Za-z]{3})[A-Za-z]*[\s,-]*(\d{2}|\d{4})$/.exec(trimmed);
	if (named) return validDate(fullYear(named[3]), monthNumber(named[2]), Number(named[1]));
	return null;
}

function fullYear(text: string): number {
	return text.length === 2 ? 2000 + Number(text) : Number(text);
}

function monthNumber(name: string): number {
	return ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(name.toLowerCase()) + 1;
}

function validDate(year: number, month: number, day: number): string | null {
	const date = new Date(Date.UTC(year, month - 1, day));
	if (month < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
	return date.toISOString().slice(0, 10);
}

/** 77.20, "RM 77.20", "1,234.50" → number; null when there is no amount. */
export function parseAmount(text: string): number | null {
	const cleaned = text.replace(/[^\d.,-]/g, '').replace(/,(?=\d{3}\b)/g, '').replace(',', '.');
	const value = Number.parseFloat(cleaned);
	return Number.isFinite(value) ? value : null;
}

/** The sample receipts (image + ground truth pairs) of a directory, default test/fixtures/samples/receipts. */
export function loadSampleReceipts(directory = SAMPLE_RECEIPTS_DIR): SampleReceipt[] {
	const truths = readdirSync(directory).filter((name) => name.endsWith('.json'));
	return truths.flatMap((truthName) => {
		const stem = basename(truthName, '.json');
		const image = readdirSync(directory).find((name) => name.startsWith(`${stem}.`) && !name.endsWith('.json'));
		if (!image) return [];
		const bytes = readFileSync(join(directory, image));
		const truth = JSON.parse(readFileSync(join(directory, truthName), 'utf8')) as ReceiptTruth;
		return [{ fileName: image, sha256: sha256Hex(bytes), bytes, truth }];
	});
}
