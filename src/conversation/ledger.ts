/**
 * The document ledger (Data Table `whatsapp_documents`): one row per WhatsApp document message. Only stored documents
 * carry the sha256 of their file, so a file that failed may be sent again.
 */

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

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

export function toLedgerRow(raw: Record<string, unknown>): LedgerRow | null {
	const id = Number(raw.id);
	if (!Number.isSafeInteger(id) || id <= 0) return null;
	return {
		id,
		messageId: text(raw.messageId),
		organisationId: text(raw.organisationId),
		sha256: text(raw.sha256).toLowerCase(),
		state: text(raw.state),
		receivedAt: text(raw.receivedAt),
		supplierInvoiceId: text(raw.supplierInvoiceId),
		transactionId: text(raw.transactionId),
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
