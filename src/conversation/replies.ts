/**
 * The answer to a document that could not be stored, in the sender's language: the file check's reason, the
 * download's size refusal, the service that stayed down until the sweep gave up, or "could not be stored" for
 * anything else.
 */
import { sizeInMegabytes } from '../files/check';
import { REJECTION_MESSAGES } from '../files/messages';
import { limitInMegabytes } from '../qonto/room';
import type { InboxContext } from './decide';
import { WAITING_PREFIX } from './retries';
import { ACCEPTED_FORMATS, fillText, type TextKey } from './texts';

/** Failures a wait can cure: the document stays `processing` and the sweep tries again. */
const TEMPORARY_REASONS = new Set<string>(['mindee_rate_limited', 'mindee_unavailable', 'mindee_unreachable', 'mindee_timeout', 'qonto_rate_limited', 'qonto_server_error', 'qonto_unreachable']);
// A sub-workflow's error arrives as its message only (the organisation's Qonto workflow).
const TEMPORARY_MESSAGE = /HTTP (429|5\d\d)|could not be reached|ECONN|ETIMEDOUT|timed? ?out|connection was aborted|server is offline/i;

const megabytes = (bytes: unknown): number | undefined => (typeof bytes === 'number' && bytes >= 0 ? sizeInMegabytes(bytes) : undefined);

/** The outside services a document can wait for; what the sender is told when one stays down. */
export type Service = 'mindee' | 'qonto' | 'whatsapp';
const SERVICE_NAMES: Record<Exclude<Service, 'mindee'>, string> = { qonto: 'Qonto', whatsapp: 'WhatsApp' };

/** `failed` is the item that reached the failure path: a rejected file check, or an error output's item. */
export interface FailureReply {
	reason: string;
	text: string;
	/** An outage, not the document's fault: worth another try later. */
	temporary: boolean;
	/** For a temporary failure: the service that did not answer (the ledger keeps it while the document waits). */
	waitingFor?: Service;
	/** The sender can fix it (another file, a clearer photo); otherwise it is for an admin to look at. */
	senderCanFix: boolean;
}

/** Failures that are about the file sent: the sender is told what to do, an admin need not be. */
const SENDER_CAN_FIX: ReadonlySet<string> = new Set([...Object.keys(REJECTION_MESSAGES), 'too_large', 'notRead']);

/**
 * Which service an outage is in. The Mindee node and the download say so in their reason; a sub-workflow's error
 * arrives as its message only, and the only sub-workflow is the organisation's Qonto workflow.
 */
function serviceOf(reason: unknown): Service {
	if (typeof reason !== 'string') return 'qonto';
	if (reason.startsWith('mindee_')) return 'mindee';
	if (reason === 'download_failed' || reason.startsWith('whatsapp_')) return 'whatsapp';
	return 'qonto';
}

/** The ledger's reason while a document waits: `waiting: <service>: <error>`. */
export function waitingReason(service: Service, error: string): string {
	return `${WAITING_PREFIX}${service}: ${error}`;
}

const WAITED_FOR = new RegExp(`^${WAITING_PREFIX}(mindee|qonto|whatsapp):`);
const serviceWaitedFor = (ledgerReason: unknown): Service | undefined => WAITED_FOR.exec(String(ledgerReason ?? ''))?.[1] as Service | undefined;

export function failureReply(failed: Record<string, unknown>, inbox: Pick<InboxContext, 'texts' | 'maxFileSizeMb'>): FailureReply {
	const fileCheck = failed.fileCheck as { reason?: unknown; size?: unknown; params?: Record<string, unknown> } | undefined;
	const details = failed.details as { reason?: unknown; declaredBytes?: unknown; receivedBytes?: unknown; sizeBytes?: unknown; limitBytes?: unknown; waitedFor?: unknown; minutes?: unknown } | undefined;
	let reason: TextKey = 'notStored';
	const values: Record<string, string | number | undefined> = { limitMb: inbox.maxFileSizeMb, formats: ACCEPTED_FORMATS };
	// The file check's reasons are the keys of its messages, which are also text keys.
	if (typeof fileCheck?.reason === 'string' && Object.hasOwn(REJECTION_MESSAGES, fileCheck.reason)) {
		reason = fileCheck.reason as TextKey;
		values.sizeMb = megabytes(fileCheck.size);
		for (const [name, value] of Object.entries(fileCheck.params ?? {})) {
			if (typeof value === 'string' || typeof value === 'number') values[name] = value;
		}
	} else if (details?.reason === 'file_too_large') {
		reason = 'too_large';
		values.sizeMb = megabytes(details.declaredBytes ?? details.receivedBytes ?? details.sizeBytes);
		// A limit is rounded down (the Qonto node's limit is 15 MB less the form around the file: 14.9, not 15).
		values.limitMb = typeof details.limitBytes === 'number' ? limitInMegabytes(details.limitBytes) : inbox.maxFileSizeMb;
	} else if (details?.reason === 'gave_up') {
		// The sweep gave up on a document that waited for a service: name the service, not the document.
		const service = serviceWaitedFor(details.waitedFor);
		values.minutes = typeof details.minutes === 'number' ? details.minutes : undefined;
		if (service === 'mindee') reason = 'readerUnavailable';
		else if (service) {
			reason = 'serviceUnavailable';
			values.service = SERVICE_NAMES[service];
		}
	} else if (typeof details?.reason === 'string' && details.reason.startsWith('mindee_')) {
		// Mindee could not read it: say so, rather than blame Qonto.
		reason = 'notRead';
	}
	const temporary =
		(typeof details?.reason === 'string' && TEMPORARY_REASONS.has(details.reason)) || (!fileCheck?.reason && typeof failed.error === 'string' && TEMPORARY_MESSAGE.test(failed.error));
	return {
		reason,
		text: fillText(inbox.texts[reason], values),
		temporary,
		...(temporary ? { waitingFor: serviceOf(details?.reason) } : {}),
		senderCanFix: SENDER_CAN_FIX.has(reason),
	};
}
