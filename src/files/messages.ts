import type { RejectReason } from './types';

/**
 * The sentences a sender sees when a file is refused, in English and in one place so that the workflow
 * can translate them by `reason`. `{name}` placeholders are filled from the rejection's `params`.
 */
export const REJECTION_MESSAGES: Record<RejectReason, string> = {
	empty_file: 'The file is empty. Please send it again.',
	too_large: 'The file is larger than {limitMb} MB. Please send a smaller file.',
	unsupported_type: 'This file type is not accepted. Please send a PDF, JPEG, PNG, HEIC or HEIF file.',
	truncated: 'The file is incomplete, it was probably cut off. Please send it again.',
	corrupt: 'The file is damaged and cannot be read. Please export it again and send it.',
	encrypted_pdf: 'The PDF is protected by a password. Please send a copy without a password.',
	image_too_large:
		'The image is too big ({megapixels} megapixels, {width}×{height}). Please send a smaller photo or a PDF.',
	conversion_failed: 'The photo could not be converted. Please send it as a JPEG or a PDF.',
};

export function rejectionMessage(reason: RejectReason, params: Record<string, number | string> = {}): string {
	return REJECTION_MESSAGES[reason].replace(/\{(\w+)\}/g, (whole, name: string) =>
		params[name] === undefined ? whole : String(params[name]),
	);
}
