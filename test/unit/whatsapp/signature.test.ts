import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { answerVerificationChallenge, signWebhookBody, verifyWebhookSignature } from '../../../src/whatsapp/signature';

const vector = JSON.parse(readFileSync(join(__dirname, '../../fixtures/api/whatsapp/signature_test_vector.json'), 'utf8')) as {
	app_secret: string;
	raw_body: string;
	x_hub_signature_256: string;
	signature_if_reserialized_with_utf8_emoji: string;
};

describe('X-Hub-Signature-256', () => {
	const body = Buffer.from(vector.raw_body, 'utf8');

	it("verifies Meta's test vector over the raw, escaped body", () => {
		expect(signWebhookBody(vector.app_secret, body)).toBe(vector.x_hub_signature_256);
		expect(verifyWebhookSignature(vector.app_secret, body, vector.x_hub_signature_256)).toEqual({ valid: true });
		expect(verifyWebhookSignature(vector.app_secret, body, vector.x_hub_signature_256.toUpperCase().replace('SHA256=', 'sha256='))).toEqual({ valid: true });
	});

	it('fails for the body re-serialised with raw emoji', () => {
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(vector.raw_body)), 'utf8');
		expect(signWebhookBody(vector.app_secret, reserialised)).toBe(vector.signature_if_reserialized_with_utf8_emoji);
		expect(verifyWebhookSignature(vector.app_secret, reserialised, vector.x_hub_signature_256)).toEqual({ valid: false, reason: 'mismatch' });
	});

	it('fails when any single byte of the body changes', () => {
		fc.assert(
			fc.property(fc.nat({ max: body.length - 1 }), fc.integer({ min: 1, max: 255 }), (position, delta) => {
				const tampered = Buffer.from(body);
				tampered[position] = (tampered[position] + delta) % 256;
				return verifyWebhookSignature(vector.app_secret, tampered, vector.x_hub_signature_256).valid === false;
			}),
		);
	});

	it('refuses missing, malformed and wrong-secret signatures', () => {
		expect(verifyWebhookSignature(vector.app_secret, body, undefined)).toEqual({ valid: false, reason: 'missing' });
		expect(verifyWebhookSignature(vector.app_secret, body, 'sha1=abc')).toEqual({ valid: false, reason: 'malformed' });
		expect(verifyWebhookSignature('another secret', body, vector.x_hub_signature_256)).toEqual({ valid: false, reason: 'mismatch' });
		expect(verifyWebhookSignature('', body, vector.x_hub_signature_256)).toEqual({ valid: false, reason: 'no_secret' });
	});
});

describe("Meta's verification handshake", () => {
	const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'let-me-in', 'hub.challenge': '1158201444' };
	it('answers the challenge to the right token', () => {
		expect(answerVerificationChallenge(query, 'let-me-in')).toEqual({ status: 200, body: '1158201444' });
	});
	it('refuses a wrong token, another mode, or no configured token', () => {
		expect(answerVerificationChallenge({ ...query, 'hub.verify_token': 'nope' }, 'let-me-in').status).toBe(403);
		expect(answerVerificationChallenge({ ...query, 'hub.mode': 'unsubscribe' }, 'let-me-in').status).toBe(403);
		expect(answerVerificationChallenge(query, '').status).toBe(403);
		expect(answerVerificationChallenge({}, 'let-me-in').status).toBe(403);
	});
});
