import { sha256Hex } from '../common/hash';
import type { ImageInfo, Problem } from './bytes';
import { heifTypeOf, inspectHeif, readBrands } from './heif';
import { inspectJpeg } from './jpeg';
import { rejectionMessage } from './messages';
import { inspectPdf } from './pdf';
import { inspectPng } from './png';
import { sniff } from './sniff';
import {
	type AcceptedFile,
	type AcceptedType,
	DEFAULT_CHECK_OPTIONS,
	type FileCheckOptions,
	type FileCheckResult,
	MEBIBYTE,
	type RejectReason,
	type RejectedFile,
} from './types';

const MIME_TYPES: Record<'jpeg' | 'png' | 'pdf', string> = { jpeg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf' };
export const EXTENSIONS: Record<AcceptedType, string> = { jpeg: 'jpg', png: 'png', pdf: 'pdf', heic: 'heic', heif: 'heif' };

export function resolveOptions(options: Partial<FileCheckOptions> = {}): FileCheckOptions {
	const resolved = { ...DEFAULT_CHECK_OPTIONS };
	for (const key of Object.keys(resolved) as (keyof FileCheckOptions)[]) {
		const value = options[key];
		if (value !== undefined) {
			if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${key} must be a positive number, got ${value}`);
			resolved[key] = value;
		}
	}
	return resolved;
}

/** 15 for 15 MiB, 0.5 for 512 KiB: the limit as the sender reads it. */
export function megabytes(bytes: number): number {
	return Math.round((bytes / MEBIBYTE) * 10) / 10;
}

/** A file's size for the sender, rounded up: a file one byte over the limit must not read as the limit. */
export function sizeInMegabytes(bytes: number): number {
	return Math.ceil((bytes / MEBIBYTE) * 10) / 10;
}

export function reject(
	reason: RejectReason,
	size: number,
	detail: string,
	params: Record<string, number | string> = {},
	detected: { type?: string; mimeType?: string } = {},
): RejectedFile {
	const rejected: RejectedFile = { accepted: false, reason, message: rejectionMessage(reason, params), params, detail, size };
	if (detected.type !== undefined) rejected.detectedType = detected.type;
	if (detected.mimeType !== undefined) rejected.detectedMimeType = detected.mimeType;
	return rejected;
}

function fromProblem(found: Problem, size: number, detected: { type?: string; mimeType?: string }): RejectedFile {
	return reject(found.reason, size, found.detail, {}, {
		type: found.detectedType ?? detected.type,
		mimeType: found.detectedMimeType ?? detected.mimeType,
	});
}

function heifLabel(bytes: Uint8Array): { type: string; mimeType: string } {
	const brands = readBrands(bytes);
	return brands ? heifTypeOf(brands) : { type: 'heif', mimeType: 'image/heif' };
}

/** A verdict and the bytes to forward: for an accepted file a prefix of the bytes as sent (see acceptedBase), else those bytes. */
export interface CheckedFile<Result extends FileCheckResult = FileCheckResult> {
	result: Result;
	bytes: Uint8Array;
}

/**
 * The accepted file as it goes on: the bytes up to the format's end (`end`), without what was appended after it
 * (a ZIP behind a JPEG or PDF). Size and sha256 are those of these bytes, so that duplicate detection compares
 * the files Qonto gets.
 */
function acceptedBase(type: AcceptedType, mimeType: string, sent: Uint8Array, end: number | undefined, notes: string[]): CheckedFile<AcceptedFile> {
	const bytes = end === undefined || end >= sent.length ? sent : sent.subarray(0, end);
	const result: AcceptedFile = { accepted: true, type, mimeType, extension: EXTENSIONS[type], size: bytes.length, sha256: sha256Hex(bytes), notes: [...notes] };
	if (bytes !== sent) {
		result.removedTrailingBytes = sent.length - bytes.length;
		result.notes.push(`removed ${result.removedTrailingBytes} bytes found after the end of the ${type.toUpperCase()}`);
	}
	return { result, bytes };
}

/**
 * Decides from the bytes alone whether a file can go to Mindee and Qonto. Pure and synchronous: no decoding,
 * only header and structure reads, so a decompression bomb is refused before anything allocates its pixels.
 * Order: empty, size, type (magic numbers), structure (truncation, damage, encryption), image dimensions.
 * Size and sha256 of an accepted file are those of the bytes forwarded (see checkAndTrimInvoiceFile).
 */
export function checkInvoiceFile(bytes: Uint8Array, options: Partial<FileCheckOptions> = {}): FileCheckResult {
	return checkAndTrimInvoiceFile(bytes, options).result;
}

/** checkInvoiceFile, plus the bytes to forward when the file is accepted (without anything appended after its end). */
export function checkAndTrimInvoiceFile(bytes: Uint8Array, options: Partial<FileCheckOptions> = {}): CheckedFile {
	const refused = (result: RejectedFile): CheckedFile => ({ result, bytes });
	const limits = resolveOptions(options);
	const size = bytes.length;
	if (size === 0) return refused(reject('empty_file', 0, 'the file has no bytes'));
	if (size > limits.maxBytes) {
		return refused(reject('too_large', size, `${size} bytes, limit ${limits.maxBytes} bytes`, {
			sizeMb: sizeInMegabytes(size),
			limitMb: megabytes(limits.maxBytes),
			limitBytes: limits.maxBytes,
		}));
	}
	const sniffed = sniff(bytes);
	if (sniffed.kind === 'other') {
		return refused(reject('unsupported_type', size, `not a JPEG, PNG, PDF, HEIC or HEIF file (${sniffed.type ?? 'unknown'})`, {}, sniffed));
	}
	if (sniffed.kind === 'pdf') {
		const pdf = inspectPdf(bytes);
		if (!pdf.ok) return refused(fromProblem(pdf, size, { type: 'pdf', mimeType: MIME_TYPES.pdf }));
		const checked = acceptedBase('pdf', MIME_TYPES.pdf, bytes, pdf.end, pdf.notes);
		return { ...checked, result: { ...checked.result, pageCount: pdf.pageCount, pageCountSource: pdf.pageCountSource } };
	}
	let image: ImageInfo;
	let type: AcceptedType;
	let mimeType: string;
	if (sniffed.kind === 'heif') {
		const heif = inspectHeif(bytes);
		if (!heif.ok) return refused(fromProblem(heif, size, heifLabel(bytes)));
		({ type, mimeType } = heif);
		image = heif;
	} else {
		type = sniffed.kind;
		mimeType = MIME_TYPES[type];
		const found = type === 'jpeg' ? inspectJpeg(bytes) : inspectPng(bytes);
		if (!found.ok) return refused(fromProblem(found, size, { type, mimeType }));
		image = found;
	}
	const { width, height } = image;
	if (width * height > limits.maxPixels || Math.max(width, height) > limits.maxSide) {
		return refused(reject(
			'image_too_large',
			size,
			`${width}×${height} px; limits ${limits.maxPixels} px and ${limits.maxSide} px per side`,
			{ width, height, megapixels: Math.round((width * height) / 1e5) / 10, maxMegapixels: limits.maxPixels / 1e6, maxSide: limits.maxSide },
			{ type, mimeType },
		));
	}
	const checked = acceptedBase(type, mimeType, bytes, image.end, image.notes);
	return { ...checked, result: { ...checked.result, width, height } };
}
