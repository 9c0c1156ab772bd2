/** Shared types of the invoice-file checks. Pure data, no n8n types. */

/** The formats the inbox takes; Qonto itself only takes jpeg, png and pdf (HEIC/HEIF are converted). */
export type AcceptedType = 'jpeg' | 'png' | 'pdf' | 'heic' | 'heif';

/** Machine-readable reasons a file is refused; the sentence for the sender comes from `messages.ts`. */
export type RejectReason =
	| 'empty_file'
	| 'too_large'
	| 'unsupported_type'
	| 'truncated'
	| 'corrupt'
	| 'encrypted_pdf'
	| 'image_too_large'
	| 'conversion_failed';

export interface FileCheckOptions {
	/** Largest accepted file, in bytes, as sent (before any conversion). */
	maxBytes: number;
	/** Largest accepted image area, in pixels (decompression-bomb guard, checked before decoding). */
	maxPixels: number;
	/** Longest accepted image side, in pixels. */
	maxSide: number;
}

export const MEBIBYTE = 1024 * 1024;

/** 15 MB means 15 × 1024 × 1024 = 15 728 640 bytes (binary megabytes, as WhatsApp and Qonto count them). */
export const DEFAULT_MAX_BYTES = 15 * MEBIBYTE;

export const DEFAULT_CHECK_OPTIONS: FileCheckOptions = {
	maxBytes: DEFAULT_MAX_BYTES,
	maxPixels: 100_000_000,
	maxSide: 20_000,
};

/** How a PDF's page count was found; `unknown` when neither the page tree nor page objects could be read. */
export type PageCountSource = 'page_tree' | 'page_objects' | 'unknown';

export interface AcceptedFile {
	accepted: true;
	type: AcceptedType;
	mimeType: string;
	/** File extension that matches the detected type, without the dot. */
	extension: string;
	/** Size in bytes of the file as forwarded: as sent, less anything appended after its end (see removedTrailingBytes). */
	size: number;
	/** Hex sha256 of the file as forwarded (before any HEIC/HEIF conversion), for duplicate detection. */
	sha256: string;
	/**
	 * Bytes found after the format's end (JPEG end-of-image, PNG IEND, the PDF's last %%EOF), e.g. a ZIP appended
	 * to make a polyglot file: they are cut, never forwarded. Absent when there were none.
	 */
	removedTrailingBytes?: number;
	/** PDFs only; null when it could not be counted (see pageCountSource and notes). */
	pageCount?: number | null;
	pageCountSource?: PageCountSource;
	/** Images only: displayed size (HEIF rotation applied). */
	width?: number;
	height?: number;
	/** Facts worth logging that did not lead to a rejection. */
	notes: string[];
}

export interface RejectedFile {
	accepted: false;
	reason: RejectReason;
	/** Short English sentence for the sender (see messages.ts); the workflow may translate it from `reason` + `params`. */
	message: string;
	/** Values used in the message, e.g. the size limit, for translations. */
	params: Record<string, number | string>;
	/** Technical explanation for logs, not for the sender. */
	detail: string;
	/** What the bytes look like, when known (e.g. "gif", "webp", "docx", "mp4", "avif", "text"). */
	detectedType?: string;
	detectedMimeType?: string;
	size: number;
}

export type FileCheckResult = AcceptedFile | RejectedFile;
