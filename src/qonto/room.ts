/**
 * How large a file fits in one Qonto upload. Qonto's limit (15 MB) is per request: the file plus the multipart form
 * around it (boundary lines, part headers with the file name and type, the other fields). What is left for the file
 * is the room; the Qonto node checks the exact room of each request it builds, and the Invoice File Check makes
 * photos fit the room of the largest request the node builds with its default options.
 */
import { MAX_REQUEST_BYTES, MEGABYTE, SUPPLIER_INVOICE_SOURCES } from './constants';
import { multipartEnvelopeBytes, type MultipartPart } from './multipart';
import { supplierInvoiceUploadParts } from './supplierInvoices';

/**
 * Longest file name the Qonto node sends, in bytes as written in the form (UTF-8, a `"` written as %22): longer names
 * are shortened (the extension kept), so the form around a file has an upper bound whatever the sender named it.
 */
export const MAX_FILE_NAME_BYTES = 160;

/** The file bytes that fit in a request built from these parts (files emptied or not: only their headers count). */
export function fileRoomOf(parts: readonly MultipartPart[]): number {
	return MAX_REQUEST_BYTES - multipartEnvelopeBytes(parts);
}

/** The Meta option's default of the supplier-invoice upload, as the node sends it (compact JSON). */
export const DEFAULT_UPLOAD_META = { integration_type: 'whatsapp', connector: 'n8n' } as const;

/**
 * The largest form the Qonto node builds with its default options: a file name of MAX_FILE_NAME_BYTES, the longest
 * content type (application/pdf), a UUID idempotency key, the longest source, the default meta and
 * `skip_attachment_matcher=false`; the attachment request (one `file` part) is smaller.
 */
function largestDefaultEnvelope(): number {
	const fileName = `${'x'.repeat(MAX_FILE_NAME_BYTES - 4)}.pdf`;
	const file = { data: Buffer.alloc(0), fileName, contentType: 'application/pdf' };
	const longestSource = [...SUPPLIER_INVOICE_SOURCES].sort((a, b) => b.length - a.length)[0];
	const bulk = supplierInvoiceUploadParts({
		file: file.data,
		fileName,
		contentType: file.contentType,
		idempotencyKey: '00000000-0000-4000-8000-000000000000',
		source: longestSource,
		meta: DEFAULT_UPLOAD_META,
		skipAttachmentMatcher: false,
	});
	const attachment: MultipartPart[] = [{ name: 'file', ...file }];
	return Math.max(multipartEnvelopeBytes(bulk), multipartEnvelopeBytes(attachment));
}

/**
 * Bytes of a file that always fit in one Qonto upload by the Qonto node with default options: 15 MiB less the
 * largest envelope (about 700 bytes). A Meta option longer than the default narrows the room of that request; the
 * node then refuses with the exact limit.
 */
export const QONTO_FILE_ROOM_BYTES = MAX_REQUEST_BYTES - largestDefaultEnvelope();

/** A limit in MB (1024 × 1024 bytes) for people, rounded down to 0.1 MB so that every file of that size really fits. */
export function limitInMegabytes(bytes: number): number {
	return Math.floor((bytes / MEGABYTE) * 10) / 10;
}
