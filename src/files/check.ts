import { createHash } from 'node:crypto';
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

export function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function heifLabel(bytes: Uint8Array): { type: string; mimeType: string } {
	const brands = readBrands(bytes);
	return brands ? heifTypeOf(brands) : { type: 'heif', mimeType: 'image/heif' };
}

function acceptedBase(type: AcceptedType, mimeType: string, bytes: Uint8Array, notes: string[]): AcceptedFile {
	return { accepted: true, type, mimeType, extension: EXTENSIONS[type], size: bytes.length, sha256: sha256Hex(bytes), notes: [...notes] };
}

/**
 * Decides from the bytes alone whether a file can go to Mindee and Qonto. Pure and synchronous: no decoding,
 * only header and structure reads, so a decompression bomb is refused before anything allocates its pixels.
 * Order: empty, size, type (magic numbers), structure (truncation, damage, encryption), image dimensions.
 */
export function checkInvoiceFile(bytes: Uint8Array, options: Partial<FileCheckOptions> = {}): FileCheckResult {
	const limits = resolveOptions(options);
	const size = bytes.length;
	if (size === 0) return reject('empty_file', 0, 'the file has no bytes');
	if (size > limits.maxBytes) {
		return reject('too_large', size, `${size} bytes, limit ${limits.maxBytes} bytes`, {
			sizeMb: sizeInMegabytes(size),
			limitMb: megabytes(limits.maxBytes),
			limitBytes: limits.maxBytes,
		});
	}
	const sniffed = sniff(bytes);
	if (sniffed.kind === 'other') {
		return reject('unsupported_type', size, `not a JPEG, PNG, PDF, HEIC or HEIF file (${sniffed.type ?? 'unknown'})`, {}, sniffed);
	}
	if (sniffed.kind === 'pdf') {
		const pdf = inspectPdf(bytes);
		if (!pdf.ok) return fromProblem(pdf, size, { type: 'pdf', mimeType: MIME_TYPES.pdf });
		return {
			...acceptedBase('pdf', MIME_TYPES.pdf, bytes, pdf.notes),
			pageCount: pdf.pageCount,
			pageCountSource: pdf.pageCountSource,
		};
	}
	let image: ImageInfo;
	let type: AcceptedType;
	let mimeType: string;
	if (sniffed.kind === 'heif') {
		const heif = inspectHeif(bytes);
		if (!heif.ok) return fromProblem(heif, size, heifLabel(bytes));
		({ type, mimeType } = heif);
		image = heif;
	} else {
		type = sniffed.kind;
		mimeType = MIME_TYPES[type];
		const found = type === 'jpeg' ? inspectJpeg(bytes) : inspectPng(bytes);
		if (!found.ok) return fromProblem(found, size, { type, mimeType });
		image = found;
	}
	const { width, height } = image;
	if (width * height > limits.maxPixels || Math.max(width, height) > limits.maxSide) {
		return reject(
			'image_too_large',
			size,
			`${width}×${height} px; limits ${limits.maxPixels} px and ${limits.maxSide} px per side`,
			{ width, height, megapixels: Math.round((width * height) / 1e5) / 10, maxMegapixels: limits.maxPixels / 1e6, maxSide: limits.maxSide },
			{ type, mimeType },
		);
	}
	return { ...acceptedBase(type, mimeType, bytes, image.notes), width, height };
}
