import { EXTENSIONS, checkAndTrimInvoiceFile, megabytes, reject, resolveOptions, sizeInMegabytes } from './check';
import { convertHeifToJpeg } from './convert';
import { outputFileName } from './filename';
import { identifyWithFileType } from './identify';
import { inspectJpeg } from './jpeg';
import type { AcceptedFile, FileCheckOptions, RejectedFile } from './types';

export interface ProcessOptions extends Partial<FileCheckOptions> {
	/** The name the sender gave the file (only used to build the output name). */
	fileName?: string;
	/** Whether HEIC/HEIF files are converted to JPEG for Qonto (default true). */
	convertHeif?: boolean;
	/** JPEG quality for the conversion, 1–100 (default 90). */
	jpegQuality?: number;
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
		return {
			result: { ...checked, fileName: kept.fileName, converted: false, outputMimeType: kept.mimeType, outputSize: forwarded.length },
			output: kept,
		};
	}

	let quality = options.jpegQuality ?? DEFAULT_JPEG_QUALITY;
	let jpeg: Buffer;
	try {
		jpeg = await convertHeifToJpeg(forwarded, quality);
		while (jpeg.length > limits.maxBytes && quality > QUALITY_FLOOR) {
			quality = Math.max(QUALITY_FLOOR, quality - QUALITY_STEP);
			jpeg = await convertHeifToJpeg(forwarded, quality);
		}
	} catch (error) {
		if (error instanceof RangeError) throw error; // a configuration mistake, not the sender's file
		return { result: reject('conversion_failed', bytes.length, `heic-convert: ${(error as Error).message}`, {}, { type: checked.type, mimeType: checked.mimeType }) };
	}
	if (jpeg.length > limits.maxBytes) {
		return {
			result: reject('too_large', bytes.length, `converted JPEG is ${jpeg.length} bytes even at quality ${quality}`, {
				// What is too large is the JPEG Qonto would get, not the photo as sent.
				sizeMb: sizeInMegabytes(jpeg.length),
				limitMb: megabytes(limits.maxBytes),
				limitBytes: limits.maxBytes,
			}),
		};
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
