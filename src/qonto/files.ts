/**
 * What Qonto accepts as a file: JPEG, PNG or PDF ("Uploads a single attachment (JPEG, PNG or PDF)"), at most 15 MB
 * per request. The type is read from the bytes, never from the declared mime type or the name.
 */
import { ReasonedError } from '../common/failure';
import { formatBytes } from '../common/stream';
import { MAX_REQUEST_BYTES, MEGABYTE, QONTO_REASONS } from './constants';
import { MAX_FILE_NAME_BYTES, limitInMegabytes } from './room';

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

/**
 * Bytes from the optional "Max File Size (MB)" parameter, a limit stricter than Qonto's own; null when it is not a
 * positive number (empty or 0: only Qonto's request limit applies, see assertRequestSize).
 */
export function maxBytesFromMb(megabytes: unknown): number | null {
	return typeof megabytes === 'number' && Number.isFinite(megabytes) && megabytes > 0 ? Math.floor(megabytes * MEGABYTE) : null;
}

/** A limit for a message, rounded down (15 MiB less 500 bytes is 14.9 MB, not 15 MB): every size up to it fits. */
function formatLimit(limit: number): string {
	if (limit >= MEGABYTE) return `${limitInMegabytes(limit)} MB`;
	if (limit >= 1024) return `${Math.floor((limit / 1024) * 10) / 10} KB`;
	return `${limit} bytes`;
}

/** Two sizes for one message; in bytes when they are within a tenth of the unit, where rounding would blur them. */
function formatSizes(size: number, limit: number): [string, string] {
	const unit = limit >= MEGABYTE ? MEGABYTE : limit >= 1024 ? 1024 : 1;
	if (size - limit < unit / 10) return [`${size.toLocaleString('en-US')} bytes`, `${limit.toLocaleString('en-US')} bytes`];
	return [formatBytes(size), formatLimit(limit)];
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

/**
 * Refuses a request over Qonto's limit of 15 MB per request (the file plus the multipart form around it). The limit
 * named is the room for the file in this request, so the message holds for the file the sender chose.
 */
export function assertRequestSize(requestBytes: number, fileBytes: number = requestBytes): void {
	if (requestBytes > MAX_REQUEST_BYTES) {
		const envelope = requestBytes - fileBytes;
		const room = MAX_REQUEST_BYTES - envelope;
		const [shown, limit] = formatSizes(fileBytes, room);
		throw new ReasonedError(
			QONTO_REASONS.fileTooLarge,
			`The file is ${shown}, larger than the limit of ${limit} for a Qonto upload`,
			{ limitBytes: room, sizeBytes: fileBytes, requestBytes, requestLimitBytes: MAX_REQUEST_BYTES },
			`Qonto's request limit is 15 MB (${MAX_REQUEST_BYTES.toLocaleString('en-US')} bytes) for the file and the ${envelope.toLocaleString('en-US')} bytes of form around it. Ask for a smaller file (a photo of the page instead of a scan, or a compressed PDF).`,
		);
	}
}

/** Bytes of a file name as the multipart form writes it (UTF-8, `"` as %22; control characters are already gone). */
function formBytes(text: string): number {
	return Buffer.byteLength(text.replace(/"/g, '%22'), 'utf8');
}

/** Cuts a file-name stem, by whole characters, so that stem and suffix take at most MAX_FILE_NAME_BYTES in the form. */
function capStem(stem: string, suffix: string): string {
	let budget = MAX_FILE_NAME_BYTES - formBytes(suffix);
	if (formBytes(stem) <= budget) return stem;
	let kept = '';
	for (const character of stem) {
		budget -= formBytes(character);
		if (budget < 0) break;
		kept += character;
	}
	return kept.trim() || 'document';
}

/**
 * A file name Qonto shows to the bookkeeper: the given one (path and control characters removed) with an extension
 * that matches the real type, or one made from the fallback stem; cut to MAX_FILE_NAME_BYTES, so that the form around
 * the file stays within the room the file check counts on (src/qonto/room.ts).
 */
export function fileNameFor(type: QontoFileType, given: string | null | undefined, fallbackStem = 'document'): string {
	const base = (given ?? '')
		.replace(/^.*[\\/]/, '')
		.replace(/[\u0000-\u001f\u007f]/g, '')
		.trim();
	const stem = base.replace(/\.[A-Za-z0-9]{1,5}$/, '').trim() || fallbackStem.replace(/[^\w.-]+/g, '_') || 'document';
	const extension = /\.([A-Za-z0-9]{1,5})$/.exec(base)?.[1];
	const matches = extension !== undefined && (extension.toLowerCase() === type.extension || (type.kind === 'jpeg' && extension.toLowerCase() === 'jpeg'));
	const suffix = `.${matches ? extension : type.extension}`;
	if (matches && formBytes(base) <= MAX_FILE_NAME_BYTES) return base;
	return `${capStem(stem, suffix)}${suffix}`;
}
