/**
 * Qonto webhooks (api-contracts §1.8): the `X-Qonto-Signature` check and the `v1/transactions` payload.
 *
 * Qonto signs each delivery with `X-Qonto-Signature: t={unix seconds},v1={hex}`, where v1 is
 * HMAC-SHA256(secret, `"{t}.{raw body}"`), and asks receivers to refuse timestamps older than 5 minutes. The check
 * runs over the raw bytes (a re-serialised body would not match), compares in constant time, accepts any of several
 * v1 values (what a secret rotation would send), and also refuses timestamps too far in the future: a signature
 * stamped ahead of time would otherwise stay replayable for longer than the 5 minutes. Time is passed in, never read.
 *
 * No n8n imports: the Qonto Trigger node is a thin adapter around these functions.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { isRecord } from '../common/guards';

export const QONTO_SIGNATURE_HEADER = 'x-qonto-signature';
export const QONTO_TRANSACTIONS_WEBHOOK = 'v1/transactions';
/** Qonto: "Reject the request if the timestamp is older than 5 minutes". */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;
/** `secret` of POST /v2/webhook_subscriptions: 32 to 128 characters. */
export const WEBHOOK_SECRET_LENGTH = { min: 32, max: 128 } as const;

export type QontoSignatureFailure = 'no_secret' | 'missing' | 'malformed' | 'mismatch' | 'stale' | 'future';

export type QontoSignatureCheck = { valid: true; timestamp: number } | { valid: false; reason: QontoSignatureFailure; timestamp?: number };

export interface ParsedSignatureHeader {
	/** Unix seconds. */
	timestamp: number;
	/** Lower-case hex, 64 characters each. */
	signatures: string[];
}

export interface VerifyOptions {
	/** Epoch milliseconds of "now" (injected, so the check does not depend on the wall clock). */
	nowMs: number;
	/** How far the timestamp may be from now, in either direction. Default 300 s. */
	toleranceSeconds?: number;
}

/** The signature Qonto sends for this body at this time: `hex(HMAC-SHA256(secret, "{t}.{body}"))`. */
export function computeQontoSignature(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** A complete header value, as Qonto builds it (tests, and the contract fake's deliveries). */
export function qontoSignatureHeader(secret: string, timestamp: number, rawBody: Buffer | string): string {
	return `t=${timestamp},v1=${computeQontoSignature(secret, timestamp, rawBody)}`;
}

/**
 * Reads `t=…,v1=…[,v1=…]`. Unknown keys (a future `v2`) are skipped; a missing or repeated `t`, a `t` that is not
 * a whole number of seconds, or no well-formed v1 makes the header malformed (null).
 */
export function parseQontoSignatureHeader(header: string | string[] | undefined): ParsedSignatureHeader | null {
	const value = Array.isArray(header) ? header.join(',') : header;
	if (typeof value !== 'string' || value.trim() === '') return null;
	let timestamp: number | null = null;
	let timestampSeen = false;
	const signatures: string[] = [];
	for (const element of value.split(',')) {
		const separator = element.indexOf('=');
		if (separator < 0) continue;
		const key = element.slice(0, separator).trim().toLowerCase();
		const entry = element.slice(separator + 1).trim();
		if (key === 't') {
			if (timestampSeen) return null;
			timestampSeen = true;
			if (!/^\d{1,15}$/.test(entry)) return null;
			timestamp = Number(entry);
		} else if (key === 'v1') {
			const hex = entry.toLowerCase();
			if (/^[0-9a-f]{64}$/.test(hex)) signatures.push(hex);
		}
	}
	if (timestamp === null || signatures.length === 0) return null;
	return { timestamp, signatures };
}

function sameHex(expected: Buffer, candidate: string): boolean {
	const actual = Buffer.from(candidate, 'utf8');
	return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Checks `X-Qonto-Signature` over the raw body with the secret (or any of the secrets: one per subscription pointing
 * here). The signature is checked before the time, so a forged delivery is reported as `mismatch` and only a genuine
 * but old (replayed) one as `stale`.
 */
export function verifyQontoSignature(
	secret: string | ReadonlyArray<string | null | undefined> | undefined | null,
	rawBody: Buffer | string,
	header: string | string[] | undefined,
	options: VerifyOptions,
): QontoSignatureCheck {
	const secrets = (Array.isArray(secret) ? secret : [secret]).filter((candidate): candidate is string => typeof candidate === 'string' && candidate !== '');
	if (secrets.length === 0) return { valid: false, reason: 'no_secret' };
	const present = Array.isArray(header) ? header.some((value) => value.trim() !== '') : typeof header === 'string' && header.trim() !== '';
	if (!present) return { valid: false, reason: 'missing' };
	const parsed = parseQontoSignatureHeader(header);
	if (!parsed) return { valid: false, reason: 'malformed' };
	// Every pair is compared, so the time taken does not tell which one (if any) matched.
	let matched = false;
	for (const key of secrets) {
		const expected = Buffer.from(computeQontoSignature(key, parsed.timestamp, rawBody), 'utf8');
		for (const candidate of parsed.signatures) matched = sameHex(expected, candidate) || matched;
	}
	if (!matched) return { valid: false, reason: 'mismatch', timestamp: parsed.timestamp };
	const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
	const ageSeconds = options.nowMs / 1000 - parsed.timestamp;
	if (ageSeconds > tolerance) return { valid: false, reason: 'stale', timestamp: parsed.timestamp };
	if (-ageSeconds > tolerance) return { valid: false, reason: 'future', timestamp: parsed.timestamp };
	return { valid: true, timestamp: parsed.timestamp };
}

/** A sentence for the n8n log. */
export function describeSignatureFailure(reason: QontoSignatureFailure): string {
	switch (reason) {
		case 'no_secret':
			return 'no signing secret is configured (set it in the credential, or let the trigger register its subscription)';
		case 'missing':
			return 'the X-Qonto-Signature header is missing';
		case 'malformed':
			return 'the X-Qonto-Signature header is not "t=<seconds>,v1=<hex>"';
		case 'mismatch':
			return 'the signature does not match the body and the signing secret';
		case 'stale':
			return 'the signature is older than the tolerance (5 minutes): a replay, or a clock far behind';
		case 'future':
			return 'the signature is dated too far in the future: check the clock of the n8n host';
	}
}

/**
 * A signing secret for a subscription this package creates: 32 random bytes as base64url (43 characters, within
 * Qonto's 32–128).
 */
export function newWebhookSecret(): string {
	return randomBytes(32).toString('base64url');
}

export function isAcceptableWebhookSecret(secret: unknown): secret is string {
	return typeof secret === 'string' && secret.length >= WEBHOOK_SECRET_LENGTH.min && secret.length <= WEBHOOK_SECRET_LENGTH.max;
}

// ---------------------------------------------------------------------------------------------------------------
// payload

export type TransactionEventKind = 'created' | 'updated';
export const TRANSACTION_EVENT_KINDS: readonly TransactionEventKind[] = ['created', 'updated'];

export interface QontoTransactionEvent {
	/** `created` or `updated` (Qonto's `transactions.created` / `transactions.updated`). */
	event: TransactionEventKind;
	/** The id of this delivery (the same on Qonto's retries of it): what a workflow de-duplicates on. */
	deliveryId: string | null;
	subscriptionId: string | null;
	organizationId: string | null;
	membershipId: string | null;
	/** When Qonto created the event (RFC 3339), as sent. */
	createdAt: string | null;
	/** `data` as Qonto sends it, without its `event` key. */
	transaction: Record<string, unknown>;
}

export type TransactionEventParse =
	| { ok: true; event: QontoTransactionEvent }
	| { ok: false; reason: 'invalid_json' | 'not_an_event' | 'other_type' | 'other_event' | 'no_transaction'; detail: string };

function optionalText(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** `created`, `transactions.created` (the docs' event names) and their `updated` twins; anything else is null. */
export function transactionEventKind(value: unknown): TransactionEventKind | null {
	if (typeof value !== 'string') return null;
	const name = value.trim().toLowerCase().replace(/^transactions?\./, '');
	return (TRANSACTION_EVENT_KINDS as readonly string[]).includes(name) ? (name as TransactionEventKind) : null;
}

/**
 * Reads a `v1/transactions` delivery: `{id, subscription_id, organization_id, membership_id, type, created_at,
 * data: {event, …transaction}}`. Never throws; says why when the body is not such an event.
 */
export function parseTransactionEvent(rawBody: Buffer | string): TransactionEventParse {
	let payload: unknown;
	try {
		payload = JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody);
	} catch (error) {
		return { ok: false, reason: 'invalid_json', detail: error instanceof Error ? error.message : String(error) };
	}
	if (!isRecord(payload)) return { ok: false, reason: 'not_an_event', detail: 'the body is not a JSON object' };
	if (payload.type !== QONTO_TRANSACTIONS_WEBHOOK) {
		return { ok: false, reason: 'other_type', detail: `type ${JSON.stringify(payload.type ?? null)} is not ${QONTO_TRANSACTIONS_WEBHOOK}` };
	}
	const data = payload.data;
	if (!isRecord(data)) return { ok: false, reason: 'no_transaction', detail: 'data is not an object' };
	const event = transactionEventKind(data.event);
	if (!event) return { ok: false, reason: 'other_event', detail: `event ${JSON.stringify(data.event ?? null)} is neither created nor updated` };
	const { event: _event, ...transaction } = data;
	if (typeof transaction.id !== 'string' || transaction.id === '') return { ok: false, reason: 'no_transaction', detail: 'data.id (the transaction id) is missing' };
	return {
		ok: true,
		event: {
			event,
			deliveryId: optionalText(payload.id),
			subscriptionId: optionalText(payload.subscription_id),
			organizationId: optionalText(payload.organization_id),
			membershipId: optionalText(payload.membership_id),
			createdAt: optionalText(payload.created_at),
			transaction,
		},
	};
}

// ---------------------------------------------------------------------------------------------------------------
// subscriptions (POST/GET /v2/webhook_subscriptions)

export interface WebhookSubscription {
	id: string;
	callbackUrl: string | null;
	types: string[];
}

/** One subscription from a create/get answer: the documented flat object, or one wrapped in `webhook_subscription`/`subscription`. */
export function readWebhookSubscription(body: unknown): WebhookSubscription | null {
	const candidate = isRecord(body) ? (isRecord(body.webhook_subscription) ? body.webhook_subscription : isRecord(body.subscription) ? body.subscription : body) : null;
	if (!candidate || typeof candidate.id !== 'string' || candidate.id === '') return null;
	return {
		id: candidate.id,
		callbackUrl: typeof candidate.callback_url === 'string' ? candidate.callback_url : null,
		types: Array.isArray(candidate.types) ? candidate.types.filter((type): type is string => typeof type === 'string') : [],
	};
}

/** What POST /v2/webhook_subscriptions gets from the trigger. */
export function subscriptionRequestBody(callbackUrl: string, secret: string, description: string): { callback_url: string; types: string[]; secret: string; description: string } {
	return { callback_url: callbackUrl, types: [QONTO_TRANSACTIONS_WEBHOOK], secret, description: description.slice(0, 256) };
}
