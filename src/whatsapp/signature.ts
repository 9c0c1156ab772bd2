import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_PREFIX = 'sha256=';

export type SignatureCheck = { valid: true } | { valid: false; reason: 'missing' | 'malformed' | 'mismatch' | 'no_secret' };

/** The value Meta puts in X-Hub-Signature-256 for this body: HMAC-SHA256 of the raw bytes with the app secret. */
export function signWebhookBody(appSecret: string, rawBody: Buffer | string): string {
	return SIGNATURE_PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/**
 * Checks X-Hub-Signature-256 over the raw request body (never a re-serialised JSON: Meta signs its own
 * \uXXXX-escaped bytes) with a constant-time comparison.
 */
export function verifyWebhookSignature(
	appSecret: string | undefined,
	rawBody: Buffer | string,
	header: string | string[] | undefined,
): SignatureCheck {
	if (!appSecret) return { valid: false, reason: 'no_secret' };
	const provided = Array.isArray(header) ? header[0] : header;
	if (provided === undefined || provided === '') return { valid: false, reason: 'missing' };
	const normalised = provided.trim().toLowerCase();
	if (!/^sha256=[0-9a-f]{64}$/.test(normalised)) return { valid: false, reason: 'malformed' };
	const expected = Buffer.from(signWebhookBody(appSecret, rawBody), 'utf8');
	const actual = Buffer.from(normalised, 'utf8');
	if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { valid: false, reason: 'mismatch' };
	return { valid: true };
}

/** Meta's subscription handshake: answer the challenge only to `subscribe` with our verify token. */
export function answerVerificationChallenge(
	query: Record<string, unknown>,
	verifyToken: string | undefined,
): { status: 200; body: string } | { status: 403; body: string } {
	const mode = query['hub.mode'];
	const token = query['hub.verify_token'];
	const challenge = query['hub.challenge'];
	if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || !verifyToken) {
		return { status: 403, body: 'Forbidden' };
	}
	const expected = Buffer.from(verifyToken, 'utf8');
	const actual = Buffer.from(token, 'utf8');
	if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { status: 403, body: 'Forbidden' };
	return { status: 200, body: challenge };
}
