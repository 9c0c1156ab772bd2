import { createHash } from 'node:crypto';

import { ReasonedError } from '../common/failure';
import { formatBytes } from '../common/stream';

/** The answer of GET /{version}/{media-id}. `file_size` may come as a string. */
export interface MediaMetadata {
	id: string;
	url: string;
	mimeType: string | null;
	sha256: string | null;
	fileSize: number | null;
}

export const DEFAULT_MAX_FILE_BYTES = 15 * 1024 * 1024;

export function parseMediaMetadata(body: unknown): MediaMetadata {
	const data = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
	if (typeof data.url !== 'string' || data.url === '') {
		throw new ReasonedError('media_unavailable', 'WhatsApp returned no download URL for this media', { response: data });
	}
	const size = typeof data.file_size === 'number' ? data.file_size : typeof data.file_size === 'string' && /^\d+$/.test(data.file_size) ? Number(data.file_size) : null;
	return {
		id: typeof data.id === 'string' ? data.id : '',
		url: data.url,
		mimeType: typeof data.mime_type === 'string' ? data.mime_type : null,
		sha256: typeof data.sha256 === 'string' ? data.sha256 : null,
		fileSize: size,
	};
}

/** Refuses a file from its declared size, before a single byte is downloaded. */
export function assertDeclaredSizeWithinLimit(metadata: MediaMetadata, maxBytes: number): void {
	if (metadata.fileSize !== null && metadata.fileSize > maxBytes) {
		throw new ReasonedError(
			'file_too_large',
			`The file is ${formatBytes(metadata.fileSize)}, larger than the limit of ${formatBytes(maxBytes)}`,
			{ limitBytes: maxBytes, declaredBytes: metadata.fileSize },
			'Ask the sender for a smaller file (e.g. a photo of the page instead of a scan), or raise Max File Size.',
		);
	}
}

/**
 * Compares the downloaded bytes with Meta's checksum. Meta gives the sha256 as hex in media metadata and as
 * base64 in webhooks; anything else cannot be compared and is skipped (`null`).
 */
export function checksumMatches(bytes: Buffer, expected: string | null): boolean | null {
	if (!expected) return null;
	const digest = createHash('sha256').update(bytes).digest();
	if (/^[0-9a-f]{64}$/i.test(expected)) return digest.toString('hex') === expected.toLowerCase();
	const decoded = Buffer.from(expected, 'base64');
	if (decoded.length === 32 && /^[A-Za-z0-9+/]+=*$/.test(expected)) return decoded.equals(digest);
	return null;
}

/** Kept here for nodes/WhatsAppInbox, which imports it with the other media helpers. */
export { sha256Hex } from '../common/hash';

/** Download answers that mean "this URL is no longer valid": fetch a fresh URL from the media id. */
export function isExpiredUrlStatus(status: number): boolean {
	return status === 401 || status === 403 || status === 404 || status === 410;
}
