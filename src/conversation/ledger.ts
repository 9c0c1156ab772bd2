/**
 * The document ledger (Data Table `whatsapp_documents`): one row per WhatsApp document message. Only stored documents
 * carry the sha256 of their file, so a file that failed may be sent again.
 */

import { textOf } from '../common/guards';

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
