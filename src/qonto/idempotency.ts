/**
 * Idempotency keys for Qonto writes, derived from the item so that a retried execution sends the same key and Qonto
 * answers with the response it cached instead of creating a second invoice or attachment.
 *
 * Qonto recommends UUID v4 keys; a random v4 would defeat the purpose, so the key is *name-based*: the SHA-256 of a
 * namespace and the item's identity, shaped as a UUID v4 (version and variant bits set). Keys expire after 30 minutes
 * on Qonto's side, so they are the second line of defence, after the workflow's own de-duplication.
 */
import { createHash } from 'node:crypto';

/** Different writes never share a key, even for the same message. */
export const IDEMPOTENCY_NAMESPACES = {
	supplierInvoiceUpload: 'n8n-nodes-qonto-whatsapp/qonto/supplier-invoice-upload/v1',
	transactionAttachment: 'n8n-nodes-qonto-whatsapp/qonto/transaction-attachment/v1',
} as const;

export type IdempotencyNamespace = (typeof IDEMPOTENCY_NAMESPACES)[keyof typeof IDEMPOTENCY_NAMESPACES];

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
	return UUID_PATTERN.test(value);
}

/** A UUID-v4-shaped key, the same for the same namespace and name, different otherwise. */
export function uuidFromName(namespace: string, name: string): string {
	const bytes = createHash('sha256').update(namespace, 'utf8').update('\u0000').update(name, 'utf8').digest().subarray(0, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
	bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** What identifies one write. */
export interface IdempotencyIdentity {
	/** The WhatsApp message id (wamid…) the file came with, when known. */
	messageId?: string | null;
	/** The Qonto organisation the file goes to. */
	organizationId?: string | null;
	/** SHA-256 (hex) of the file bytes: the identity when there is no message id. */
	fileSha256: string;
	/** For attachments: the transaction the file is attached to (the same file may go to two transactions). */
	transactionId?: string | null;
}

/**
 * The name the key is derived from. The message id wins over the file hash on purpose: a retried execution may
 * re-encode the file (e.g. HEIC → JPEG) into different bytes, and must still send the same key.
 */
export function idempotencyName(identity: IdempotencyIdentity): string {
	const messageId = identity.messageId?.trim();
	const parts = [messageId ? `message:${messageId}` : `sha256:${identity.fileSha256.toLowerCase()}`, `organization:${identity.organizationId?.trim() ?? ''}`];
	if (identity.transactionId !== undefined && identity.transactionId !== null) parts.push(`transaction:${identity.transactionId.trim()}`);
	return parts.join('|');
}

export function deriveIdempotencyKey(namespace: IdempotencyNamespace, identity: IdempotencyIdentity): string {
	return uuidFromName(namespace, idempotencyName(identity));
}

function pick(source: unknown, path: readonly string[]): string | null {
	let value: unknown = source;
	for (const key of path) {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
		value = (value as Record<string, unknown>)[key];
	}
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

/** Where the WhatsApp message id may sit in an item (WhatsApp Inbox Trigger puts it at `messageId`). */
export const MESSAGE_ID_PATHS: readonly (readonly string[])[] = [['messageId'], ['message_id'], ['wamid'], ['message', 'id'], ['whatsapp', 'messageId'], ['context', 'messageId']];
/** Where the Qonto organisation id may sit in an item. */
export const ORGANIZATION_ID_PATHS: readonly (readonly string[])[] = [
	['organizationId'],
	['organisationId'],
	['organization_id'],
	['qontoOrganizationId'],
	['organization', 'id'],
	['organisation', 'id'],
];

/** The message id and organisation id an item carries, if any. */
export function identityFromItem(json: unknown): { messageId: string | null; organizationId: string | null } {
	const first = (paths: readonly (readonly string[])[]) => paths.map((path) => pick(json, path)).find((value) => value !== null) ?? null;
	return { messageId: first(MESSAGE_ID_PATHS), organizationId: first(ORGANIZATION_ID_PATHS) };
}
