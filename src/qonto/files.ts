/**
 * What Qonto accepts as a file: JPEG, PNG or PDF ("Uploads a single attachment (JPEG, PNG or PDF)"), at most 15 MB
 * per request. The type is read from the bytes, never from the declared mime type or the name.
 */
import { ReasonedError } from '../common/failure';
import { formatBytes } from '../common/stream';
import { DEFAULT_MAX_FILE_MB, MAX_REQUEST_BYTES, MEGABYTE, QONTO_REASONS } from './constants';

export type QontoFileKind = 'jpeg' | 'png' | 'pdf';

export interface QontoFileType {
	kind: QontoFileKind;
	mimeType: string;
	extension: string;
}

const TYPES: Record<QontoFileKind, QontoFileType> = {
	jpeg: { kind: 'jpeg', mimeType: 'image/jpeg', extension: 'jpg' },
	png: { kind: 'png', mimeType: 'image/png', extension: 'png' },
	pdf: { kind: 'pdf', mimeType: 'application/pdf', extension: 'pdf' },
};

/** Names of other formats worth telling the user about (what they sent instead). */
function describeOther(bytes: Buffer): string {
	const head = bytes.subarray(0, 16);
	const ascii = head.toString('latin1');
	if (ascii.startsWith('GIF8')) return 'GIF';
	if (ascii.startsWith('RIFF') && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'WebP';
	if (bytes.subarray(4, 8).toString('latin1') === 'ftyp') return /^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(bytes.subarray(8, 12).toString('latin1')) ? 'HEIC/HEIF' : 'MP4/MOV';
	if (head[0] === 0x50 && head[1] === 0x4b) return 'ZIP (or an Office document)';
	if ((head[0] === 0x49 && head[1] === 0x49) || (head[0] === 0x4d && head[1] === 0x4d)) return 'TIFF';
	if (bytes.length === 0) return 'an empty file';
	return 'an unrecognised format';
}

/** JPEG, PNG or PDF from the magic bytes; null for anything else. */
export function sniffQontoFileType(bytes: Buffer): QontoFileType | null {
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return TYPES.jpeg;
	if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return TYPES.png;
	// PDF readers accept the header anywhere in the first KiB (some generators prepend junk).
	if (bytes.subarray(0, 1024).includes('%PDF-')) return TYPES.pdf;
	return null;
}

/** The file type, or a ReasonedError (`unsupported_file_type`) that says what was sent and what is accepted. */
export function requireQontoFileType(bytes: Buffer): QontoFileType {
	const type = sniffQontoFileType(bytes);
	if (type) return type;
	const found = describeOther(bytes);
	throw new ReasonedError(
		QONTO_REASONS.unsupportedFileType,
		`Qonto only accepts JPEG, PNG or PDF files; this file is ${found}`,
		{ detectedFormat: found, acceptedFormats: ['JPEG', 'PNG', 'PDF'] },
		found === 'HEIC/HEIF' ? 'Convert HEIC/HEIF photos to JPEG first (e.g. with the Invoice File Check node).' : 'Send a JPEG, PNG or PDF file instead.',
	);
}

/** Bytes from a "Max File Size (MB)" parameter; the default 14.9 MB leaves room for the multipart envelope. */
export function maxBytesFromMb(megabytes: unknown): number {
	const value = typeof megabytes === 'number' && Number.isFinite(megabytes) && megabytes > 0 ? megabytes : DEFAULT_MAX_FILE_MB;
	return Math.floor(value * MEGABYTE);
}

/** Two sizes for one message; in bytes when rounding would print them the same. */
function formatSizes(size: number, limit: number): [string, string] {
	const [a, b] = [formatBytes(size), formatBytes(limit)];
	return a === b ? [`${size.toLocaleString('en-US')} bytes`, `${limit.toLocaleString('en-US')} bytes`] : [a, b];
}

/** Refuses a file over the limit before anything is sent. */
export function assertFileSize(size: number, maxBytes: number): void {
	if (size > maxBytes) {
		const [shown, limit] = formatSizes(size, maxBytes);
		throw new ReasonedError(
			QONTO_REASONS.fileTooLarge,
			`The file is ${shown}, larger than the limit of ${limit} for a Qonto upload`,
			{ limitBytes: maxBytes, sizeBytes: size },
			'Qonto refuses requests over 15 MB. Ask for a smaller file (a photo of the page instead of a scan, or a compressed PDF).',
		);
	}
}

/** Refuses a request body over Qonto's 15 MB request limit (the file plus the multipart envelope). */
export function assertRequestSize(size: number): void {
	if (size > MAX_REQUEST_BYTES) {
		const [shown, limit] = formatSizes(size, MAX_REQUEST_BYTES);
		throw new ReasonedError(
			QONTO_REASONS.fileTooLarge,
			`The upload would be ${shown}, over Qonto's request limit of ${limit}`,
			{ limitBytes: MAX_REQUEST_BYTES, sizeBytes: size },
			'Use a smaller file.',
		);
	}
}

/**
 * A file name Qonto shows to the bookkeeper: the given one (path and control characters removed) with an extension
 * that matches the real type, or one made from the fallback stem.
 */
export function fileNameFor(type: QontoFileType, given: string | null | undefined, fallbackStem = 'document'): string {
	const base = (given ?? '')
		.replace(/^.*[\\/]/, '')
		.replace(/[\u0000-\u001f\u007f]/g, '')
		.trim();
	const stem = base.replace(/\.[A-Za-z0-9]{1,5}$/, '').trim() || fallbackStem.replace(/[^\w.-]+/g, '_') || 'document';
	const extension = /\.([A-Za-z0-9]{1,5})$/.exec(base)?.[1]?.toLowerCase();
	const matches = extension !== undefined && (extension === type.extension || (type.kind === 'jpeg' && extension === 'jpeg'));
	return matches ? base : `${stem}.${type.extension}`;
}
