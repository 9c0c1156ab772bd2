/**
 * The 09:00 run's re-match: documents stored in Qonto but attached to no payment (their payment was not there yet,
 * or the matcher was unsure) are matched again against the transactions Qonto has now, with the extraction the
 * ledger (`whatsapp_documents`) kept, so Mindee is not called twice. A document is attached only when the matcher
 * is confident, as at first.
 */
import { differenceInMilliseconds } from 'date-fns';
import { millisecondsInDay } from 'date-fns/constants';

import { calendarDayOf, dayOfIsoDate, dayOfTime, dayWindow, isoDateOfDay, timestampOf } from '../common/dates';
import { isRecord, textOf } from '../common/guards';
import { matchTransaction, paymentDays, resolveMatchOptions, toMatchDocument, type MatchDecision, type MatchDocument, type MatchOptions } from '../matching';
import { STORED_STATES } from './ledger';

export const DEFAULT_REMATCH_MAX_AGE_DAYS = 30;

export interface RematchSettings {
	now: Date;
	/** Documents received this many days ago or longer are left as they are. Default 30. */
	maxAgeDays?: number;
	/** The matcher's options: their date windows decide which transactions to list. */
	matchOptions?: Partial<MatchOptions> | null;
}

/** One stored, unattached document to match again. */
export interface RematchDocument {
	rowId: number;
	messageId: string;
	waId: string;
	userId: string;
	supplierInvoiceId: string;
	receivedAt: string;
	/** The stored extraction, as the matcher reads it. */
	document: MatchDocument;
	/** The day its payment is looked for around: the document's date, else the day it was received (as at first). */
	day: string;
}

/** Documents of one organisation whose payments fall in one span: one transaction listing serves them all. */
export interface RematchBatch {
	organisationId: string;
	/** List the transactions emitted from `from` to `to` (ISO timestamps, both included). */
	from: string;
	to: string;
	documents: RematchDocument[];
}

export interface SkippedDocument {
	rowId: number;
	messageId: string;
	organisationId: string;
	reason: string;
}

export interface RematchPlan {
	batches: RematchBatch[];
	/** Unattached documents that cannot be matched again, and why (for the ledger or the admin). */
	skipped: SkippedDocument[];
}

/** The ledger's `extraction` (the Mindee node's record as JSON) as the matcher's document, or why it cannot be used. */
export function storedDocument(extraction: unknown): { document: MatchDocument } | { reason: string } {
	let value: unknown = extraction;
	if (typeof extraction === 'string') {
		if (extraction.trim() === '') return { reason: 'no stored extraction' };
		try {
			value = JSON.parse(extraction);
		} catch {
			return { reason: 'the stored extraction is not JSON' };
		}
	}
	const document = isRecord(value) ? toMatchDocument(value) : null;
	if (document === null) return { reason: 'no stored extraction' };
	// Without a total no payment can be told apart well enough to attach the document.
	if (document.totalAmountCents === null || document.totalAmountCents === undefined) return { reason: 'the stored extraction has no total' };
	return { document };
}

interface LedgerEntry {
	rowId: number;
	row: Record<string, unknown>;
}

/**
 * Which ledger rows to match again, grouped per organisation into spans of transactions to list: stored in Qonto
 * (a supplier invoice id), attached to no payment (no row of that invoice has a transaction id: a copy of the same
 * file shares its invoice), received less than `maxAgeDays` ago, with a usable stored extraction.
 */
export function planRematch(rows: ReadonlyArray<Record<string, unknown>>, settings: RematchSettings): RematchPlan {
	const maxAgeDays = settings.maxAgeDays !== undefined && Number.isFinite(settings.maxAgeDays) && settings.maxAgeDays > 0 ? settings.maxAgeDays : DEFAULT_REMATCH_MAX_AGE_DAYS;
	const attachedInvoices = new Set(rows.filter((row) => textOf(row.transactionId) !== '').map((row) => `${textOf(row.organisationId)}/${textOf(row.supplierInvoiceId)}`));
	// One entry per supplier invoice: the oldest row with a usable extraction, else the oldest row.
	const byInvoice = new Map<string, LedgerEntry[]>();
	for (const row of rows) {
		const rowId = Number(row.id);
		const invoice = `${textOf(row.organisationId)}/${textOf(row.supplierInvoiceId)}`;
		if (!Number.isSafeInteger(rowId) || !textOf(row.organisationId) || !textOf(row.supplierInvoiceId)) continue;
		if (!STORED_STATES.includes(textOf(row.state)) || attachedInvoices.has(invoice)) continue;
		byInvoice.set(invoice, [...(byInvoice.get(invoice) ?? []), { rowId, row }]);
	}

	const documents = new Map<string, RematchDocument[]>();
	const skipped: SkippedDocument[] = [];
	for (const entries of byInvoice.values()) {
		entries.sort((a, b) => a.rowId - b.rowId);
		const read = entries.map((entry) => ({ ...entry, stored: storedDocument(entry.row.extraction) }));
		const { rowId, row, stored } = read.find((entry) => 'document' in entry.stored) ?? read[0];
		const organisationId = textOf(row.organisationId);
		const messageId = textOf(row.messageId);
		const received = timestampOf(row.receivedAt) ?? timestampOf(row.finishedAt);
		if (received === null) {
			skipped.push({ rowId, messageId, organisationId, reason: 'no time of receipt: its age is unknown' });
			continue;
		}
		if (differenceInMilliseconds(settings.now, received) >= maxAgeDays * millisecondsInDay) continue;
		if ('reason' in stored) {
			skipped.push({ rowId, messageId, organisationId, reason: stored.reason });
			continue;
		}
		const day = calendarDayOf(stored.document.date) ?? isoDateOfDay(dayOfTime(received));
		const list = documents.get(organisationId) ?? [];
		list.push({
			rowId,
			messageId,
			waId: textOf(row.waId),
			userId: textOf(row.userId),
			supplierInvoiceId: textOf(row.supplierInvoiceId),
			receivedAt: new Date(received).toISOString(),
			document: stored.document,
			day,
		});
		documents.set(organisationId, list);
	}

	const days = paymentDays(resolveMatchOptions(settings.matchOptions));
	const batches = [...documents.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.flatMap(([organisationId, list]) => batchesOf(organisationId, list, days));
	return { batches, skipped: skipped.sort((a, b) => a.rowId - b.rowId) };
}

/** The organisation's documents in spans whose transaction windows overlap, so that one odd date does not list years. */
function batchesOf(organisationId: string, list: RematchDocument[], days: { before: number; after: number }): RematchBatch[] {
	const dayOf = (document: RematchDocument) => dayOfIsoDate(document.day) ?? 0;
	const sorted = [...list].sort((a, b) => dayOf(a) - dayOf(b) || a.rowId - b.rowId);
	const spans: Array<{ first: number; last: number; documents: RematchDocument[] }> = [];
	for (const document of sorted) {
		const first = dayOf(document) - days.before;
		const last = dayOf(document) + days.after;
		const open = spans[spans.length - 1];
		if (open && first <= open.last + 1) {
			open.last = Math.max(open.last, last);
			open.documents.push(document);
		} else {
			spans.push({ first, last, documents: [document] });
		}
	}
	return spans.map(({ first, last, documents }) => ({ organisationId, ...dayWindow(first, 0, last - first), documents }));
}

/** What the run does with one document of a batch: attach it to `transactionId`, or leave it, with the reason. */
export interface RematchOutcome {
	rowId: number;
	messageId: string;
	supplierInvoiceId: string;
	transactionId: string | null;
	decision: MatchDecision;
	/** For the ledger's `reason`: empty when attached. */
	reason: string;
}

/**
 * Matches each document of a batch against the transactions listed for it, as of `now`. Two documents that pick the
 * same payment are both left unattached: one of them is wrong, and a wrong attachment is worse than none.
 */
export function rematchBatch(batch: RematchBatch, transactions: readonly unknown[], settings: Pick<RematchSettings, 'now' | 'matchOptions'>): RematchOutcome[] {
	const options = { ...settings.matchOptions, asOf: settings.now.toISOString() };
	const decided = batch.documents.map((document) => ({ document, decision: matchTransaction(document.document, transactions, options) }));
	const claims = new Map<string, number>();
	for (const { decision } of decided) {
		if (decision.transactionId) claims.set(decision.transactionId, (claims.get(decision.transactionId) ?? 0) + 1);
	}
	return decided.map(({ document, decision }) => {
		const contested = decision.transactionId !== null && (claims.get(decision.transactionId) ?? 0) > 1;
		const transactionId = contested ? null : decision.transactionId;
		const reason = transactionId ? '' : contested ? `Not attached: another document of this run matched the same payment ${decision.transactionId}.` : decision.explanation;
		return { rowId: document.rowId, messageId: document.messageId, supplierInvoiceId: document.supplierInvoiceId, transactionId, decision, reason };
	});
}
