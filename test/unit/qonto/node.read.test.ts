/**
 * The Qonto node's read operations against the Qonto contract fake (real HTTP on 127.0.0.1): requests as recorded
 * by the fake (method, path, query, headers), pagination, retries, the sandbox HTML trap and OAuth2.
 */
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return { ...actual, sleep: jest.fn(async () => undefined) };
});

import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { QontoFake } from '../../contract-fakes/qonto';
import { makeTransaction, ORGANIZATION_ID } from '../../contract-fakes/qontoData';
import { runNode, runNodeExpectingError } from './harness';

const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

const fake = new QontoFake();
let apiKey: IDataObject;

beforeAll(async () => {
	await fake.start();
	apiKey = { environment: 'production', login: fake.login, secretKey: fake.secretKey, baseUrl: fake.url };
});
afterAll(async () => await fake.stop());
beforeEach(() => {
	fake.reset();
	sleepMock.mockClear();
});

const MAIN = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const EXTERNAL = 'b7e2f4a1-6c3d-4e8f-9a0b-1c2d3e4f5a6b';
const credentials = () => ({ qontoApi: apiKey });

describe('authentication', () => {
	it('sends the API key as "login:secret-key" (not Basic, not base64) and no staging token in production', async () => {
		await runNode({ parameters: { resource: 'organization', operation: 'get' }, credentials: credentials() });
		const [request] = fake.requests();
		expect(request.headers.authorization).toBe(`${fake.login}:${fake.secretKey}`);
		expect(request.headers.authorization).not.toMatch(/^Basic /);
		expect(request.headers['x-qonto-staging-token']).toBeUndefined();
		expect(request.headers.accept).toBe('application/json');
	});

	it('reports a wrong secret key as a credential problem, without retrying', async () => {
		const { error } = await runNodeExpectingError({
			parameters: { resource: 'organization', operation: 'get' },
			credentials: { qontoApi: { ...apiKey, secretKey: 'wrong' } },
		});
		expect(fake.requests()).toHaveLength(1);
		expect(error.message).toBe('Qonto refused the request (HTTP 401): Invalid credentials (unauthorized)');
		expect(error.description).toMatch(/Check the login and secret key/);
		expect(error.description).toMatch(/Qonto trace id: [0-9a-f]{32}/);
		expect(error.context.reason).toBe('qonto_unauthorized');
	});
});

describe('Organization > Get', () => {
	it('returns the organization with its Qonto bank accounts only by default', async () => {
		const { output } = await runNode({ parameters: { resource: 'organization', operation: 'get' }, credentials: credentials() });
		const [request] = fake.requests();
		expect(request).toMatchObject({ method: 'GET', path: '/v2/organization', rawUrl: '/v2/organization' });
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ id: ORGANIZATION_ID, name: 'ACME SAS' });
		expect((output[0].json.bank_accounts as unknown[]).length).toBe(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('includes the connected external accounts on request', async () => {
		const { output } = await runNode({ parameters: { resource: 'organization', operation: 'get', includeExternalAccounts: true }, credentials: credentials() });
		expect(fake.requests()[0].rawUrl).toBe('/v2/organization?include_external_accounts=true');
		expect((output[0].json.bank_accounts as Array<{ id: string }>).map((account) => account.id)).toEqual([MAIN, EXTERNAL]);
	});
});

describe('Transaction > Get', () => {
	it('gets one transaction by id with includes[]', async () => {
		const [transaction] = fake.transactions();
		const { output } = await runNode({
			parameters: { resource: 'transaction', operation: 'get', transactionId: transaction.id, includes: ['attachments', 'labels'] },
			credentials: credentials(),
		});
		expect(fake.requests()[0].rawUrl).toBe(`/v2/transactions/${transaction.id}?includes[]=attachments&includes[]=labels`);
		expect(output[0].json).toMatchObject({ id: transaction.id, amount_cents: 43, attachments: [], labels: expect.any(Array) });
	});

	it('explains a 404 whose errors come as a single object', async () => {
		const { error } = await runNodeExpectingError({
			parameters: { resource: 'transaction', operation: 'get', transactionId: 'no-such-id' },
			credentials: credentials(),
		});
		expect(error.message).toBe('Qonto refused the request (HTTP 404): Transaction no-such-id not found (not_found) at id');
		expect(error.context.reason).toBe('qonto_not_found');
		expect(error.httpCode).toBe('404');
	});
});

describe('Transaction > Get Many', () => {
	function seed() {
		fake.setTransactions([
			makeTransaction({ id: 't-main-1', bank_account_id: MAIN, amount_cents: 1250, emitted_at: '2026-03-09T12:00:00.000Z', settled_at: '2026-03-10T08:00:00.000Z', status: 'completed', side: 'debit' }),
			makeTransaction({ id: 't-main-2', bank_account_id: MAIN, amount_cents: 990, emitted_at: '2026-03-11T09:00:00.000Z', status: 'pending', side: 'debit' }),
			makeTransaction({ id: 't-main-3', bank_account_id: MAIN, amount_cents: 5000, emitted_at: '2026-01-01T09:00:00.000Z', settled_at: '2026-01-02T09:00:00.000Z', status: 'completed', side: 'credit' }),
			makeTransaction({ id: 't-main-4', bank_account_id: MAIN, amount_cents: 700, emitted_at: '2026-03-12T09:00:00.000Z', settled_at: '2026-03-12T10:00:00.000Z', status: 'declined', side: 'debit' }),
			makeTransaction({ id: 't-ext-1', bank_account_id: EXTERNAL, amount_cents: 4200, emitted_at: '2026-03-10T18:00:00.000Z', settled_at: '2026-03-11T08:00:00.000Z', status: 'completed', side: 'debit' }),
		]);
	}

	it('lists every account, external ones included, with completed + pending by default, one item per transaction', async () => {
		seed();
		const { output } = await runNode({ parameters: { resource: 'transaction', operation: 'getMany', returnAll: true }, credentials: credentials() });
		const requests = fake.requests();
		expect(requests.map((request) => request.rawUrl)).toEqual([
			'/v2/organization?include_external_accounts=true',
			`/v2/transactions?bank_account_id=${MAIN}&status[]=completed&status[]=pending&page=1&per_page=100`,
			`/v2/transactions?bank_account_id=${EXTERNAL}&status[]=completed&status[]=pending&page=1&per_page=100`,
		]);
		// Merged like Qonto sorts one account (settled_at desc, pending without settled_at last).
		expect(output.map((item) => item.json.id)).toEqual(['t-ext-1', 't-main-1', 't-main-3', 't-main-2']);
		expect(output.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('leaves external accounts out when asked, and lists selected accounts by ID or IBAN without asking for the organization', async () => {
		seed();
		await runNode({ parameters: { resource: 'transaction', operation: 'getMany', returnAll: true, includeExternalAccounts: false }, credentials: credentials() });
		expect(fake.requests().map((request) => request.rawUrl)).toEqual([
			'/v2/organization',
			`/v2/transactions?bank_account_id=${MAIN}&status[]=completed&status[]=pending&page=1&per_page=100`,
		]);
		fake.clearRequests();
		const { output } = await runNode({
			parameters: { resource: 'transaction', operation: 'getMany', returnAll: true, bankAccountScope: 'selected', bankAccounts: 'DE89 3704 0044 0532 0130 00' },
			credentials: credentials(),
		});
		expect(fake.requests().map((request) => request.rawUrl)).toEqual(['/v2/transactions?iban=DE89370400440532013000&status[]=completed&status[]=pending&page=1&per_page=100']);
		expect(output.map((item) => item.json.id)).toEqual(['t-ext-1']);
	});

	it('sends every filter the way Qonto reads them', async () => {
		seed();
		await runNode({
			parameters: {
				resource: 'transaction',
				operation: 'getMany',
				returnAll: false,
				limit: 10,
				bankAccountScope: 'selected',
				bankAccounts: [MAIN],
				statuses: ['completed', 'declined'],
				filters: {
					side: 'debit',
					withAttachments: 'without',
					includes: ['attachments', 'vat_details'],
					sortBy: 'emitted_at:asc',
					settledAtFrom: '2026-03-01T00:00:00.000Z',
					settledAtTo: '2026-03-31T23:59:59.000Z',
					updatedAtFrom: '2020-01-01T00:00:00.000Z',
					operationTypes: 'card, transfer',
				},
			},
			credentials: credentials(),
		});
		const [request] = fake.requests();
		expect(request.status).toBe(200);
		expect(request.query).toEqual({
			bank_account_id: MAIN,
			'status[]': ['completed', 'declined'],
			side: 'debit',
			'operation_type[]': ['card', 'transfer'],
			settled_at_from: '2026-03-01T00:00:00.000Z',
			settled_at_to: '2026-03-31T23:59:59.000Z',
			updated_at_from: '2020-01-01T00:00:00.000Z',
			with_attachments: 'false',
			'includes[]': ['attachments', 'vat_details'],
			sort_by: 'emitted_at:asc',
			page: '1',
			per_page: '10',
		});
	});

	it('pages through 3 pages (meta.next_page) when returning all', async () => {
		fake.setTransactions(
			Array.from({ length: 250 }, (_, index) =>
				makeTransaction({ id: `t-${String(index).padStart(3, '0')}`, bank_account_id: MAIN, emitted_at: new Date(Date.UTC(2026, 0, 1) + index * 3600_000).toISOString(), status: 'completed' }),
			),
		);
		const { output } = await runNode({
			parameters: { resource: 'transaction', operation: 'getMany', returnAll: true, bankAccountScope: 'selected', bankAccounts: [MAIN] },
			credentials: credentials(),
		});
		const requests = fake.requests({ route: 'transactions.list' });
		expect(requests.map((request) => [request.query.page, request.query.per_page])).toEqual([
			['1', '100'],
			['2', '100'],
			['3', '100'],
		]);
		expect(output).toHaveLength(250);
		expect(new Set(output.map((item) => item.json.id)).size).toBe(250);
	});

	it('stops at the limit without asking for further pages', async () => {
		fake.setTransactions(Array.from({ length: 250 }, (_, index) => makeTransaction({ id: `t-${index}`, bank_account_id: MAIN, status: 'completed' })));
		const { output } = await runNode({
			parameters: { resource: 'transaction', operation: 'getMany', returnAll: false, limit: 130, bankAccountScope: 'selected', bankAccounts: [MAIN] },
			credentials: credentials(),
		});
		expect(fake.requests({ route: 'transactions.list' }).map((request) => request.query.page)).toEqual(['1', '2']);
		expect(output).toHaveLength(130);
	});

	it('lists a window around a date as ONE item {transactions} for the matcher', async () => {
		seed();
		const items = [{ json: { date: '2026-03-10', messageId: 'wamid.A' } }, { json: { date: '2026-01-02', messageId: 'wamid.B' } }];
		const { output } = await runNode({
			items,
			parameters: (itemIndex) => ({
				resource: 'transaction',
				operation: 'getMany',
				returnAll: true,
				useDateWindow: true,
				windowDate: items[itemIndex].json.date,
				windowDaysBefore: 1,
				windowDaysAfter: 1,
				output: 'single',
			}),
			credentials: credentials(),
		});
		const windows = fake.requests({ route: 'transactions.list' }).map((request) => [request.query.emitted_at_from, request.query.emitted_at_to]);
		expect(windows).toEqual([
			['2026-03-09T00:00:00.000Z', '2026-03-11T23:59:59.999Z'],
			['2026-03-09T00:00:00.000Z', '2026-03-11T23:59:59.999Z'],
			['2026-01-01T00:00:00.000Z', '2026-01-03T23:59:59.999Z'],
			['2026-01-01T00:00:00.000Z', '2026-01-03T23:59:59.999Z'],
		]);
		// The organization is read once per execution, not once per item.
		expect(fake.requests({ route: 'organization' })).toHaveLength(1);
		expect(output).toHaveLength(2);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json).toMatchObject({ count: 3, bankAccounts: [MAIN, EXTERNAL], window: { emittedAtFrom: '2026-03-09T00:00:00.000Z' } });
		expect((output[0].json.transactions as Array<{ id: string }>).map((transaction) => transaction.id).sort()).toEqual(['t-ext-1', 't-main-1', 't-main-2']);
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect((output[1].json.transactions as Array<{ id: string }>).map((transaction) => transaction.id)).toEqual(['t-main-3']);
	});

	it('keeps the input fields and file next to the transactions when asked, without changing the input item', async () => {
		seed();
		const file = { data: Buffer.from('%PDF-1.4').toString('base64'), mimeType: 'application/pdf', fileName: 'receipt.pdf' };
		const items = [{ json: { document: { date: '2026-03-10', totalAmountCents: 4200 }, messageId: 'wamid.A' }, binary: { data: file } }];
		const { output } = await runNode({
			items,
			parameters: { resource: 'transaction', operation: 'getMany', returnAll: true, useDateWindow: true, windowDate: '2026-03-10', output: 'single', includeInputFields: true },
			credentials: credentials(),
		});
		expect(output[0].json).toMatchObject({ document: { totalAmountCents: 4200 }, messageId: 'wamid.A', count: 3 });
		expect(output[0].binary).toEqual({ data: file });
		expect(items[0].json).toEqual({ document: { date: '2026-03-10', totalAmountCents: 4200 }, messageId: 'wamid.A' });
	});

	it('refuses a window date that is not a date, per item with continueOnFail', async () => {
		const { output } = await runNode({
			parameters: { resource: 'transaction', operation: 'getMany', useDateWindow: true, windowDate: 'last tuesday', output: 'single' },
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(output).toEqual([{ json: { error: '"last tuesday" is not a date', details: expect.objectContaining({ reason: 'invalid_date' }) }, pairedItem: { item: 0 } }]);
		expect(fake.requests()).toHaveLength(0);
	});
});

describe('retries', () => {
	it('waits as Retry-After says after a 429, then succeeds', async () => {
		fake.failNext('organization', 429, { retryAfter: 2 });
		const { output } = await runNode({ parameters: { resource: 'organization', operation: 'get' }, credentials: credentials() });
		expect(fake.requests().map((request) => request.status)).toEqual([429, 200]);
		expect(sleepMock.mock.calls).toEqual([[2000]]);
		expect(output[0].json.id).toBe(ORGANIZATION_ID);
	});

	it('backs off exponentially without Retry-After: 500, 500, then success', async () => {
		fake.failNext('organization', 500, { times: 2 });
		await runNode({ parameters: { resource: 'organization', operation: 'get' }, credentials: credentials() });
		expect(fake.requests().map((request) => request.status)).toEqual([500, 500, 200]);
		expect(sleepMock.mock.calls).toEqual([[1000], [2000]]);
	});

	it('gives a clear error after a 500 three times', async () => {
		fake.failNext('organization', 500, { times: 3 });
		const { error } = await runNodeExpectingError({ parameters: { resource: 'organization', operation: 'get' }, credentials: credentials() });
		const requests = fake.requests();
		expect(requests.map((request) => request.status)).toEqual([500, 500, 500]);
		expect(error.message).toBe('Qonto refused the request (HTTP 500): Internal server error (internal_server_error) (after 3 attempts)');
		expect(error.description).toMatch(/Qonto had a temporary problem/);
		expect(error.description).toContain('Qonto trace id: ');
		expect(error.httpCode).toBe('500');
		expect(error.context).toMatchObject({ reason: 'qonto_server_error', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
	});

	it('retries a dropped connection (no HTTP answer)', async () => {
		fake.dropNext('memberships.list');
		const { output } = await runNode({ parameters: { resource: 'membership', operation: 'getMany', returnAll: true }, credentials: credentials() });
		expect(fake.requests({ route: 'memberships.list' })).toHaveLength(2);
		expect(output).toHaveLength(1);
	});

	it('does not retry a 4xx and names the parameter Qonto blames', async () => {
		const { error } = await runNodeExpectingError({
			parameters: { resource: 'transaction', operation: 'getMany', bankAccountScope: 'selected', bankAccounts: ['no-such-account'] },
			credentials: credentials(),
		});
		expect(fake.requests()).toHaveLength(1);
		expect(error.message).toBe('Qonto refused the request (HTTP 404): Bank account not found (not_found) at bank_account_id');
	});
});

describe('sandbox', () => {
	const sandbox = new QontoFake({ stagingToken: 'staging-token-123' });
	beforeAll(async () => await sandbox.start());
	afterAll(async () => await sandbox.stop());
	beforeEach(() => sandbox.reset());

	const sandboxCredentials = (stagingToken: string) => ({
		qontoApi: { environment: 'sandbox', login: sandbox.login, secretKey: sandbox.secretKey, baseUrl: sandbox.url, stagingToken },
	});

	it('sends X-Qonto-Staging-Token on every call', async () => {
		await runNode({ parameters: { resource: 'transaction', operation: 'getMany', returnAll: true }, credentials: sandboxCredentials('staging-token-123') });
		expect(sandbox.requests().length).toBe(3);
		expect(sandbox.requests().every((request) => request.headers['x-qonto-staging-token'] === 'staging-token-123' && request.status === 200)).toBe(true);
	});

	it('reports the 200 HTML page of a sandbox without a staging token as such, without retrying', async () => {
		const { error } = await runNodeExpectingError({ parameters: { resource: 'organization', operation: 'get' }, credentials: sandboxCredentials('') });
		expect(sandbox.requests()).toHaveLength(1);
		expect(sandbox.requests()[0].status).toBe(200);
		expect(error.message).toBe('Qonto answered with an HTML page instead of JSON (HTTP 200)');
		expect(error.description).toMatch(/without the X-Qonto-Staging-Token header: enter the staging token/);
		expect(error.context.reason).toBe('qonto_html_instead_of_json');
	});

	it('says the staging token is wrong when one was sent', async () => {
		const { error } = await runNodeExpectingError({ parameters: { resource: 'organization', operation: 'get' }, credentials: sandboxCredentials('stale') });
		expect(error.description).toMatch(/wrong or expired/);
	});
});

describe('Membership', () => {
	it('Get Many pages through all members', async () => {
		fake.setMemberships(Array.from({ length: 230 }, (_, index) => ({ id: `m-${index}`, first_name: `First ${index}`, last_name: 'Last', role: 'employee', status: 'active' })));
		const { output } = await runNode({ parameters: { resource: 'membership', operation: 'getMany', returnAll: true }, credentials: credentials() });
		expect(fake.requests().map((request) => request.rawUrl)).toEqual([
			'/v2/memberships?page=1&per_page=100',
			'/v2/memberships?page=2&per_page=100',
			'/v2/memberships?page=3&per_page=100',
		]);
		expect(output).toHaveLength(230);
	});

	it('Get Current with an API key fails clearly (OAuth2 only)', async () => {
		const { error } = await runNodeExpectingError({ parameters: { resource: 'membership', operation: 'getCurrent' }, credentials: credentials() });
		expect(error.message).toBe('Qonto refused the request (HTTP 403): This endpoint requires OAuth 2.0 (scope membership.read) (forbidden)');
		expect(error.context.reason).toBe('qonto_forbidden');
	});
});

describe('OAuth2', () => {
	function oauthCredentials(scopes: string[], extra: Record<string, unknown> = {}) {
		const tokens = fake.issueTokens({ scopes });
		return {
			qontoOAuth2Api: {
				environment: 'production',
				baseUrl: fake.url,
				clientId: 'fake-qonto-client-id',
				clientSecret: 'fake-qonto-client-secret',
				accessTokenUrl: `${fake.url}/oauth2/token`,
				authentication: 'body',
				oauthTokenData: tokens,
				...extra,
			},
		};
	}
	const ALL_SCOPES = ['organization.read', 'attachment.write', 'supplier_invoice.write', 'supplier_invoice.read', 'membership.read', 'offline_access'];

	it('Get Current returns the authenticated user with phone number, signed with the bearer token', async () => {
		const creds = oauthCredentials(ALL_SCOPES);
		const { output } = await runNode({ parameters: { authentication: 'oAuth2', resource: 'membership', operation: 'getCurrent' }, credentials: creds });
		const [request] = fake.requests();
		expect(request.path).toBe('/v2/membership');
		expect(request.headers.authorization).toBe(`Bearer ${(creds.qontoOAuth2Api.oauthTokenData as { access_token: string }).access_token}`);
		expect(output[0].json).toMatchObject({ phone_number: '+49123456789', email: 'batman@dc-comics.com' });
	});

	it('lets n8n refresh an expired access token (the 401 is not swallowed) and retries the call', async () => {
		const creds = oauthCredentials(ALL_SCOPES);
		fake.expireAccessTokens();
		const { output, harness } = await runNode({ parameters: { authentication: 'oAuth2', resource: 'organization', operation: 'get' }, credentials: creds });
		expect(fake.requests().map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
			'GET /v2/organization 401',
			'POST /oauth2/token 200',
			'GET /v2/organization 200',
		]);
		expect(fake.requests()[1].form).toMatchObject({ grant_type: 'refresh_token', client_id: 'fake-qonto-client-id' });
		expect(output[0].json.id).toBe(ORGANIZATION_ID);
		expect((harness.credentials.qontoOAuth2Api.oauthTokenData as { access_token: string }).access_token).not.toBe((creds.qontoOAuth2Api.oauthTokenData as { access_token: string }).access_token);
	});

	it('asks to reconnect when even the refresh fails', async () => {
		const creds = oauthCredentials(ALL_SCOPES);
		(creds.qontoOAuth2Api.oauthTokenData as { refresh_token: string }).refresh_token = 'revoked';
		fake.expireAccessTokens();
		const { error } = await runNodeExpectingError({ parameters: { authentication: 'oAuth2', resource: 'organization', operation: 'get' }, credentials: creds });
		expect(error.message).toMatch(/^Qonto refused the OAuth2 access token \(HTTP 400\), also after n8n tried to refresh it/);
		expect(error.description).toMatch(/Reconnect the Qonto OAuth2 credential/);
		expect(error.context.reason).toBe('qonto_unauthorized');
	});

	it('names a missing scope', async () => {
		const { error } = await runNodeExpectingError({
			parameters: { authentication: 'oAuth2', resource: 'supplierInvoice', operation: 'getMany' },
			credentials: oauthCredentials(['organization.read', 'offline_access']),
		});
		expect(error.context.reason).toBe('qonto_missing_scope');
		expect(error.message).toContain('missing required oauth scope: supplier_invoice.read');
	});

	it('adds the staging token to every API call in the sandbox', async () => {
		const sandbox = await new QontoFake({ stagingToken: 'st-oauth' }).start();
		try {
			const tokens = sandbox.issueTokens({ scopes: ALL_SCOPES });
			await runNode({
				parameters: { authentication: 'oAuth2', resource: 'membership', operation: 'getCurrent' },
				credentials: { qontoOAuth2Api: { environment: 'sandbox', stagingToken: 'st-oauth', baseUrl: sandbox.url, oauthTokenData: tokens } },
			});
			expect(sandbox.requests()[0]).toMatchObject({ status: 200, headers: expect.objectContaining({ 'x-qonto-staging-token': 'st-oauth' }) });
		} finally {
			await sandbox.stop();
		}
	});
});
