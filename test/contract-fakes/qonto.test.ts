import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { ManualClock } from './clock';
import { loadFixture, SAMPLE_RECEIPTS_DIR } from './fixtures';
import { QontoFake } from './qonto';
import { makeTransaction } from './qontoData';
import { signQontoWebhook } from './qontoWebhooks';
import { keyPaths, readJson, shapeOf } from './shape';
import { sha256Hex } from './sniff';

const JPEG = readFileSync(join(SAMPLE_RECEIPTS_DIR, 'sroie-060.jpg'));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const MINUTE = 60_000;

function fileForm(bytes: Buffer, fileName = 'receipt.jpg', field = 'file'): FormData {
	const form = new FormData();
	form.append(field, new Blob([bytes], { type: 'application/octet-stream' }), fileName);
	return form;
}

function bulkForm(items: Array<{ bytes?: Buffer; key?: string; fileName?: string }>, extra: Record<string, string> = {}): FormData {
	const form = new FormData();
	for (const item of items) {
		if (item.bytes) form.append('supplier_invoices[][file]', new Blob([item.bytes]), item.fileName ?? 'invoice.pdf');
		if (item.key) form.append('supplier_invoices[][idempotency_key]', item.key);
	}
	for (const [name, value] of Object.entries(extra)) form.append(name, value);
	return form;
}

describe('QontoFake', () => {
	const clock = new ManualClock();
	const fake = new QontoFake({ clock });
	const api = (path: string, init: RequestInit = {}) => fetch(`${fake.url}${path}`, { ...init, headers: { authorization: fake.apiKeyHeader, ...init.headers } });
	const accountId = () => fake.mainBankAccount.id as string;

	beforeAll(() => fake.start());
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	describe('authentication and errors', () => {
		it('takes "login:secret-key" as is; Basic, missing or wrong credentials get a JSON:API 401 with trace id', async () => {
			expect((await api('/v2/organization')).status).toBe(200);
			for (const authorization of [`Basic ${Buffer.from(fake.apiKeyHeader).toString('base64')}`, 'acme-sas-1234:wrong', '']) {
				const response = await fetch(`${fake.url}/v2/organization`, { headers: authorization ? { authorization } : {} });
				expect(response.status).toBe(401);
				const body = await readJson(response);
				expect(body.errors[0]).toEqual({ code: 'unauthorized', detail: expect.any(String) });
				expect(body.trace_id).toBe(response.headers.get('x-tyk-trace-id'));
			}
		});

		it('answers injected 429 (with Retry-After) and 5xx with the JSON:API error shape, then recovers', async () => {
			fake.failNext('transactions.list', 429, { retryAfter: 1 });
			fake.failNext('transactions.list', 503);
			const path = `/v2/transactions?bank_account_id=${accountId()}`;
			const limited = await api(path);
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('1');
			expect(shapeOf(await readJson(limited))).toEqual(shapeOf({ errors: [{ code: 'x', detail: 'x' }], trace_id: 'x' }));
			expect((await api(path)).status).toBe(503);
			expect((await api(path)).status).toBe(200);
		});

		it('can hang a call until the client times out', async () => {
			fake.hangNext('organization');
			await expect(api('/v2/organization', { signal: AbortSignal.timeout(200) })).rejects.toThrow();
			expect((await api('/v2/organization')).status).toBe(200);
		});
	});

	describe('sandbox', () => {
		const sandbox = new QontoFake({ stagingToken: 'staging-123' });
		beforeAll(() => sandbox.start());
		afterAll(() => sandbox.stop());

		it('answers 200 text/html without X-Qonto-Staging-Token (the documented trap), JSON with it', async () => {
			const trap = await fetch(`${sandbox.url}/v2/organization`, { headers: { authorization: sandbox.apiKeyHeader } });
			expect(trap.status).toBe(200);
			expect(trap.headers.get('content-type')).toMatch(/^text\/html/);
			expect(await trap.text()).toMatch(/onelogin/);
			const tokenCall = await fetch(`${sandbox.url}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token' }) });
			expect(tokenCall.headers.get('content-type')).toMatch(/^text\/html/);
			const ok = await fetch(`${sandbox.url}/v2/organization`, { headers: { authorization: sandbox.apiKeyHeader, 'x-qonto-staging-token': 'staging-123' } });
			expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
		});
	});

	describe('organisation and bank accounts', () => {
		it('lists Qonto accounts only, external ones when asked, shaped like the Postman example', async () => {
			const { organization } = await readJson(await api('/v2/organization'));
			const postman = JSON.parse(loadFixture('qonto/postman/organizations.postman_collection.json').item[0].item?.[0]?.response?.[0]?.body ?? findOrganizationExample());
			expect(keyPaths({ organization })).toEqual(keyPaths(postman));
			expect(organization.bank_accounts.map((account: { is_external_account: boolean }) => account.is_external_account)).toEqual([false]);
			const withExternal = (await readJson(await api('/v2/organization?include_external_accounts=true'))).organization;
			expect(withExternal.bank_accounts).toHaveLength(2);
		});

		it('lists bank accounts shaped exactly like bank_accounts_list.response.json', async () => {
			const body = await readJson(await api('/v2/bank_accounts'));
			expect(shapeOf({ bank_accounts: [body.bank_accounts[0]] })).toEqual(shapeOf(loadFixture('qonto/docs_examples/bank_accounts_list.response.json')));
		});
	});

	describe('transactions', () => {
		it('lists the docs example by default, with the documented meta', async () => {
			const body = await readJson(await api(`/v2/transactions?bank_account_id=${accountId()}`));
			const fixture = loadFixture('qonto/docs_examples/transactions_list.response.json');
			expect(keyPaths(body)).toEqual(expect.arrayContaining(keyPaths(fixture)));
			expect(body.transactions[0]).toMatchObject({ ...fixture.transactions[0], bank_account_id: accountId() });
			expect(body.meta).toEqual(fixture.meta);
		});

		it('requires bank_account_id or iban, and finds the account by IBAN too', async () => {
			const missing = await api('/v2/transactions');
			expect(missing.status).toBe(422);
			expect((await readJson(missing)).errors[0].source).toEqual({ parameter: 'bank_account_id' });
			expect((await api(`/v2/transactions?iban=${fake.mainBankAccount.iban}`)).status).toBe(200);
		});

		it('pages 250 transactions over 3 pages with next/prev links', async () => {
			fake.setTransactions(Array.from({ length: 250 }, (_, index) => makeTransaction({ amount_cents: 100 + index, settled_at: new Date(Date.UTC(2026, 0, 1) + index * MINUTE).toISOString() })));
			const seen: string[] = [];
			const metas = [];
			for (let page = 1; page <= 3; page++) {
				const body = await readJson(await api(`/v2/transactions?bank_account_id=${accountId()}&page=${page}&per_page=100`));
				seen.push(...body.transactions.map((transaction: { id: string }) => transaction.id));
				metas.push(body.meta);
			}
			expect(new Set(seen).size).toBe(250);
			expect(metas.map((meta) => [meta.current_page, meta.prev_page, meta.next_page, meta.total_pages, meta.total_count])).toEqual([
				[1, null, 2, 3, 250],
				[2, 1, 3, 3, 250],
				[3, 2, null, 3, 250],
			]);
		});

		it('refuses per_page above 100 and an unknown status with JSON:API 422s', async () => {
			const tooMany = await api(`/v2/transactions?bank_account_id=${accountId()}&per_page=101`);
			expect(tooMany.status).toBe(422);
			expect((await readJson(tooMany)).errors[0].source).toEqual({ parameter: 'per_page' });
			const badStatus = await api(`/v2/transactions?bank_account_id=${accountId()}&status[]=invalid`);
			expect(badStatus.status).toBe(422);
			const body = await readJson(badStatus);
			expect(shapeOf(body)).toEqual(shapeOf(loadFixture('qonto/docs_examples/error.response.json')));
			expect(body.errors[0].code).toBe('not_in_list');
		});

		it('filters by status[], side, settled/emitted/updated ranges and with_attachments, and sorts', async () => {
			fake.setTransactions([
				makeTransaction({ id: 'card-pending', status: 'pending', side: 'debit', emitted_at: '2026-03-02T10:00:00.000Z' }),
				makeTransaction({ id: 'march', side: 'debit', settled_at: '2026-03-05T10:00:00.000Z', emitted_at: '2026-03-04T10:00:00.000Z' }),
				makeTransaction({ id: 'april', side: 'debit', settled_at: '2026-04-05T10:00:00.000Z', updated_at: '2026-04-06T00:00:00.000Z' }),
				makeTransaction({ id: 'income', side: 'credit', settled_at: '2026-03-10T10:00:00.000Z', attachment_ids: ['a-1'] }),
			]);
			const ids = async (query: string) => (await readJson(await api(`/v2/transactions?bank_account_id=${accountId()}&${query}`))).transactions.map((transaction: { id: string }) => transaction.id);
			expect(await ids('status[]=pending')).toEqual(['card-pending']);
			expect(await ids('status[]=completed&side=debit&sort_by=settled_at:asc')).toEqual(['march', 'april']);
			expect(await ids('settled_at_from=2026-03-01T00:00:00Z&settled_at_to=2026-03-31T23:59:59Z')).toEqual(['income', 'march']);
			expect(await ids('emitted_at_from=2026-03-01T00:00:00Z&emitted_at_to=2026-03-03T00:00:00Z')).toEqual(['card-pending']);
			expect(await ids('updated_at_from=2026-04-01T00:00:00Z')).toEqual(['april']);
			expect(await ids('with_attachments=true')).toEqual(['income']);
		});

		it('answers 404 for an unknown transaction with errors as an OBJECT, like Qonto documents it', async () => {
			const response = await api('/v2/transactions/4f1b6c39-0000-0000-0000-000000000000');
			expect(response.status).toBe(404);
			const body = await readJson(response);
			expect(Array.isArray(body.errors)).toBe(false);
			expect(body.errors).toMatchObject({ code: 'not_found', source: { parameter: 'id' } });
		});
	});

	describe('attachments', () => {
		const transactionId = 'df346899-3595-421a-8b26-f9d9616ce496';
		const attach = (bytes: Buffer, key: string | null, id = transactionId, fileName = 'receipt.jpg') =>
			api(`/v2/transactions/${id}/attachments`, { method: 'POST', headers: key ? { 'x-qonto-idempotency-key': key } : {}, body: fileForm(bytes, fileName) });

		it('requires X-Qonto-Idempotency-Key', async () => {
			const response = await attach(JPEG, null);
			expect(response.status).toBe(400);
			expect((await readJson(response)).errors[0].source).toEqual({ parameter: 'X-Qonto-Idempotency-Key' });
			expect(fake.attachments()).toHaveLength(0);
		});

		it('limits the request (file and form together), not the file alone', async () => {
			const small = new QontoFake({ maxAttachmentBytes: 2_000 });
			await small.start();
			try {
				const post = (bytes: Buffer) =>
					fetch(`${small.url}/v2/transactions/${transactionId}/attachments`, { method: 'POST', headers: { authorization: small.apiKeyHeader, 'x-qonto-idempotency-key': `k-${bytes.length}` }, body: fileForm(bytes, 'a.pdf') });
				// A file of 1,990 bytes is under the limit, but not with the form around it.
				const refused = await post(Buffer.concat([PDF, Buffer.alloc(1_990 - PDF.length)]));
				expect(refused.status).toBe(422);
				expect((await readJson(refused)).errors[0].detail).toMatch(/request is too large/);
				expect((await post(Buffer.concat([PDF, Buffer.alloc(1_500 - PDF.length)]))).status).toBe(200);
			} finally {
				await small.stop();
			}
		});

		it('attaches a JPEG: 200 with an empty body, then visible on the transaction', async () => {
			const response = await attach(JPEG, 'key-1');
			expect(response.status).toBe(200);
			expect(await response.text()).toBe('');
			const [stored] = fake.attachmentsOf(transactionId);
			expect(stored).toMatchObject({ fileName: 'receipt.jpg', contentType: 'image/jpeg', sha256: sha256Hex(JPEG), idempotencyKey: 'key-1' });
			const { transaction } = await readJson(await api(`/v2/transactions/${transactionId}?includes[]=attachments`));
			expect(transaction.attachment_ids).toEqual([stored.id]);
			expect(transaction.attachments[0]).toMatchObject({ id: stored.id, file_name: 'receipt.jpg', file_size: String(JPEG.length), file_content_type: 'image/jpeg' });
			const { attachments } = await readJson(await api(`/v2/transactions/${transactionId}/attachments`));
			const download = await fetch(attachments[0].url);
			expect(Buffer.from(await download.arrayBuffer()).equals(JPEG)).toBe(true);
		});

		it('replays a repeated key for 30 minutes without attaching twice, then forgets it', async () => {
			expect((await attach(JPEG, 'same-key')).status).toBe(200);
			clock.advance(29 * MINUTE);
			expect((await attach(PDF, 'same-key', transactionId, 'other.pdf')).status).toBe(200);
			expect(fake.attachmentsOf(transactionId)).toHaveLength(1);
			clock.advance(2 * MINUTE);
			expect((await attach(JPEG, 'same-key')).status).toBe(200);
			expect(fake.attachmentsOf(transactionId)).toHaveLength(2);
		});

		it('refuses anything but JPEG/PNG/PDF by magic bytes, and files above 15 MB', async () => {
			const gif = await attach(GIF, 'k-gif', transactionId, 'looks-like.jpg');
			expect(gif.status).toBe(422);
			expect((await readJson(gif)).errors[0]).toMatchObject({ code: 'invalid', source: { pointer: '/file' } });
			const big = Buffer.concat([PDF, Buffer.alloc(15 * 1024 * 1024)]);
			expect((await attach(big, 'k-big', transactionId, 'big.pdf')).status).toBe(422);
			expect(fake.attachments()).toHaveLength(0);
		});

		it('answers 404 with errors as an object for an unknown transaction', async () => {
			const response = await attach(JPEG, 'k-404', '00000000-0000-4000-8000-000000000000');
			expect(response.status).toBe(404);
			expect(Array.isArray((await readJson(response)).errors)).toBe(false);
		});

		it('shows uploads on the transaction only after the background processing delay, when configured', async () => {
			const slow = new QontoFake({ clock, attachmentVisibilityDelayMs: 5000 });
			await slow.start();
			try {
				const post = await fetch(`${slow.url}/v2/transactions/${transactionId}/attachments`, { method: 'POST', headers: { authorization: slow.apiKeyHeader, 'x-qonto-idempotency-key': 'k' }, body: fileForm(PDF, 'a.pdf') });
				expect(post.status).toBe(200);
				const read = async () => (await readJson(await fetch(`${slow.url}/v2/transactions/${transactionId}`, { headers: { authorization: slow.apiKeyHeader } }))).transaction.attachment_ids;
				expect(await read()).toEqual([]);
				clock.advance(5000);
				expect(await read()).toHaveLength(1);
			} finally {
				await slow.stop();
			}
		});

		it('creates a free attachment with POST /v2/attachments and reads it back', async () => {
			const created = await api('/v2/attachments', { method: 'POST', headers: { 'x-qonto-idempotency-key': 'free-1' }, body: fileForm(PDF, 'invoice.pdf') });
			const { attachment } = await readJson(created);
			expect(Object.keys(attachment)).toEqual(['id']);
			const replay = await readJson(await api('/v2/attachments', { method: 'POST', headers: { 'x-qonto-idempotency-key': 'free-1' }, body: fileForm(JPEG) }));
			expect(replay.attachment.id).toBe(attachment.id);
			const read = (await readJson(await api(`/v2/attachments/${attachment.id}`))).attachment;
			expect(Object.keys(read).sort()).toEqual(['created_at', 'file_content_type', 'file_name', 'file_size', 'id', 'probative_attachment', 'url']);
		});
	});

	describe('supplier invoices', () => {
		const bulk = (form: FormData) => api('/v2/supplier_invoices/bulk', { method: 'POST', body: form });

		it('creates invoices in to_review with the documented object shape and keeps their bytes', async () => {
			const response = await bulk(bulkForm([{ bytes: PDF, key: 'inv-1', fileName: 'facture.pdf' }, { bytes: JPEG, key: 'inv-2', fileName: 'ticket.jpg' }], { skip_attachment_matcher: 'true', source: 'integration', meta: '{"integration_type":"n8n"}' }));
			expect(response.status).toBe(200);
			const body = await readJson(response);
			expect(body.errors).toEqual([]);
			const fixtureKeys = Object.keys(loadFixture('qonto/docs_examples/supplier_invoices_bulk.response.json').supplier_invoices[0]);
			expect(Object.keys(body.supplier_invoices[0])).toEqual(expect.arrayContaining(fixtureKeys));
			expect(body.supplier_invoices.map((invoice: { file_name: string; status: string }) => [invoice.file_name, invoice.status])).toEqual([
				['facture.pdf', 'to_review'],
				['ticket.jpg', 'to_review'],
			]);
			const [first, second] = fake.supplierInvoices();
			expect(first).toMatchObject({ idempotencyKey: 'inv-1', sha256: sha256Hex(PDF), skipAttachmentMatcher: true, source: 'integration', meta: { integration_type: 'n8n' }, contentType: 'application/pdf' });
			expect(second.bytes?.equals(JPEG)).toBe(true);
		});

		it('answers 200 with per-item errors shaped like the documented error item', async () => {
			const response = await bulk(bulkForm([{ bytes: PDF, key: 'ok-1' }, { bytes: PDF }, { bytes: GIF, key: 'gif-1', fileName: 'x.gif' }]));
			expect(response.status).toBe(200);
			const body = await readJson(response);
			expect(body.supplier_invoices).toHaveLength(1);
			expect(shapeOf({ supplier_invoices: [], errors: [body.errors[0]] })).toEqual(shapeOf(loadFixture('qonto/docs_examples/supplier_invoices_bulk.error_item.example.json')));
			expect(body.errors.map((error: { code: string; source: { pointer: string } }) => [error.code, error.source.pointer])).toEqual([
				['required', '/data/1/idempotency_key'],
				['invalid', '/data/2/file'],
			]);
		});

		it('returns the existing invoice for a repeated idempotency key instead of creating another', async () => {
			const first = (await readJson(await bulk(bulkForm([{ bytes: PDF, key: 'wamid-xyz:org-1' }])))).supplier_invoices[0];
			clock.advance(10 * MINUTE);
			const again = (await readJson(await bulk(bulkForm([{ bytes: PDF, key: 'wamid-xyz:org-1' }])))).supplier_invoices[0];
			expect(again.id).toBe(first.id);
			expect(fake.supplierInvoices()).toHaveLength(1);
			clock.advance(31 * MINUTE);
			await bulk(bulkForm([{ bytes: PDF, key: 'wamid-xyz:org-1' }]));
			expect(fake.supplierInvoices()).toHaveLength(2);
		});

		it('limits the whole request to 15 MiB, not each file to 10 MiB (the endpoint reference)', async () => {
			const twelve = Buffer.concat([PDF, Buffer.alloc(12 * 1024 * 1024)]);
			const body = await readJson(await bulk(bulkForm([{ bytes: twelve, key: 'big-1' }])));
			expect(body.errors).toEqual([]);
			expect(fake.supplierInvoices()).toHaveLength(1);
		});

		it('refuses more than 20 invoices with limit_reached, still 200', async () => {
			const items = Array.from({ length: 21 }, (_, index) => ({ bytes: PDF, key: `k-${index}` }));
			const body = await readJson(await bulk(bulkForm(items)));
			expect(body).toEqual({ supplier_invoices: [], errors: [expect.objectContaining({ code: 'limit_reached' })] });
		});

		it('can script internal_server_error for the next items', async () => {
			fake.failNextBulkItems(1);
			const body = await readJson(await bulk(bulkForm([{ bytes: PDF, key: 'a' }, { bytes: PDF, key: 'b' }])));
			expect(body.errors).toEqual([expect.objectContaining({ code: 'internal_server_error', source: { pointer: '/data/0' } })]);
			expect(body.supplier_invoices).toHaveLength(1);
		});

		it('lists with status filter and pagination, and reads one by id', async () => {
			await bulk(bulkForm(Array.from({ length: 3 }, (_, index) => ({ bytes: PDF, key: `l-${index}` }))));
			const [invoice] = fake.supplierInvoices();
			fake.updateSupplierInvoice(invoice.invoice.id, { status: 'paid' });
			const toReview = await readJson(await api('/v2/supplier_invoices?filter[status][]=to_review&per_page=1&page=2'));
			expect(toReview.supplier_invoices).toHaveLength(1);
			expect(toReview.meta).toMatchObject({ current_page: 2, total_count: 2, total_pages: 2, prev_page: 1, next_page: null });
			const one = await readJson(await api(`/v2/supplier_invoices/${invoice.invoice.id}`));
			expect(one.supplier_invoice).toMatchObject({ id: invoice.invoice.id, status: 'paid' });
			expect((await api('/v2/supplier_invoices/nope')).status).toBe(404);
		});
	});

	describe('memberships', () => {
		it('pages memberships with the documented item shape and meta keys', async () => {
			const template = loadFixture('qonto/docs_examples/memberships_list.response.json');
			fake.setMemberships(Array.from({ length: 5 }, (_, index) => ({ ...template.memberships[0], id: `m-${index}` })));
			const pages = [];
			for (let page = 1; page <= 3; page++) pages.push(await readJson(await api(`/v2/memberships?per_page=2&page=${page}`)));
			expect(pages.flatMap((page) => page.memberships.map((membership: { id: string }) => membership.id))).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
			expect(shapeOf(pages[1])).toEqual(shapeOf(template));
			expect(pages[2].meta).toEqual({ current_page: 3, next_page: null, prev_page: 2, total_pages: 3, total_count: 5, per_page: 2 });
		});

		it('answers GET /v2/membership (with phone_number) to an OAuth user only', async () => {
			expect((await api('/v2/membership')).status).toBe(403);
			const tokens = fake.issueTokens({ scopes: ['membership.read'] });
			const response = await fetch(`${fake.url}/v2/membership`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
			const body = await readJson(response);
			expect(body).toEqual(loadFixture('qonto/docs_examples/membership_me.response.json'));
			expect(body.membership.phone_number).toBe('+49123456789');
		});
	});

	describe('OAuth', () => {
		const redirectUri = 'http://localhost:5678/rest/oauth2-credential/callback';
		const client = () => fake.oauth.clients[0];
		const tokenCall = (params: Record<string, string>, headers: Record<string, string> = {}) =>
			fetch(`${fake.url}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(params) });

		async function authorize(scope: string): Promise<string> {
			const query = new URLSearchParams({ client_id: client().clientId, redirect_uri: redirectUri, scope, response_type: 'code', state: 'state-123456' });
			const response = await fetch(`${fake.url}/oauth2/auth?${query}`, { redirect: 'manual' });
			expect(response.status).toBe(302);
			const location = new URL(response.headers.get('location') as string);
			expect(location.origin + location.pathname).toBe(redirectUri);
			expect(location.searchParams.get('state')).toBe('state-123456');
			return location.searchParams.get('code') as string;
		}

		it('runs the authorization-code flow and answers the oauth_token.response.json shape', async () => {
			const code = await authorize('openid offline_access organization.read attachment.write');
			const response = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: client().clientId, client_secret: client().clientSecret });
			expect(response.status).toBe(200);
			const tokens = await readJson(response);
			expect(shapeOf(tokens)).toEqual(shapeOf(loadFixture('qonto/docs_examples/oauth_token.response.json')));
			expect(tokens).toMatchObject({ expires_in: 3600, token_type: 'bearer', scope: 'openid offline_access organization.read attachment.write' });
			expect((await fetch(`${fake.url}/v2/organization`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
			const reused = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: client().clientId, client_secret: client().clientSecret });
			expect((await readJson(reused)).error).toBe('invalid_grant');
		});

		it('rotates refresh tokens: the old one works for 60 s more, then not; client auth may be HTTP Basic', async () => {
			const first = fake.issueTokens({ scopes: ['offline_access', 'organization.read'] });
			const basic = { authorization: `Basic ${Buffer.from(`${client().clientId}:${client().clientSecret}`).toString('base64')}` };
			const second = await readJson(await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, basic));
			expect(second.refresh_token).not.toBe(first.refresh_token);
			clock.advance(30_000);
			expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, basic)).status).toBe(200);
			clock.advance(31_000);
			const late = await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, basic);
			expect(late.status).toBe(400);
			expect(await readJson(late)).toMatchObject({ error: 'invalid_grant' });
			expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: second.refresh_token }, basic)).status).toBe(200);
		});

		it('expires access tokens after an hour and enforces scopes', async () => {
			const tokens = fake.issueTokens({ scopes: ['organization.read'] });
			const bearer = { authorization: `Bearer ${tokens.access_token}` };
			const upload = await fetch(`${fake.url}/v2/attachments`, { method: 'POST', headers: { ...bearer, 'x-qonto-idempotency-key': 'k' }, body: fileForm(PDF) });
			expect(upload.status).toBe(403);
			expect((await readJson(upload)).errors[0].detail).toMatch(/missing required oauth scope/);
			clock.advance(3600_000);
			expect((await fetch(`${fake.url}/v2/organization`, { headers: bearer })).status).toBe(401);
		});

		it('refuses a wrong client secret and a weak state', async () => {
			expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: 'x', client_id: client().clientId, client_secret: 'nope' })).status).toBe(401);
			const query = new URLSearchParams({ client_id: client().clientId, redirect_uri: redirectUri, scope: 'openid', response_type: 'code', state: 'short' });
			const response = await fetch(`${fake.url}/oauth2/auth?${query}`, { redirect: 'manual' });
			expect(new URL(response.headers.get('location') as string).searchParams.get('error')).toBe('invalid_state');
		});
	});
});

interface Received {
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

/** A callback server that records deliveries and answers `status` after `delayMs`. */
async function startReceiver(answer: { status: number; delayMs?: number } = { status: 200 }) {
	const received: Received[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			setTimeout(() => res.writeHead(answer.status, { 'content-type': 'text/plain' }).end('ok'), answer.delayMs ?? 0);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/abc/webhook`;
	return { url, received, answer, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('QontoFake webhook subscriptions', () => {
	const clock = new ManualClock(Date.UTC(2026, 10, 24, 9, 0, 0));
	const fake = new QontoFake({ clock });
	const WEBHOOK_SCOPES = ['webhook', 'organization.read'];
	const bearer = (scopes: string[] = WEBHOOK_SCOPES, membership?: Record<string, unknown>) => ({ authorization: `Bearer ${fake.issueTokens({ scopes, membership }).access_token}` });
	const subscriptions = (headers: Record<string, string>, init: RequestInit = {}, path = '/v2/webhook_subscriptions') =>
		fetch(`${fake.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...headers, ...init.headers } });
	const create = (headers: Record<string, string>, body: object) => subscriptions(headers, { method: 'POST', body: JSON.stringify(body) });
	const SECRET = 'a-secret-of-at-least-32-characters-0123';
	let receiver: Awaited<ReturnType<typeof startReceiver>>;

	beforeAll(async () => {
		await fake.start();
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await fake.stop();
		await receiver.stop();
	});
	beforeEach(() => {
		fake.reset();
		receiver.received.length = 0;
		receiver.answer.status = 200;
		receiver.answer.delayMs = 0;
	});

	it("signs like Qonto's documented test vector", () => {
		expect(signQontoWebhook('test-secret', 1704110400, '{"test":"data"}')).toBe('t=1704110400,v1=56aff06dc227db80d6568a5070f912c601c31f20451745d257cbc0b5dfa93805');
	});

	it('creates (201, with the secret), gets, lists (without the secret) and deletes (204) a subscription', async () => {
		const auth = bearer();
		const created = await create(auth, { callback_url: receiver.url, types: ['v1/transactions'], secret: SECRET, description: 'n8n' });
		expect(created.status).toBe(201);
		const body = await readJson(created);
		expect(body).toEqual({
			id: expect.any(String),
			organization_id: fake.organizationId,
			membership_id: expect.any(String),
			callback_url: receiver.url,
			types: ['v1/transactions'],
			description: 'n8n',
			created_at: '2026-11-24T09:00:00.000Z',
			updated_at: '2026-11-24T09:00:00.000Z',
			secret: SECRET,
		});
		const got = await subscriptions(auth, {}, `/v2/webhook_subscriptions/${body.id}`);
		expect(got.status).toBe(200);
		expect(await readJson(got)).toEqual(Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'secret')));
		const listed = await readJson(await subscriptions(auth, {}, '/v2/webhook_subscriptions?per_page=10'));
		expect(listed.subscriptions.map((item: { id: string }) => item.id)).toEqual([body.id]);
		expect(listed.subscriptions[0]).not.toHaveProperty('secret');
		expect(listed.meta).toMatchObject({ current_page: 1, total_count: 1, per_page: 10 });

		const deleted = await subscriptions(auth, { method: 'DELETE' }, `/v2/webhook_subscriptions/${body.id}`);
		expect(deleted.status).toBe(204);
		expect(await deleted.text()).toBe('');
		expect(fake.webhookSubscriptions()).toEqual([]);
		const again = await subscriptions(auth, { method: 'DELETE' }, `/v2/webhook_subscriptions/${body.id}`);
		expect(again.status).toBe(404);
		expect(await readJson(again)).toEqual({ code: 'not_found', detail: expect.any(String), source: { parameter: 'id' } });
	});

	it('generates a secret when none is sent', async () => {
		const body = await readJson(await create(bearer(), { callback_url: receiver.url, types: ['v1/transactions'] }));
		expect(body.secret.length).toBeGreaterThanOrEqual(32);
		expect(fake.webhookSubscriptions()[0].secret).toBe(body.secret);
	});

	it('refuses API-key callers (403: OAuth 2.0 only) and tokens without the webhook scope or organization.read', async () => {
		const payload = { callback_url: receiver.url, types: ['v1/transactions'], secret: SECRET };
		const withKey = await create({ authorization: fake.apiKeyHeader }, payload);
		expect(withKey.status).toBe(403);
		expect(await readJson(withKey)).toEqual({ code: 'forbidden', detail: expect.stringMatching(/OAuth 2\.0/) });
		expect((await subscriptions({ authorization: fake.apiKeyHeader })).status).toBe(403);

		const noWebhookScope = await create(bearer(['organization.read']), payload);
		expect(noWebhookScope.status).toBe(403);
		expect((await readJson(noWebhookScope)).detail).toBe('missing required oauth scope: webhook');
		const noReadScope = await create(bearer(['webhook']), payload);
		expect(noReadScope.status).toBe(403);
		expect((await readJson(noReadScope)).detail).toBe('missing required oauth scope: organization.read');
		expect((await create({}, payload)).status).toBe(401);
		expect(fake.webhookSubscriptions()).toEqual([]);
	});

	it.each([
		['no callback URL', { types: ['v1/transactions'], secret: 'a'.repeat(40) }, '/callback_url'],
		['plain http to a public host', { callback_url: 'http://example.com/hook', types: ['v1/transactions'] }, '/callback_url'],
		['a callback that is no URL', { callback_url: 'not a url', types: ['v1/transactions'] }, '/callback_url'],
		['no types', { callback_url: 'https://example.com/hook', types: [] }, '/types'],
		['an unknown type', { callback_url: 'https://example.com/hook', types: ['v1/everything'] }, '/types'],
		['a secret under 32 characters', { callback_url: 'https://example.com/hook', types: ['v1/transactions'], secret: 'too-short' }, '/secret'],
		['a secret over 128 characters', { callback_url: 'https://example.com/hook', types: ['v1/transactions'], secret: 'x'.repeat(129) }, '/secret'],
		['a description over 256 characters', { callback_url: 'https://example.com/hook', types: ['v1/transactions'], description: 'd'.repeat(257) }, '/description'],
	])('refuses a subscription with %s (422 at its pointer)', async (_label, payload, pointer) => {
		const response = await create(bearer(), payload);
		expect(response.status).toBe(422);
		expect((await readJson(response)).source).toEqual({ pointer });
	});

	it('shows a caller only the subscriptions of its own user and OAuth client', async () => {
		const mine = bearer();
		const other = bearer(WEBHOOK_SCOPES, { id: 'another-membership', first_name: 'Other' });
		const { id } = await readJson(await create(mine, { callback_url: receiver.url, types: ['v1/transactions'], secret: SECRET }));
		fake.addWebhookSubscription({ callbackUrl: 'https://elsewhere.example/hook' });
		expect((await readJson(await subscriptions(mine))).subscriptions.map((item: { id: string }) => item.id)).toEqual([id]);
		expect((await readJson(await subscriptions(other))).subscriptions).toEqual([]);
		expect((await subscriptions(other, {}, `/v2/webhook_subscriptions/${id}`)).status).toBe(404);
		expect((await subscriptions(other, { method: 'DELETE' }, `/v2/webhook_subscriptions/${id}`)).status).toBe(404);
		expect(fake.webhookSubscriptions()).toHaveLength(2);
	});

	it('repeats the first answer for a repeated X-Qonto-Idempotency-Key instead of creating twice', async () => {
		const auth = { ...bearer(), 'x-qonto-idempotency-key': 'key-1' };
		const first = await readJson(await create(auth, { callback_url: receiver.url, types: ['v1/transactions'], secret: SECRET }));
		const second = await readJson(await create(auth, { callback_url: receiver.url, types: ['v1/transactions'], secret: SECRET }));
		expect(second.id).toBe(first.id);
		expect(fake.webhookSubscriptions()).toHaveLength(1);
	});

	it("delivers a signed v1/transactions event to each subscription's callback", async () => {
		const subscription = fake.addWebhookSubscription({ callbackUrl: receiver.url, secret: SECRET });
		fake.addWebhookSubscription({ callbackUrl: 'https://cards.example/hook', types: ['v1/cards'] });
		const transaction = makeTransaction({ label: 'GRAB *RIDE', amount_cents: 1850 });
		const [result] = await fake.deliverTransactionEvent('created', transaction);
		expect(fake.webhookDeliveries()).toHaveLength(1);
		expect(result).toMatchObject({ subscriptionId: subscription.id, callbackUrl: receiver.url, status: 200, acknowledged: true });

		const [delivery] = receiver.received;
		expect(delivery.headers['content-type']).toBe('application/json');
		const payload = JSON.parse(delivery.body);
		expect(payload).toEqual({
			id: result.deliveryId,
			subscription_id: subscription.id,
			organization_id: fake.organizationId,
			membership_id: subscription.membership_id,
			type: 'v1/transactions',
			created_at: '2026-11-24T09:00:00.000Z',
			data: { event: 'created', ...transaction },
		});
		// The header, checked here with plain HMAC (not the fake's own helper): t = the fake's clock, v1 over "{t}.{body}".
		const t = Math.floor(clock.now() / 1000);
		const v1 = createHmac('sha256', SECRET).update(`${t}.${delivery.body}`).digest('hex');
		expect(delivery.headers['x-qonto-signature']).toBe(`t=${t},v1=${v1}`);
	});

	it('can forge, backdate, leave unsigned or garble a delivery, and keeps the delivery id of a retry', async () => {
		fake.addWebhookSubscription({ callbackUrl: receiver.url, secret: SECRET });
		const transaction = makeTransaction({});
		const [forged] = await fake.deliverTransactionEvent('updated', transaction, { secret: 'not-the-secret-but-long-enough-000000' });
		const [stale] = await fake.deliverTransactionEvent('updated', transaction, { timestamp: 1704110400, deliveryId: forged.deliveryId });
		const [unsigned] = await fake.deliverTransactionEvent('updated', transaction, { signed: false });
		const [garbled] = await fake.deliverTransactionEvent('updated', transaction, { signatureHeader: 'sha256=abc' });
		expect(forged.signatureHeader).not.toBe(signQontoWebhook(SECRET, Math.floor(clock.now() / 1000), forged.body));
		expect(stale.signatureHeader).toBe(signQontoWebhook(SECRET, 1704110400, stale.body));
		expect(JSON.parse(stale.body).id).toBe(forged.deliveryId);
		expect(receiver.received[2].headers).not.toHaveProperty('x-qonto-signature');
		expect(unsigned.signatureHeader).toBeNull();
		expect(receiver.received[3].headers['x-qonto-signature']).toBe('sha256=abc');
		expect(garbled.status).toBe(200);
	});

	it('counts a refused or slow (> 1 s) answer as not acknowledged, as Qonto does', async () => {
		fake.addWebhookSubscription({ callbackUrl: receiver.url, secret: SECRET });
		receiver.answer.status = 401;
		expect((await fake.deliverTransactionEvent('created', makeTransaction({})))[0]).toMatchObject({ status: 401, acknowledged: false });
		receiver.answer.status = 200;
		receiver.answer.delayMs = 1200;
		const [slow] = await fake.deliverTransactionEvent('created', makeTransaction({}));
		expect(slow).toMatchObject({ status: 200, acknowledged: false });
		expect(slow.elapsedMs).toBeGreaterThan(1000);
		const [dead] = await fake.deliverTransactionEvent('created', makeTransaction({}), { subscriptionId: fake.addWebhookSubscription({ callbackUrl: 'http://127.0.0.1:9/none' }).id });
		expect(dead).toMatchObject({ status: null, acknowledged: false, error: expect.any(String) });
	});
});

/** The organisation example of Qonto's Postman collection. */
function findOrganizationExample(): string {
	const collection = loadFixture('qonto/postman/organizations.postman_collection.json');
	const stack = [...collection.item];
	while (stack.length > 0) {
		const item = stack.shift();
		if (item.item) stack.push(...item.item);
		const ok = item.response?.find((response: { code: number }) => response.code === 200);
		if (ok) return ok.body;
	}
	throw new Error('no organisation example');
}
