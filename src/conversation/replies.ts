/**
 * The answer to a document that could not be stored, in the sender's language: the file check's reason, the
 * download's size refusal, or "could not be stored" for anything else (an outage after retries).
 */
import { sizeInMegabytes } from '../files/check';
import type { InboxContext } from './decide';
import { ACCEPTED_FORMATS, fillText, type TextKey } from './texts';

const FILE_REASONS = new Set<string>(['empty_file', 'too_large', 'unsupported_type', 'truncated', 'corrupt', 'encrypted_pdf', 'image_too_large', 'conversion_failed']);

const megabytes = (bytes: unknown): number | undefined => (typeof bytes === 'number' && bytes >= 0 ? sizeInMegabytes(bytes) : undefined);

/** `failed` is the item that reached the failure path: a rejected file check, or an error output's item. */
export function failureReply(failed: Record<string, unknown>, inbox: Pick<InboxContext, 'texts' | 'maxFileSizeMb'>): { reason: string; text: string } {
	const fileCheck = failed.fileCheck as { reason?: unknown; size?: unknown; params?: Record<string, unknown> } | undefined;
	const details = failed.details as { reason?: unknown; declaredBytes?: unknown; receivedBytes?: unknown; limitBytes?: unknown } | undefined;
	let reason: TextKey = 'notStored';
	const values: Record<string, string | number | undefined> = { limitMb: inbox.maxFileSizeMb, formats: ACCEPTED_FORMATS };
	if (typeof fileCheck?.reason === 'string' && FILE_REASONS.has(fileCheck.reason)) {
		reason = fileCheck.reason as TextKey;
		values.sizeMb = megabytes(fileCheck.size);
		for (const [name, value] of Object.entries(fileCheck.params ?? {})) {
			if (typeof value === 'string' || typeof value === 'number') values[name] = value;
		}
	} else if (details?.reason === 'file_too_large') {
		reason = 'too_large';
		values.sizeMb = megabytes(details.declaredBytes ?? details.receivedBytes);
		values.limitMb = megabytes(details.limitBytes) ?? inbox.maxFileSizeMb;
	}
	return { reason, text: fillText(inbox.texts[reason], values) };
}
