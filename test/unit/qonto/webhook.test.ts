import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	computeQontoSignature,
	isAcceptableWebhookSecret,
	newWebhookSecret,
	parseQontoSignatureHeader,
	parseTransactionEvent,
	qontoSignatureHeader,
	readWebhookSubscription,
	subscriptionRequestBody,
	transactionEventKind,
	verifyQontoSignature,
} from '../../../src/qonto/webhook';

// api-contracts.md §1.8 / docs.qonto.com webhooks "Setup": secret test-secret, body {"test":"data"}, t=1704110400.
const VECTOR = {
	secret: 'test-secret',
	body: '{"test":"data"}',
	timestamp: 1704110400,
	header: 't=1704110400,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805',
};
const AT_VECTOR = VECTOR.timestamp * 1000;
const DOCS_PAYLOAD = readFileSync(join(__dirname, '../../fixtures/api/qonto/docs_examples/webhook_v1_transactions.request.json'), 'utf8');

describe('X-Qonto-Signature', () => {
	it("computes Qonto's documented test vector", () => {
		const signature = computeQontoSignature(VECTOR.secret, VECTOR.timestamp, VECTOR.body);
		expect(signature.startsWith('56aff06d')).toBe(true);
		expect(signature.endsWith('3805')).toBe(true);
		expect(qontoSignatureHeader(VECTOR.secret, VECTOR.timestamp, Buffer.from(VECTOR.body))).toBe(VECTOR.header);
	});

	it('accepts the test vector at its own time, with a Buffer or a string body', () => {
		expect(verifyQontoSignature(VECTOR.secret, VECTOR.body, VECTOR.header, { nowMs: AT_VECTOR })).toEqual({ valid: true, timestamp: VECTOR.timestamp });
		expect(verifyQontoSignature(VECTOR.secret, Buffer.from(VECTOR.body), VECTOR.header, { nowMs: AT_VECTOR + 1500 })).toEqual({ valid: true, timestamp: VECTOR.timestamp });
	});

	it('keeps a 5-minute tolerance on both sides: 300 s old or ahead passes, 301 s is stale or future', () => {
		const check = (nowMs: number) => verifyQontoSignature(VECTOR.secret, VECTOR.body, VECTOR.header, { nowMs });
		expect(check(AT_VECTOR + 300_000).valid).toBe(true);
		expect(check(AT_VECTOR - 300_000).valid).toBe(true);
		expect(check(AT_VECTOR + 301_000)).toEqual({ valid: false, reason: 'stale', timestamp: VECTOR.timestamp });
		expect(check(AT_VECTOR - 301_000)).toEqual({ valid: false, reason: 'future', timestamp: VECTOR.timestamp });
		// A genuine delivery from yesterday (a replay) is refused.
		expect(check(AT_VECTOR + 86_400_000)).toMatchObject({ valid: false, reason: 'stale' });
		expect(verifyQontoSignature(VECTOR.secret, VECTOR.body, VECTOR.header, { nowMs: AT_VECTOR + 60_000, toleranceSeconds: 30 })).toMatchObject({ valid: false, reason: 'stale' });
	});

	it('names why a delivery is refused: no secret, no header, malformed header, mismatch', () => {
		const now = { nowMs: AT_VECTOR };
		expect(verifyQontoSignature('', VECTOR.body, VECTOR.header, now)).toEqual({ valid: false, reason: 'no_secret' });
		expect(verifyQontoSignature([], VECTOR.body, VECTOR.header, now)).toEqual({ valid: false, reason: 'no_secret' });
		expect(verifyQontoSignature(undefined, VECTOR.body, VECTOR.header, now)).toEqual({ valid: false, reason: 'no_secret' });
		expect(verifyQontoSignature(VECTOR.secret, VECTOR.body, undefined, now)).toEqual({ valid: false, reason: 'missing' });
		expect(verifyQontoSignature(VECTOR.secret, VECTOR.body, '  ', now)).toEqual({ valid: false, reason: 'missing' });
		expect(verifyQontoSignature(VECTOR.secret, VECTOR.body, 'sha256=56aff06d', now)).toEqual({ valid: false, reason: 'malformed' });
		expect(verifyQontoSignature('another-secret', VECTOR.body, VECTOR.header, now)).toEqual({ valid: false, reason: 'mismatch', timestamp: VECTOR.timestamp });
		expect(verifyQontoSignature(VECTOR.secret, '{"test": "data"}', VECTOR.header, now)).toMatchObject({ valid: false, reason: 'mismatch' });
		// The timestamp is signed too: moving it breaks the signature (stale deliveries cannot be "refreshed").
		expect(verifyQontoSignature(VECTOR.secret, VECTOR.body, VECTOR.header.replace('t=1704110400', 't=1704110401'), now)).toMatchObject({ valid: false, reason: 'mismatch' });
	});

	it('reports a forged old delivery as a mismatch, not as stale', () => {
		expect(verifyQontoSignature('another-secret', VECTOR.body, VECTOR.header, { nowMs: AT_VECTOR + 3_600_000 })).toMatchObject({ valid: false, reason: 'mismatch' });
	});

	it('accepts any of several v1 signatures and any of several secrets', () => {
		const wrong = 'f'.repeat(64);
		const header = `t=${VECTOR.timestamp},v1=${wrong},v1=${computeQontoSignature(VECTOR.secret, VECTOR.timestamp, VECTOR.body)}`;
		expect(verifyQontoSignature(VECTOR.secret, VECTOR.body, header, { nowMs: AT_VECTOR }).valid).toBe(true);
		expect(verifyQontoSignature(['old-secret', VECTOR.secret], VECTOR.body, VECTOR.header, { nowMs: AT_VECTOR }).valid).toBe(true);
		expect(verifyQontoSignature(['old-secret', 'other'], VECTOR.body, VECTOR.header, { nowMs: AT_VECTOR }).valid).toBe(false);
	});

	it('parses the header leniently where it is safe and strictly where it matters', () => {
		const hex = computeQontoSignature(VECTOR.secret, VECTOR.timestamp, VECTOR.body);
		expect(parseQontoSignatureHeader(` t=1704110400 , v1=${hex.toUpperCase()} , v0=ignored`)).toEqual({ timestamp: 1704110400, signatures: [hex] });
		expect(parseQontoSignatureHeader([`t=1704110400`, `v1=${hex}`])).toEqual({ timestamp: 1704110400, signatures: [hex] });
		expect(parseQontoSignatureHeader(`v1=${hex},t=1704110400`)).toEqual({ timestamp: 1704110400, signatures: [hex] });
		for (const malformed of [`v1=${hex}`, 't=1704110400', `t=1704110400,t=1704110401,v1=${hex}`, `t=17041104.5,v1=${hex}`, `t=-1,v1=${hex}`, `t=,v1=${hex}`, `t=1704110400,v1=${hex.slice(2)}`, `t=1704110400,v1=${'z'.repeat(64)}`, '', 'garbage']) {
			expect(parseQontoSignatureHeader(malformed)).toBeNull();
		}
		expect(parseQontoSignatureHeader(undefined)).toBeNull();
	});

	it('property: any change of a byte of the body, or another secret, fails; the untouched body passes', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 1, maxLength: 200 }),
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				fc.string({ minLength: 1, maxLength: 64 }),
				fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
				(bytes, position, delta, secret, timestamp) => {
					const body = Buffer.from(bytes);
					const header = qontoSignatureHeader(secret, timestamp, body);
					const now = { nowMs: timestamp * 1000 };
					expect(verifyQontoSignature(secret, body, header, now).valid).toBe(true);
					const tampered = Buffer.from(body);
					const index = position % tampered.length;
					tampered[index] = (tampered[index] + delta) % 256;
					expect(verifyQontoSignature(secret, tampered, header, now)).toMatchObject({ valid: false, reason: 'mismatch' });
					expect(verifyQontoSignature(`${secret}x`, body, header, now)).toMatchObject({ valid: false, reason: 'mismatch' });
				},
			),
		);
	});

	it('property: a genuine signature passes exactly while |now - t| <= 300 s', () => {
		fc.assert(
			fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (offsetMs) => {
				const result = verifyQontoSignature(VECTOR.secret, VECTOR.body, VECTOR.header, { nowMs: AT_VECTOR + offsetMs });
				expect(result.valid).toBe(Math.abs(offsetMs) <= 300_000);
				if (!result.valid) expect(result.reason).toBe(offsetMs > 0 ? 'stale' : 'future');
			}),
		);
	});
});

describe('webhook secrets', () => {
	it('generates random secrets within Qonto\'s 32–128 characters (and the 32–64 the trigger aims for)', () => {
		const secrets = Array.from({ length: 50 }, () => newWebhookSecret());
		for (const secret of secrets) {
			expect(secret.length).toBeGreaterThanOrEqual(32);
			expect(secret.length).toBeLessThanOrEqual(64);
			expect(isAcceptableWebhookSecret(secret)).toBe(true);
		}
		expect(new Set(secrets).size).toBe(secrets.length);
		expect(isAcceptableWebhookSecret('short')).toBe(false);
		expect(isAcceptableWebhookSecret('x'.repeat(129))).toBe(false);
	});

	it('asks Qonto for v1/transactions at the callback URL, with a description of at most 256 characters', () => {
		expect(subscriptionRequestBody('https://n8n.example/webhook/abc/webhook', 's'.repeat(43), 'd'.repeat(300))).toEqual({
			callback_url: 'https://n8n.example/webhook/abc/webhook',
			types: ['v1/transactions'],
			secret: 's'.repeat(43),
			description: 'd'.repeat(256),
		});
	});

	it('reads a subscription from the documented flat answer and from wrapped ones', () => {
		const flat = { id: 'sub-1', callback_url: 'https://x/cb', types: ['v1/transactions', 7], secret: 'not read' };
		expect(readWebhookSubscription(flat)).toEqual({ id: 'sub-1', callbackUrl: 'https://x/cb', types: ['v1/transactions'] });
		expect(readWebhookSubscription({ webhook_subscription: flat })).toEqual({ id: 'sub-1', callbackUrl: 'https://x/cb', types: ['v1/transactions'] });
		expect(readWebhookSubscription({ subscription: { id: 'sub-2' } })).toEqual({ id: 'sub-2', callbackUrl: null, types: [] });
		for (const invalid of [null, '', [], { id: '' }, { id: 42 }, { errors: [] }]) expect(readWebhookSubscription(invalid)).toBeNull();
	});
});

describe('v1/transactions payload', () => {
	it("reads Qonto's documented example: event, ids, and the transaction as sent (without `event`)", () => {
		const parsed = parseTransactionEvent(Buffer.from(DOCS_PAYLOAD));
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		const { data, ...envelope } = JSON.parse(DOCS_PAYLOAD);
		const { event: _event, ...transaction } = data;
		expect(parsed.event).toEqual({
			event: 'created',
			deliveryId: envelope.id,
			subscriptionId: envelope.subscription_id,
			organizationId: envelope.organization_id,
			membershipId: envelope.membership_id,
			createdAt: '2025-01-24T10:55:00Z',
			transaction,
		});
		// _source is a provenance key of the fixture file, not Qonto's: it stays at the top level.
		expect(parsed.event.transaction).toMatchObject({ id: '123e4567-e89b-12d3-a456-426614174000', amount: 50.01, clean_counterparty_name: 'ACME Corp' });
		expect(parsed.event.transaction).not.toHaveProperty('event');
	});

	it('takes created/updated with or without the "transactions." prefix, in any case', () => {
		expect(transactionEventKind('created')).toBe('created');
		expect(transactionEventKind('transactions.updated')).toBe('updated');
		expect(transactionEventKind(' Transactions.Created ')).toBe('created');
		for (const other of ['deleted', 'transactions.deleted', '', null, 3, 'cards.created.x']) expect(transactionEventKind(other)).toBeNull();
	});

	it('says why a body is not a transaction event', () => {
		const envelope = (changes: object) => JSON.stringify({ ...JSON.parse(DOCS_PAYLOAD), ...changes });
		expect(parseTransactionEvent('{not json')).toMatchObject({ ok: false, reason: 'invalid_json' });
		expect(parseTransactionEvent('[1,2]')).toMatchObject({ ok: false, reason: 'not_an_event' });
		expect(parseTransactionEvent(envelope({ type: 'v1/cards' }))).toMatchObject({ ok: false, reason: 'other_type' });
		expect(parseTransactionEvent(envelope({ data: 'x' }))).toMatchObject({ ok: false, reason: 'no_transaction' });
		expect(parseTransactionEvent(envelope({ data: { event: 'deleted', id: 't' } }))).toMatchObject({ ok: false, reason: 'other_event' });
		expect(parseTransactionEvent(envelope({ data: { event: 'updated' } }))).toMatchObject({ ok: false, reason: 'no_transaction' });
	});

	it('keeps missing envelope ids as null rather than failing', () => {
		const parsed = parseTransactionEvent(JSON.stringify({ type: 'v1/transactions', data: { event: 'updated', id: 'tx-1', amount: '50.00' } }));
		expect(parsed).toEqual({
			ok: true,
			event: { event: 'updated', deliveryId: null, subscriptionId: null, organizationId: null, membershipId: null, createdAt: null, transaction: { id: 'tx-1', amount: '50.00' } },
		});
	});

	it('property: never throws, whatever the bytes', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array().map((bytes) => Buffer.from(bytes))), (body) => {
				expect(() => parseTransactionEvent(body)).not.toThrow();
			}),
		);
	});
});
