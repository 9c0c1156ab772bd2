import { isRecord } from './guards';

/**
 * What a failed HTTP call without an answer tells about the request: whether it can have reached the server. A send
 * that is not idempotent (a WhatsApp text) is retried only when it provably did not: the connection was refused or
 * the host not found. A timeout or a reset may come after the server got the request, and a retry would send twice.
 */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CODE_PATTERN = /\b(E[A-Z]{3,}|ERR_[A-Z_]+)\b/;

/** The system error code (ECONNREFUSED, ETIMEDOUT, ECONNABORTED…) anywhere in an error n8n or axios threw. */
export function networkErrorCode(error: unknown, depth = 0): string | null {
	if (!isRecord(error) || depth > 4) return null;
	if (typeof error.code === 'string' && CODE_PATTERN.test(error.code)) return error.code;
	for (const inner of [error.cause, error.context, error.error]) {
		const code = networkErrorCode(inner, depth + 1);
		if (code) return code;
	}
	const message = typeof error.message === 'string' ? error.message : '';
	return CODE_PATTERN.exec(message)?.[1] ?? null;
}

export function requestNeverSent(error: unknown): boolean {
	const code = networkErrorCode(error);
	return code !== null && NOT_SENT.has(code);
}

/** Seconds from a node parameter, as milliseconds, within sane bounds (1 s to 10 minutes). */
export function timeoutMs(seconds: unknown, fallbackSeconds: number): number {
	const value = Number(seconds);
	const valid = Number.isFinite(value) && value > 0 ? value : fallbackSeconds;
	return Math.round(Math.min(Math.max(valid, 1), 600) * 1000);
}
