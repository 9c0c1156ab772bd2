/**
 * The sweep: documents whose ledger row is still `processing` — their execution crashed, n8n was restarted or killed,
 * or a service was down and the document waits for it — are sent through the workflow again, with backoff, until they
 * end in ✅ or ❌; past the deadline the sender gets ❌ and a reason. Nothing here relies on process memory: the ledger
 * row says everything, so the sweep works the same after a restart and in queue mode.
 */

import { textOf } from '../common/guards';

export interface RetrySettings {
	/** A `processing` row with no activity for this long is taken to be abandoned (a crash). */
	abandonedAfterMinutes: number;
	/** Waiting for a service: the first retry after this, doubling, at most 10 minutes apart. */
	firstRetryMinutes: number;
	/** After this long since the message arrived, the document ends in ❌. */
	giveUpAfterMinutes: number;
	now: Date;
}

export const DEFAULT_RETRY_SETTINGS: Omit<RetrySettings, 'now'> = { abandonedAfterMinutes: 5, firstRetryMinutes: 1, giveUpAfterMinutes: 30 };

export interface RetryPlan {
	messageId: string;
	/** The message as the WhatsApp Inbox Trigger gave it, to send through Route Message again. */
	message: Record<string, unknown>;
	attempt: number;
	/** The claim of this attempt: overlapping sweeps retry a document once. */
	claimKey: string;
	/** When the message first arrived (kept across attempts, for the deadline and the ledger). */
	receivedAt: string;
	/** The ledger's reason so far (e.g. what the document waits for), kept while it is tried again. */
	reason: string;
	giveUp: boolean;
}

/** The ledger's reason while a document waits for a service (the failure path writes it, the sweep reads it). */
export const WAITING_PREFIX = 'waiting: ';

const RETRY_CLAIM_MARK = '#retry';

/** The claim of the sweep's attempt on a message: a claim key, not a message the sender sent. */
export function retryClaimKey(messageId: string, attempt: number): string {
	return `${messageId}${RETRY_CLAIM_MARK}${attempt}`;
}

export function isRetryClaim(claimKey: string): boolean {
	return claimKey.includes(RETRY_CLAIM_MARK);
}

const MINUTE_MS = 60_000;
/** Milliseconds of a time written as text in the ledger, NaN when there is none. */
const time = (value: unknown): number => Date.parse(textOf(value));

function storedMessage(row: Record<string, unknown>): Record<string, unknown> {
	try {
		const parsed: unknown = JSON.parse(textOf(row.message));
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
	} catch {
		// A row written by hand or by an older version: rebuild what the answer needs.
	}
	return { messageId: textOf(row.messageId), waId: textOf(row.waId) || null, userId: textOf(row.userId) || null, kind: 'document', document: null };
}

/**
 * The ledger rows still `processing` that are due: abandoned (no progress for a while), or waiting for a service and
 * their backoff is over (1, 2, 4, 8, then every 10 minutes with the defaults).
 */
export function planRetries(rows: Array<Record<string, unknown>>, settings: RetrySettings): RetryPlan[] {
	const now = settings.now.getTime();
	const plans = new Map<string, RetryPlan>();
	for (const row of rows) {
		const messageId = textOf(row.messageId);
		if (textOf(row.state) !== 'processing' || !messageId || plans.has(messageId)) continue;
		const received = time(row.receivedAt);
		const lastActivity = Math.max(...[received, time(row.updatedAt)].filter(Number.isFinite));
		const attempts = Number(row.attempts) || 0;
		const waitMinutes = textOf(row.reason).startsWith(WAITING_PREFIX) ? Math.min(settings.firstRetryMinutes * 2 ** attempts, 10) : settings.abandonedAfterMinutes;
		if (Number.isFinite(lastActivity) && now - lastActivity < waitMinutes * MINUTE_MS) continue;
		const attempt = attempts + 1;
		plans.set(messageId, {
			messageId,
			message: storedMessage(row),
			attempt,
			claimKey: retryClaimKey(messageId, attempt),
			receivedAt: Number.isFinite(received) ? new Date(received).toISOString() : settings.now.toISOString(),
			reason: textOf(row.reason),
			giveUp: Number.isFinite(received) && now - received >= settings.giveUpAfterMinutes * MINUTE_MS,
		});
	}
	return [...plans.values()];
}
