/**
 * The document ledger (Data Table `whatsapp_documents`): one row per WhatsApp document message. Only stored documents
 * carry the sha256 of their file, so a file that failed may be sent again.
 */

import { textOf } from '../common/guards';
import { readQuestionRecord, type QuestionRecord } from './question';

export const STORED_STATES: readonly string[] = ['stored', 'matched'];

export interface LedgerRow {
	id: number;
	messageId: string;
	organisationId: string;
	sha256: string;
	state: string;
	receivedAt: string;
	supplierInvoiceId: string;
	transactionId: string;
	/** The sweep's attempt that last started on the document (0: the delivery itself). */
	attempts: number;
	/** The sender of the document, as the trigger gave them. */
	waId: string;
	userId: string;
	/** The question the sender was asked about the document's payment; null when none (or unreadable). */
	question: QuestionRecord | null;
}

export function toLedgerRow(raw: Record<string, unknown>): LedgerRow | null {
	const id = Number(raw.id);
	if (!Number.isSafeInteger(id) || id <= 0) return null;
	return {
		id,
		messageId: textOf(raw.messageId),
		organisationId: textOf(raw.organisationId),
		sha256: textOf(raw.sha256).toLowerCase(),
		state: textOf(raw.state),
		receivedAt: textOf(raw.receivedAt),
		supplierInvoiceId: textOf(raw.supplierInvoiceId),
		transactionId: textOf(raw.transactionId),
		attempts: Number(raw.attempts) || 0,
		waId: textOf(raw.waId),
		userId: textOf(raw.userId),
		question: readQuestionRecord(raw.question),
	};
}

/**
 * The first stored copy of this file in this organisation, sent as another message. The message itself is left out:
 * its own row may already say "stored" when this is asked again (a repeated delivery, a retry).
 */
export function findEarlierCopy(rows: LedgerRow[], file: { sha256: string; organisationId: string; messageId: string }): LedgerRow | undefined {
	const sha256 = file.sha256.toLowerCase();
	return rows
		.filter((row) => row.sha256 === sha256 && row.organisationId === file.organisationId && row.messageId !== file.messageId && STORED_STATES.includes(row.state))
		.sort((a, b) => a.id - b.id)[0];
}

/**
 * Why this attempt must not go on to Qonto, if it must not: the sweep took the document for abandoned and started a
 * later attempt, or another attempt already finished it. Qonto's idempotency key only lasts 30 minutes, so this check
 * (right before the upload) is what keeps a slow attempt from storing the document a second time. No row (the ledger
 * could not be written) is no reason to stop.
 */
export function overtakenBy(rows: LedgerRow[], messageId: string, attempt: number): string | undefined {
	const row = rows.filter((candidate) => candidate.messageId === messageId).sort((a, b) => a.id - b.id)[0];
	if (!row) return undefined;
	if (row.state !== 'processing') return `already ${row.state || 'finished'}`;
	if (row.attempts > attempt) return `attempt ${row.attempts} took over`;
	return undefined;
}
