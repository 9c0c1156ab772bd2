import { ACCEPTED_FORMATS, DEFAULT_TEXTS, fillText } from '../conversation/texts';
import type { RejectReason } from './types';

/**
 * The sentence a sender sees when a file is refused, in English: the inbox's default texts (src/conversation/texts.ts),
 * where every language lives and where the Invoice Inbox node lets admins change them. `{name}` placeholders are filled
 * from the rejection's `params`.
 */
export const REJECTION_MESSAGES: Record<RejectReason, string> = {
	empty_file: DEFAULT_TEXTS.en.empty_file,
	too_large: DEFAULT_TEXTS.en.too_large,
	unsupported_type: DEFAULT_TEXTS.en.unsupported_type,
	truncated: DEFAULT_TEXTS.en.truncated,
	corrupt: DEFAULT_TEXTS.en.corrupt,
	encrypted_pdf: DEFAULT_TEXTS.en.encrypted_pdf,
	image_too_large: DEFAULT_TEXTS.en.image_too_large,
	conversion_failed: DEFAULT_TEXTS.en.conversion_failed,
};

export function rejectionMessage(reason: RejectReason, params: Record<string, number | string> = {}): string {
	return fillText(REJECTION_MESSAGES[reason], { formats: ACCEPTED_FORMATS, ...params });
}
