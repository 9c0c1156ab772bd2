import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { decodeBody, interpretResponse, isHtmlAnswer, networkFailure, parseQontoErrors, traceIdOf } from '../../../src/qonto/errors';

const QONTO = join(__dirname, '../../fixtures/api/qonto');
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(QONTO, path), 'utf8'));

/** The example bodies of one endpoint's responses in Qonto's Postman collection, by status code. */
function postmanBodies(collection: string, method: string, pathPart: string): Map<number, string> {
	const data = fixture(`postman/${collection}.postman_collection.json`) as { item: unknown[] };
	const found = new Map<number, string>();
	const walk = (items: unknown[]) => {
		for (const item of items as Array<{ item?: unknown[]; request?: { method: string; url: { raw: string } }; response?: Array<{ code: number; body: string }> }>) {
			if (item.item) walk(item.item);
			else if (item.request?.method === method && item.request.url.raw.includes(pathPart)) for (const response of item.response ?? []) found.set(response.code, response.body);
		}
	};
	walk(data.item);
	return found;
}

describe('parseQontoErrors', () => {
	it('reads the documented JSON:API errors array', () => {
		expect(parseQontoErrors(fixture('docs_examples/error.response.json'))).toEqual([
			{ code: 'not_in_list', detail: 'status must be one of: pending, approved, declined', pointer: null, parameter: 'status' },
		]);
	});

	it('reads errors given as a single object (Qonto\'s own 404/422 examples)', () => {
		const attach404 = postmanBodies('attachments', 'POST', '/v2/transactions/:id/attachments').get(404) ?? '';
		expect(JSON.parse(attach404).errors).not.toBeInstanceOf(Array);
		expect(parseQontoErrors(attach404)).toEqual([{ code: '<string>', detail: '<string>', pointer: null, parameter: '<string>' }]);
		const transactions422 = postmanBodies('transactions', 'GET', '/v2/transactions?').get(422) ?? '';
		expect(parseQontoErrors(transactions422)).toEqual([{ code: '<string>', detail: '<string>', pointer: '<string>', parameter: null }]);
	});

	it('reads every error example of the Postman collections without throwing', () => {
		for (const collection of ['attachments', 'transactions', 'supplier-invoices', 'memberships', 'organizations']) {
			const data = fixture(`postman/${collection}.postman_collection.json`);
			const bodies: string[] = [];
			const walk = (value: unknown) => {
				if (Array.isArray(value)) value.forEach(walk);
				else if (value && typeof value === 'object') {
					const record = value as Record<string, unknown>;
					if (typeof record.code === 'number' && record.code >= 400 && typeof record.body === 'string') bodies.push(record.body);
					Object.values(record).forEach(walk);
				}
			};
			walk(data);
			for (const body of bodies) {
				const errors = parseQontoErrors(body);
				if (body.trim()) expect(errors.length).toBeGreaterThan(0);
			}
		}
	});

	it('reads the bulk endpoint\'s per-item error with its pointer', () => {
		expect(parseQontoErrors(fixture('docs_examples/supplier_invoices_bulk.error_item.example.json'))).toEqual([
			{ code: 'invalid_file', detail: 'File too large', pointer: '/data/0/file', parameter: null },
		]);
	});

	it('falls back on message / OAuth error shapes and plain strings', () => {
		expect(parseQontoErrors({ message: 'Not allowed' })).toEqual([{ code: null, detail: 'Not allowed', pointer: null, parameter: null }]);
		expect(parseQontoErrors({ error: 'invalid_grant', error_description: 'expired' })).toEqual([{ code: 'invalid_grant', detail: 'expired', pointer: null, parameter: null }]);
		expect(parseQontoErrors({ errors: ['boom'] })).toEqual([{ code: null, detail: 'boom', pointer: null, parameter: null }]);
		expect(parseQontoErrors(Buffer.from('{"errors":{"code":"x"}}'))).toEqual([{ code: 'x', detail: null, pointer: null, parameter: null }]);
		expect(parseQontoErrors('<html></html>')).toEqual([]);
		expect(parseQontoErrors(null)).toEqual([]);
	});

	it('never throws, whatever the body', () => {
		fc.assert(fc.property(fc.anything(), (body) => Array.isArray(parseQontoErrors(body))));
		fc.assert(fc.property(fc.string(), (body) => Array.isArray(parseQontoErrors(body))));
	});
});

describe('traceIdOf', () => {
	it('prefers the body trace_id, else the X-Tyk-Trace-Id header (any case)', () => {
		expect(traceIdOf({ 'x-tyk-trace-id': 'h' }, { trace_id: 'b' })).toBe('b');
		expect(traceIdOf({ 'X-Tyk-Trace-Id': 'h' }, { errors: [] })).toBe('h');
		expect(traceIdOf({ 'x-tyk-trace-id': ['h1', 'h2'] }, '')).toBe('h1');
		expect(traceIdOf({}, null)).toBeNull();
	});
});

describe('interpretResponse', () => {
	it('passes 2xx JSON and empty bodies (attach answers 200 with nothing)', () => {
		expect(interpretResponse({ statusCode: 200, headers: {}, body: { a: 1 } })).toEqual({ ok: true, body: { a: 1 } });
		expect(interpretResponse({ statusCode: 200, headers: {}, body: '' })).toEqual({ ok: true, body: null });
		expect(interpretResponse({ statusCode: 200, headers: {}, body: '{"a":2}' })).toEqual({ ok: true, body: { a: 2 } });
	});

	it('reports the sandbox 200 HTML page with the right hint', () => {
		const page = { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html></html>' };
		const missing = interpretResponse(page, { environment: 'sandbox', stagingTokenSent: false });
		expect(missing.ok).toBe(false);
		if (missing.ok) return;
		expect(missing.failure).toMatchObject({ reason: 'qonto_html_instead_of_json', httpStatus: 200, retryable: false });
		expect(missing.failure.hint).toMatch(/without the X-Qonto-Staging-Token header/);
		const wrong = interpretResponse(page, { environment: 'sandbox', stagingTokenSent: true });
		expect(!wrong.ok && wrong.failure.hint).toMatch(/wrong or expired/);
		const production = interpretResponse({ ...page, headers: {} }, { environment: 'production' });
		expect(!production.ok && production.failure.hint).toMatch(/base URL/);
	});

	it('treats a redirect to the Qonto login as the HTML trap', () => {
		const result = interpretResponse({ statusCode: 302, headers: { location: 'https://qonto.onelogin.com/login2' }, body: '' }, { environment: 'sandbox' });
		expect(!result.ok && result.failure.reason).toBe('qonto_html_instead_of_json');
		expect(!result.ok && result.failure.message).toContain('redirect to https://qonto.onelogin.com/login2');
	});

	it.each([
		[401, 'qonto_unauthorized', false],
		[403, 'qonto_forbidden', false],
		[404, 'qonto_not_found', false],
		[400, 'qonto_invalid_request', false],
		[422, 'qonto_invalid_request', false],
		[429, 'qonto_rate_limited', true],
		[500, 'qonto_server_error', true],
		[502, 'qonto_server_error', true],
		[503, 'qonto_server_error', true],
	])('HTTP %i → %s (retryable: %s)', (status, reason, retryable) => {
		const result = interpretResponse({ statusCode: status, headers: { 'x-tyk-trace-id': 'trace-1' }, body: { errors: [{ code: 'c', detail: 'd' }] } });
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.failure).toMatchObject({ reason, retryable, httpStatus: status, traceId: 'trace-1', message: `Qonto refused the request (HTTP ${status}): d (c)` });
	});

	it('recognises a missing OAuth scope', () => {
		const result = interpretResponse({ statusCode: 403, body: { errors: [{ code: 'forbidden', detail: 'missing required oauth scope: attachment.write' }] } });
		expect(!result.ok && result.failure.reason).toBe('qonto_missing_scope');
	});

	it('keeps Retry-After (seconds or HTTP date)', () => {
		const now = new Date('2026-03-01T10:00:00Z');
		const seconds = interpretResponse({ statusCode: 429, headers: { 'Retry-After': '3' }, body: '' }, {}, now);
		expect(!seconds.ok && seconds.failure.retryAfterMs).toBe(3000);
		const date = interpretResponse({ statusCode: 503, headers: { 'retry-after': 'Sun, 01 Mar 2026 10:00:05 GMT' }, body: '' }, {}, now);
		expect(!date.ok && date.failure.retryAfterMs).toBe(5000);
		const none = interpretResponse({ statusCode: 429, headers: {}, body: '' });
		expect(!none.ok && none.failure.retryAfterMs).toBeUndefined();
	});

	it('refuses a 2xx body that is not JSON', () => {
		const result = interpretResponse({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' });
		expect(!result.ok && result.failure.reason).toBe('qonto_unexpected_response');
	});

	it('a network failure is retryable and names the code', () => {
		const failure = networkFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
		expect(failure).toMatchObject({ reason: 'qonto_unreachable', httpStatus: null, retryable: true });
		expect(failure.message).toContain('(ECONNREFUSED)');
	});

	it('never throws, whatever the answer', () => {
		fc.assert(
			fc.property(fc.integer({ min: 100, max: 599 }), fc.dictionary(fc.string(), fc.string()), fc.anything(), (statusCode, headers, body) => {
				const result = interpretResponse({ statusCode, headers, body });
				return typeof result.ok === 'boolean';
			}),
		);
	});
});

describe('helpers', () => {
	it('decodeBody parses JSON text and Buffers, keeps other text', () => {
		expect(decodeBody(Buffer.from(' {"a":1} '))).toEqual({ a: 1 });
		expect(decodeBody('[1]')).toEqual([1]);
		expect(decodeBody('{broken')).toBe('{broken');
		expect(decodeBody('   ')).toBeNull();
		expect(decodeBody(undefined)).toBeNull();
	});

	it('isHtmlAnswer looks at the content type and the first bytes', () => {
		expect(isHtmlAnswer({ 'Content-Type': 'text/html' }, '')).toBe(true);
		expect(isHtmlAnswer({}, '\n <!doctype html><html>')).toBe(true);
		expect(isHtmlAnswer({}, Buffer.from('<html><body>'))).toBe(true);
		expect(isHtmlAnswer({ 'content-type': 'application/json' }, { a: 1 })).toBe(false);
	});
});
