import { QONTO_FILE_ROOM_BYTES, limitInMegabytes } from '../qonto/room';
import { EXTENSIONS, checkAndTrimInvoiceFile, reject, resolveOptions, sizeInMegabytes } from './check';
import { convertHeifToJpeg } from './convert';
import { outputFileName } from './filename';
import { identifyWithFileType } from './identify';
import { inspectJpeg } from './jpeg';
import { reencodeAsJpeg } from './reencode';
import { shrinkJpeg, shrinkPng, withExifOf } from './shrink';
import type { AcceptedFile, FileCheckOptions, RejectedFile } from './types';

export interface ProcessOptions extends Partial<FileCheckOptions> {
	/** The name the sender gave the file (only used to build the output name). */
	fileName?: string;
	/** Whether HEIC/HEIF files are converted to JPEG for Qonto (default true). */
	convertHeif?: boolean;
	/** JPEG quality for the conversion, 1–100 (default 90). */
	jpegQuality?: number;
	/**
	 * Largest file for Qonto, in bytes: what a Qonto upload request (15 MiB) leaves for the file (default
	 * QONTO_FILE_ROOM_BYTES). Photos over it are made to fit, a PDF over it is refused.
	 */
	maxUploadBytes?: number;
}

export const DEFAULT_JPEG_QUALITY = 90;
/** When a converted JPEG exceeds the size limit, retry this many quality points lower, down to the floor. */
const QUALITY_STEP = 15;
const QUALITY_FLOOR = 50;

export interface OutputFile {
	bytes: Uint8Array;
	/** Whether these are the bytes as sent, so the stored binary can be reused with a corrected name and type instead of copied. */
	asSent: boolean;
	fileName: string;
	mimeType: string;
	extension: string;
}

/** JSON summary of an accepted file, as the node outputs it. */
export interface AcceptedSummary extends AcceptedFile {
	/** Name, type and size of the file to store in Qonto (the converted JPEG for HEIC/HEIF). */
	fileName: string;
	converted: boolean;
	outputMimeType: string;
	outputSize: number;
	/** Conversion facts, only when converted. */
	conversion?: { quality: number; width: number; height: number };
	/** When a JPEG or PNG was made smaller, losslessly, to fit a Qonto upload: how. */
	shrunk?: { fromBytes: number; steps: string[] };
}

export type ProcessedFile =
	| {
			result: AcceptedSummary;
			/**
			 * The file for Qonto: the bytes as sent (JPEG, PNG, PDF, or HEIC/HEIF when conversion is off) without anything
			 * appended after the format's end, or the converted JPEG.
			 */
			output: OutputFile;
			/** When converted: the untouched original, named with a `.heic` extension (Mindee refuses `.heif` names). */
			original?: OutputFile;
	  }
	| { result: RejectedFile };

/**
 * The whole check for one file: verdict from the bytes, then for HEIC/HEIF the JPEG for Qonto.
 * The sha256 in the result is that of the checked file as forwarded (appended data cut), before any conversion.
 */
export async function processInvoiceFile(bytes: Uint8Array, options: ProcessOptions = {}): Promise<ProcessedFile> {
	const limits = resolveOptions(options);
	const { result: checked, bytes: forwarded } = checkAndTrimInvoiceFile(bytes, limits);
	if (!checked.accepted) {
		if (checked.reason === 'unsupported_type') {
			const named = await identifyWithFileType(bytes);
			if (named) return { result: { ...checked, detectedType: named.type, detectedMimeType: named.mimeType } };
		}
		return { result: checked };
	}
	const uploadLimit = Math.min(limits.maxBytes, options.maxUploadBytes ?? QONTO_FILE_ROOM_BYTES);
	if (!Number.isFinite(uploadLimit) || uploadLimit <= 0) throw new RangeError(`maxUploadBytes must be a positive number, got ${options.maxUploadBytes}`);
	/** Too large for Qonto: what is compared is the file Qonto would get, and the limit shown is rounded down so it holds. */
	const tooLarge = (size: number, detail: string): ProcessedFile => ({
		result: reject('too_large', bytes.length, detail, { sizeMb: sizeInMegabytes(size), limitMb: limitInMegabytes(uploadLimit), limitBytes: uploadLimit }, { type: checked.type, mimeType: checked.mimeType }),
	});
	const convert = options.convertHeif ?? true;
	const isHeif = checked.type === 'heic' || checked.type === 'heif';
	const kept: OutputFile = {
		bytes: forwarded,
		asSent: forwarded === bytes,
		fileName: outputFileName(options.fileName, checked.extension),
		mimeType: checked.mimeType,
		extension: checked.extension,
	};
	if (!isHeif || !convert) {
		const summary: AcceptedSummary = { ...checked, fileName: kept.fileName, converted: false, outputMimeType: kept.mimeType, outputSize: forwarded.length };
		// HEIC/HEIF kept as sent (conversion off) is not for Qonto, which refuses the format anyway.
		if (forwarded.length <= uploadLimit || isHeif) return { result: summary, output: kept };
		const room = `${forwarded.length} bytes, a Qonto upload leaves ${uploadLimit} bytes for the file`;
		if (checked.type === 'pdf') return tooLarge(forwarded.length, room);
		const shrunk = checked.type === 'jpeg' ? shrinkJpeg(forwarded, uploadLimit) : shrinkPng(forwarded, uploadLimit);
		if (shrunk) {
			return {
				result: { ...summary, notes: [...checked.notes, ...shrunk.steps], outputSize: shrunk.bytes.length, shrunk: { fromBytes: forwarded.length, steps: shrunk.steps } },
				output: { ...kept, bytes: shrunk.bytes, asSent: false },
			};
		}
		// Losslessly it does not fit: the photo is written again as a JPEG at a lower quality.
		let reencoded: Awaited<ReturnType<typeof reencodeAsJpeg>>;
		try {
			reencoded = await reencodeAsJpeg(forwarded, checked.type === 'png' ? 'png' : 'jpeg', uploadLimit);
		} catch (error) {
			return { result: reject('conversion_failed', bytes.length, `re-encoding to fit Qonto: ${(error as Error).message}`, {}, { type: checked.type, mimeType: checked.mimeType }) };
		}
		const jpeg = reencoded && checked.type === 'jpeg' ? withExifOf(forwarded, reencoded.bytes) : reencoded?.bytes;
		if (!reencoded || !jpeg || jpeg.length > uploadLimit) return tooLarge(forwarded.length, `${room}; it does not fit even re-encoded as a JPEG at the lowest quality`);
		const step = `re-encoded as a JPEG at quality ${reencoded.quality} to fit a Qonto upload (${forwarded.length} → ${jpeg.length} bytes)`;
		const output: OutputFile = { bytes: jpeg, asSent: false, fileName: outputFileName(options.fileName, 'jpg'), mimeType: 'image/jpeg', extension: 'jpg' };
		return {
			result: { ...summary, notes: [...checked.notes, step], fileName: output.fileName, outputMimeType: output.mimeType, outputSize: jpeg.length, shrunk: { fromBytes: forwarded.length, steps: [step] } },
			output,
		};
	}

	let quality = options.jpegQuality ?? DEFAULT_JPEG_QUALITY;
	let jpeg: Buffer;
	try {
		jpeg = await convertHeifToJpeg(forwarded, quality);
		while (jpeg.length > uploadLimit && quality > QUALITY_FLOOR) {
			quality = Math.max(QUALITY_FLOOR, quality - QUALITY_STEP);
			jpeg = await convertHeifToJpeg(forwarded, quality);
		}
	} catch (error) {
		if (error instanceof RangeError) throw error; // a configuration mistake, not the sender's file
		return { result: reject('conversion_failed', bytes.length, `heic-convert: ${(error as Error).message}`, {}, { type: checked.type, mimeType: checked.mimeType }) };
	}
	if (jpeg.length > uploadLimit) {
		// What is too large is the JPEG Qonto would get, not the photo as sent.
		return tooLarge(jpeg.length, `converted JPEG is ${jpeg.length} bytes even at quality ${quality}, limit ${uploadLimit} bytes`);
	}
	const decoded = inspectJpeg(jpeg);
	const width = decoded.ok ? decoded.width : 0;
	const height = decoded.ok ? decoded.height : 0;
	const notes = [...checked.notes];
	if (width !== checked.width || height !== checked.height) {
		notes.push(`converted image is ${width}×${height}, the file announced ${checked.width}×${checked.height}`);
	}
	const output: OutputFile = { bytes: jpeg, asSent: false, fileName: outputFileName(options.fileName, 'jpg'), mimeType: 'image/jpeg', extension: 'jpg' };
	const original: OutputFile = { ...kept, fileName: outputFileName(options.fileName, EXTENSIONS.heic), extension: EXTENSIONS.heic };
	return {
		result: {
			...checked,
			notes,
			fileName: output.fileName,
			converted: true,
			outputMimeType: output.mimeType,
			outputSize: jpeg.length,
			conversion: { quality, width, height },
		},
		output,
		original,
	};
}
