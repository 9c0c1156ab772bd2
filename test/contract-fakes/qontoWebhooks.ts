/**
 * Qonto webhooks, as the Qonto fake plays them (api-contracts §1.8; Qonto's Postman collection `webhooks`, in
 * test/fixtures/api/qonto/postman): subscriptions (`/v2/webhook_subscriptions`, OAuth scope `webhook`), and signed
 * deliveries of `v1/transactions` events to each subscription's callback URL.
 *
 * Signing is written here on its own (not imported from src/qonto/webhook.ts), so the fake checks the package's code
 * instead of agreeing with it by construction: `X-Qonto-Signature: t={unix seconds},v1={hex}` with
 * v1 = HMAC-SHA256(secret, "{t}.{raw body}").
 */
import { createHmac, randomBytes } from 'node:crypto';

import type { Json } from './qontoData';
import { newUuid } from './sniff';

/** The `types` POST /v2/webhook_subscriptions accepts (its OpenAPI enum). */
export const QONTO_WEBHOOK_TYPES = ['v1/transactions', 'v1/accounts', 'v1/organizations', 'v1/memberships', 'v1/consent-revocations', 'v1/cards'] as const;

/**
 * Scopes a type needs on top of `webhook` ("to receive a webhook every time a transaction is created or updated, you
 * need the organization.read scope on top of the webhook scope"). Only v1/transactions is documented this precisely;
 * the fake refuses the subscription without it (whether Qonto refuses it or just never delivers is not documented).
 */
export const WEBHOOK_TYPE_SCOPES: Partial<Record<string, string>> = { 'v1/transactions': 'organization.read' };

/** Qonto waits at most 1 second for the 2xx; a slower answer counts as failed and is retried later. */
export const QONTO_ACK_TIMEOUT_MS = 1000;

export interface StoredWebhookSubscription {
	id: string;
	organization_id: string;
	membership_id: string;
	/** The OAuth client that created it: Qonto lists only "subscriptions created by the authenticated user and for the current client_id". */
	client_id: string;
	callback_url: string;
	types: string[];
	description: string | null;
	secret: string;
	created_at: string;
	updated_at: string;
}

/** The value of X-Qonto-Signature for this body, at this time, with this secret. */
export function signQontoWebhook(secret: string, timestamp: number, rawBody: Buffer | string): string {
	const v1 = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
	return `t=${timestamp},v1=${v1}`;
}

/** What Qonto generates when the caller sends no secret (the docs' example looks like this). */
export function generatedWebhookSecret(): string {
	return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface WebhookProblem {
	code: string;
	detail: string;
	pointer: string;
}

export interface SubscriptionInput {
	callback_url?: string;
	types?: string[];
	secret?: string;
	description?: string | null;
}

function isLoopback(hostname: string): boolean {
	return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
}

/**
 * The body of POST (all fields) or PUT (`partial`: callback_url, types, description) /v2/webhook_subscriptions.
 * callback_url: an HTTPS URL of at most 512 characters — the fake also takes plain http on a loopback host, so a local
 * n8n can be the callback; types: at least one, from the enum; secret: 32 to 128 characters; description: ≤ 256.
 */
export function readSubscriptionInput(body: unknown, partial = false): SubscriptionInput | WebhookProblem {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return { code: 'bad_request', detail: 'The body must be a JSON object', pointer: '/' };
	const input = body as Json;
	const result: SubscriptionInput = {};
	if (input.callback_url !== undefined || !partial) {
		const url = input.callback_url;
		if (typeof url !== 'string' || url === '') return { code: 'required', detail: 'callback_url is required', pointer: '/callback_url' };
		if (url.length > 512) return { code: 'invalid', detail: 'callback_url is too long (512 characters max)', pointer: '/callback_url' };
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			return { code: 'invalid', detail: 'callback_url must be a valid URL', pointer: '/callback_url' };
		}
		if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) {
			return { code: 'invalid', detail: 'callback_url must be an HTTPS URL', pointer: '/callback_url' };
		}
		result.callback_url = url;
	}
	if (input.types !== undefined || !partial) {
		const types = input.types;
		if (!Array.isArray(types) || types.length === 0) return { code: 'required', detail: 'types must contain at least one event type', pointer: '/types' };
		const unknown = types.find((type) => !(QONTO_WEBHOOK_TYPES as readonly unknown[]).includes(type));
		if (unknown !== undefined) return { code: 'not_in_list', detail: `types must be among: ${QONTO_WEBHOOK_TYPES.join(', ')}`, pointer: '/types' };
		result.types = [...new Set(types as string[])];
	}
	if (!partial && input.secret !== undefined && input.secret !== null) {
		if (typeof input.secret !== 'string' || input.secret.length < 32 || input.secret.length > 128) {
			return { code: 'invalid', detail: 'secret must be between 32 and 128 characters', pointer: '/secret' };
		}
		result.secret = input.secret;
	}
	if (input.description !== undefined && input.description !== null) {
		if (typeof input.description !== 'string' || input.description.length > 256) return { code: 'invalid', detail: 'description is too long (256 characters max)', pointer: '/description' };
		result.description = input.description;
	}
	return result;
}

export function isWebhookProblem(value: SubscriptionInput | WebhookProblem): value is WebhookProblem {
	return 'pointer' in value;
}

/** The API view: everything but the client id; the secret only in the creation answer. */
export function subscriptionView(subscription: StoredWebhookSubscription, withSecret = false): Json {
	const { client_id: _client, secret, ...view } = subscription;
	return withSecret ? { ...view, secret } : view;
}

export type TransactionEventName = 'created' | 'updated';

/** A v1/transactions delivery body: `{id, subscription_id, organization_id, membership_id, type, created_at, data: {event, …transaction}}`. */
export function transactionEventPayload(subscription: StoredWebhookSubscription, event: TransactionEventName | string, transaction: Json, now: number, deliveryId = newUuid()): Json {
	return {
		id: deliveryId,
		subscription_id: subscription.id,
		organization_id: subscription.organization_id,
		membership_id: subscription.membership_id,
		type: 'v1/transactions',
		created_at: new Date(now).toISOString(),
		data: { event, ...structuredClone(transaction) },
	};
}

export interface DeliveryOptions {
	/** Sign with this secret instead of the subscription's (a forged delivery). */
	secret?: string;
	/** Unix seconds written into `t=` and signed; default the fake's clock (a stale or future one to test the tolerance). */
	timestamp?: number;
	/** false: send no X-Qonto-Signature at all. Default true. */
	signed?: boolean;
	/** Send this X-Qonto-Signature value as is (malformed headers). */
	signatureHeader?: string;
	/** Only to this subscription. */
	subscriptionId?: string;
	/** The delivery id (Qonto keeps it when it retries a delivery). Default a new UUID. */
	deliveryId?: string;
	/** Abort the POST after this long (the result then has `error`). Default 10 s. */
	timeoutMs?: number;
}

export interface DeliveryResult {
	subscriptionId: string;
	callbackUrl: string;
	deliveryId: string;
	/** The raw body as sent (the bytes that were signed). */
	body: string;
	signatureHeader: string | null;
	/** null when no HTTP answer came (network error, timeout). */
	status: number | null;
	responseBody: string;
	elapsedMs: number;
	/** What Qonto would count as delivered: a 2xx within 1 second. */
	acknowledged: boolean;
	error?: string;
}

/** POSTs one delivery as Qonto does (JSON body, X-Qonto-Signature) and times the answer. */
export async function postDelivery(
	subscription: StoredWebhookSubscription,
	deliveryId: string,
	body: string,
	signatureHeader: string | null,
	timeoutMs: number,
	ackTimeoutMs = QONTO_ACK_TIMEOUT_MS,
): Promise<DeliveryResult> {
	const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Qonto-Webhooks (contract fake)' };
	if (signatureHeader !== null) headers['x-qonto-signature'] = signatureHeader;
	const started = performance.now();
	const base = { subscriptionId: subscription.id, callbackUrl: subscription.callback_url, deliveryId, body, signatureHeader };
	try {
		const response = await fetch(subscription.callback_url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
		const responseBody = await response.text();
		const elapsedMs = performance.now() - started;
		return { ...base, status: response.status, responseBody, elapsedMs, acknowledged: response.status >= 200 && response.status < 300 && elapsedMs <= ackTimeoutMs };
	} catch (error) {
		return { ...base, status: null, responseBody: '', elapsedMs: performance.now() - started, acknowledged: false, error: error instanceof Error ? error.message : String(error) };
	}
}
