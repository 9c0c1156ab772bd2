/**
 * The file name sent to Mindee. The SDK decides the type from the name's extension and refuses any extension
 * outside its list (.pdf .heic .jpg .jpeg .png .tif .tiff .webp: a `.heif` name is refused, api-contracts trap 3),
 * so the type is sniffed from the bytes and the name given the matching extension: `IMG_0042.HEIF` → `IMG_0042.heic`,
 * a PDF named `scan.jpg` → `scan.pdf`.
 */
import { ReasonedError } from '../common/failure';
import { outputFileName } from '../files/filename';
import { sniff } from '../files/sniff';

export type UploadType = 'pdf' | 'jpeg' | 'png' | 'heic' | 'tiff' | 'webp';

const EXTENSIONS: Record<UploadType, string> = { pdf: 'pdf', jpeg: 'jpg', png: 'png', heic: 'heic', tiff: 'tif', webp: 'webp' };

export const ACCEPTED_BY_MINDEE = 'PDF, JPEG, PNG, HEIC/HEIF, TIFF or WebP';

export interface MindeeUpload {
	fileName: string;
	type: UploadType;
}

/** The type Mindee is told about, from the bytes; null for formats Mindee does not read. */
export function uploadType(bytes: Uint8Array): UploadType | null {
	const sniffed = sniff(bytes);
	if (sniffed.kind === 'jpeg' || sniffed.kind === 'png' || sniffed.kind === 'pdf') return sniffed.kind;
	if (sniffed.kind === 'heif') return 'heic'; // HEIF and HEIC alike: Mindee reads both, the SDK only knows .heic
	if (sniffed.kind === 'other' && (sniffed.type === 'tiff' || sniffed.type === 'webp')) return sniffed.type;
	return null;
}

/** Name and type for an upload; throws `unsupported_file_type` (before anything is sent) for other formats. */
export function mindeeUpload(bytes: Uint8Array, declaredName: string | undefined): MindeeUpload {
	if (bytes.length === 0) {
		throw new ReasonedError('empty_file', 'The file is empty', {}, 'Check the binary field: it holds no bytes');
	}
	const type = uploadType(bytes);
	if (type === null) {
		const sniffed = sniff(bytes);
		const what = sniffed.kind === 'other' && sniffed.type ? `a ${sniffed.type.toUpperCase()} file` : 'not a document or image format Mindee reads';
		throw new ReasonedError(
			'unsupported_file_type',
			`Mindee cannot read this file: it is ${what}`,
			{ detectedType: sniffed.kind === 'other' ? (sniffed.type ?? null) : sniffed.kind },
			`Mindee takes ${ACCEPTED_BY_MINDEE}. Put the Invoice File Check node before this one to refuse other files.`,
		);
	}
	// The sender's name, cleaned, with the extension of the sniffed type (document.pdf / image.jpg when there is none).
	return { fileName: outputFileName(declaredName, EXTENSIONS[type]), type };
}
