import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { QontoApi } from '../../../credentials/QontoApi.credentials';
import { QontoTrigger } from '../../../nodes/QontoTrigger/QontoTrigger.node';
import { QontoFake, makeTransaction, signQontoWebhook, transactionEventPayload, type StoredWebhookSubscription } from '../../contract-fakes';
import type { Authenticate } from '../../support/executeContext';
import { createHookContext, createWebhookContext } from '../../support/triggerContext';

const trigger = new QontoTrigger();
const NOW_MS = Date.UTC(2026, 10, 24, 9, 0, 0);
const NOW = NOW_MS / 1000;
const PASTED_SECRET = 'pasted-secret-from-the-admin-0123456789';
const apiKeyParameters = { authentication: 'apiKey', events: ['created', 'updated'] };
const apiKeyCredentials = { qontoApi: { environment: 'production', login: 'acme-sas-1234', secretKey: 'k', webhookSigningSecret: PASTED_SECRET } };

/** A delivery as Qonto builds it (the contract fake's payload builder), signed with `secret` at `timestamp`. */
function delivery(event: string, options: { secret?: string; timestamp?: number; transaction?: IDataObject; type?: string } = {}) {
	const subscription = { id: 'sub-1', organization_id: 'org-1', membership_id: 'mem-1' } as StoredWebhookSubscription;
	const transaction = options.transaction ?? makeTransaction({ id: 'tx-1', label: 'GRAB *RIDE', amount_cents: 1850 });
	const payload = { ...transactionEventPayload(subscription, event, transaction, NOW_MS, 'delivery-1'), ...(options.type ? { type: options.type } : {}) };
	const rawBody = Buffer.from(JSON.stringify(payload));
	return { rawBody, transaction, header: signQontoWebhook(options.secret ?? PASTED_SECRET, options.timestamp ?? NOW, rawBody) };
}

async function run(rawBody: Buffer, headers: Record<string, string>, parameters: IDataObject = apiKeyParameters, extra: { credentials?: Record<string, IDataObject>; staticData?: IDataObject } = {}) {
	const { context, sent } = createWebhookContext({ parameters, credentials: extra.credentials ?? apiKeyCredentials, rawBody, headers, staticData: extra.staticData });
	const result = await trigger.webhook.call(context);
	return { result, sent, context };
}

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW_MS));
afterEach(() => jest.restoreAllMocks());

describe('Qonto Trigger webhook', () => {
	it('answers 200 at once and emits one item: event, organisation, the transaction as Qonto sent it', async () => {
		const { rawBody, header, transaction } = delivery('created');
		const { result, sent } = await run(rawBody, { 'x-qonto-signature': header });
		expect(sent).toEqual({ status: 200, contentType: 'text/plain', body: 'OK' });
		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData).toEqual([
			[
				{
					json: {
						event: 'created',
						organizationId: 'org-1',
						transaction,
						deliveryId: 'delivery-1',
						subscriptionId: 'sub-1',
						membershipId: 'mem-1',
						createdAt: '2026-11-24T09:00:00.000Z',
					},
				},
			],
		]);
	});

	it('verifies the raw bytes, not the parsed body (a body re-serialised differently still passes on its own bytes)', async () => {
		const rawBody = Buffer.from(`{ "type": "v1/transactions", "organization_id": "org-1", "data": { "event": "updated", "id": "tx-\\u00e9", "label": "CAF\\u00c9" } }`);
		const { result, sent } = await run(rawBody, { 'x-qonto-signature': signQontoWebhook(PASTED_SECRET, NOW, rawBody) });
		expect(sent.status).toBe(200);
		expect(result.workflowData?.[0][0].json).toMatchObject({ event: 'updated', transaction: { id: 'tx-é', label: 'CAFÉ' } });
	});

	it.each([
		['forged (another secret)', { secret: 'someone-else-s-secret-0123456789abcdef' }, 'the signature does not match'],
		['stale (signed 5 min 1 s ago)', { timestamp: NOW - 301 }, 'older than the tolerance'],
		['dated 5 min 1 s in the future', { timestamp: NOW + 301 }, 'too far in the future'],
		['unsigned', { header: null }, 'header is missing'],
		['with a malformed header', { header: 'sha256=1234' }, 'is not "t=<seconds>,v1=<hex>"'],
	])('answers 401 to a delivery %s and starts nothing', async (_label, options: { secret?: string; timestamp?: number; header?: string | null }, why) => {
		const signed = delivery('created', options);
		const header = options.header === undefined ? signed.header : options.header;
		const { result, sent, context } = await run(signed.rawBody, header === null ? {} : { 'x-qonto-signature': header });
		expect(sent).toEqual({ status: 401, contentType: 'text/plain', body: 'Invalid signature' });
		expect(result).toEqual({ noWebhookResponse: true });
		// The reason is the one named, not another failure that happens to give 401 too.
		expect(context.logger.warn).toHaveBeenCalledTimes(1);
		expect(context.logger.warn.mock.calls[0][0]).toMatch(/^Qonto Trigger refused a delivery \(401\): /);
		expect(context.logger.warn.mock.calls[0][0]).toContain(why);
	});

	it('accepts a delivery signed 5 minutes ago (the edge of the tolerance)', async () => {
		const { rawBody, header } = delivery('created', { timestamp: NOW - 300 });
		expect((await run(rawBody, { 'x-qonto-signature': header })).result.workflowData).toHaveLength(1);
	});

	it('refuses a correct signature of another body', async () => {
		const { header } = delivery('created');
		const other = delivery('created', { transaction: makeTransaction({ id: 'tx-2' }) }).rawBody;
		expect((await run(other, { 'x-qonto-signature': header })).sent.status).toBe(401);
	});

	it('refuses everything while no secret is set', async () => {
		const { rawBody, header } = delivery('created');
		const { sent, result } = await run(rawBody, { 'x-qonto-signature': header }, apiKeyParameters, { credentials: { qontoApi: { ...apiKeyCredentials.qontoApi, webhookSigningSecret: '' } } });
		expect(sent.status).toBe(401);
		expect(result.workflowData).toBeUndefined();
	});

	it('acknowledges but drops events that are not selected', async () => {
		const { rawBody, header } = delivery('updated');
		const { result, sent } = await run(rawBody, { 'x-qonto-signature': header }, { ...apiKeyParameters, events: ['created'] });
		expect(sent.status).toBe(200);
		expect(result).toEqual({ noWebhookResponse: true });
		const created = delivery('created');
		expect((await run(created.rawBody, { 'x-qonto-signature': created.header }, { ...apiKeyParameters, events: ['created'] })).result.workflowData?.[0]).toHaveLength(1);
	});

	it('acknowledges other signed webhook types without an execution, and answers 400 to signed bytes that are not JSON', async () => {
		const cards = delivery('created', { type: 'v1/cards' });
		const other = await run(cards.rawBody, { 'x-qonto-signature': cards.header });
		expect(other.sent.status).toBe(200);
		expect(other.result.workflowData).toBeUndefined();
		const garbage = Buffer.from('{not json');
		const bad = await run(garbage, { 'x-qonto-signature': signQontoWebhook(PASTED_SECRET, NOW, garbage) });
		expect(bad.sent.status).toBe(400);
		expect(bad.result.workflowData).toBeUndefined();
	});

	it('with OAuth2 and a subscription created by hand, reads the secret from the OAuth2 credential', async () => {
		const { rawBody, header } = delivery('created');
		const parameters = { authentication: 'oAuth2', subscription: 'manual', events: ['created', 'updated'] };
		const credentials = { qontoOAuth2Api: { webhookSigningSecret: PASTED_SECRET } };
		expect((await run(rawBody, { 'x-qonto-signature': header }, parameters, { credentials })).result.workflowData).toHaveLength(1);
	});

	it('when it registered its own subscription, checks with the secret in static data only (not the credential)', async () => {
		const parameters = { authentication: 'oAuth2', subscription: 'automatic', events: ['created', 'updated'] };
		const ownSecret = 'secret-the-trigger-generated-0123456789abc';
		const staticData = { subscriptions: { 'https://n8n.example/webhook/x/webhook': { id: 'sub-1', secret: ownSecret } } };
		const credentials = { qontoOAuth2Api: { webhookSigningSecret: PASTED_SECRET } };
		const own = delivery('created', { secret: ownSecret });
		expect((await run(own.rawBody, { 'x-qonto-signature': own.header }, parameters, { credentials, staticData })).result.workflowData).toHaveLength(1);
		const pasted = delivery('created');
		expect((await run(pasted.rawBody, { 'x-qonto-signature': pasted.header }, parameters, { credentials, staticData })).sent.status).toBe(401);
		// Not registered (yet): nothing can be verified.
		expect((await run(own.rawBody, { 'x-qonto-signature': own.header }, parameters, { credentials, staticData: {} })).sent.status).toBe(401);
	});
});

describe('Qonto Trigger credential reads (cached per credential id)', () => {
	// The cache lives for the process: every test uses credential ids of its own.
	let nextId = 0;
	const freshId = () => `qonto-cred-${++nextId}`;

	/** The credential as stored in n8n, which the test can change (an admin pasting a new secret). */
	const storedCredential = () => ({ data: { ...apiKeyCredentials.qontoApi }, reads: 0 });

	async function deliver(store: ReturnType<typeof storedCredential>, credentialId: string, signed: { rawBody: Buffer; header: string }) {
		const { context, sent } = createWebhookContext({ parameters: apiKeyParameters, rawBody: signed.rawBody, headers: { 'x-qonto-signature': signed.header }, credentialIds: { qontoApi: credentialId } });
		context.getCredentials.mockImplementation((async () => {
			store.reads++;
			await Promise.resolve();
			return { ...store.data };
		}) as never);
		const result = await trigger.webhook.call(context);
		return { result, sent };
	}

	it('a burst of deliveries reads the credential once', async () => {
		const store = storedCredential();
		const credentialId = freshId();
		const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(store, credentialId, delivery('created'))));
		expect(answers.map(({ sent }) => sent.status)).toEqual(Array(20).fill(200));
		expect(store.reads).toBe(1);
	});

	it('picks up a signing secret changed in n8n at once, and still refuses a forged delivery after one more read', async () => {
		const store = storedCredential();
		const credentialId = freshId();
		expect((await deliver(store, credentialId, delivery('created'))).sent.status).toBe(200);
		const rotatedSecret = 'rotated-secret-from-the-admin-0123456789';
		store.data.webhookSigningSecret = rotatedSecret;
		expect((await deliver(store, credentialId, delivery('created', { secret: rotatedSecret }))).result.workflowData).toHaveLength(1);
		expect(store.reads).toBe(2);
		const forged = await Promise.all(Array.from({ length: 10 }, () => deliver(store, credentialId, delivery('created', { secret: 'someone-else-s-secret-0123456789abcdef' }))));
		expect(forged.map(({ sent }) => sent.status)).toEqual(Array(10).fill(401));
		expect(store.reads).toBe(3);
	});

	it('a stale or unsigned delivery is refused without a second read (the secret cannot change that)', async () => {
		const store = storedCredential();
		const credentialId = freshId();
		expect((await deliver(store, credentialId, delivery('created', { timestamp: NOW - 301 }))).sent.status).toBe(401);
		expect((await deliver(store, credentialId, { rawBody: delivery('created').rawBody, header: 'sha256=1234' })).sent.status).toBe(401);
		expect(store.reads).toBe(1);
	});

	it('a secret pasted after the first deliveries were refused for lack of one is used at once', async () => {
		const store = storedCredential();
		store.data.webhookSigningSecret = '';
		const credentialId = freshId();
		expect((await deliver(store, credentialId, delivery('created'))).sent.status).toBe(401);
		store.data.webhookSigningSecret = PASTED_SECRET;
		expect((await deliver(store, credentialId, delivery('created'))).sent.status).toBe(200);
	});
});

describe('Qonto Trigger subscription (OAuth2, against the Qonto contract fake)', () => {
	const fake = new QontoFake();
	const PRODUCTION_URL = 'https://n8n.example.com/webhook/3f0e/webhook';
	const TEST_URL = 'https://n8n.example.com/webhook-test/3f0e/webhook';
	const automatic = { authentication: 'oAuth2', subscription: 'automatic', events: ['created', 'updated'] };
	let tokens: IDataObject;
	const credentials = (scopes = ['webhook', 'organization.read', 'offline_access']) => {
		tokens = fake.issueTokens({ scopes });
		return {
			qontoOAuth2Api: {
				environment: 'production',
				baseUrl: fake.url,
				clientId: 'fake-qonto-client-id',
				clientSecret: 'fake-qonto-client-secret',
				accessTokenUrl: `${fake.url}/oauth2/token`,
				oauthTokenData: tokens,
			},
		};
	};
	const hook = (options: { staticData?: IDataObject; webhookUrl?: string; parameters?: IDataObject; scopes?: string[]; creds?: Record<string, IDataObject> } = {}) =>
		createHookContext({
			parameters: options.parameters ?? automatic,
			credentials: options.creds ?? credentials(options.scopes),
			authenticate: { qontoApi: new QontoApi().authenticate as Authenticate },
			webhookUrl: options.webhookUrl ?? PRODUCTION_URL,
			staticData: options.staticData,
			node: { name: 'Qonto Trigger', type: 'n8n-nodes-qonto-whatsapp.qontoTrigger', parameters: (options.parameters ?? automatic) as INodeParameters },
		});
	const methods = trigger.webhookMethods.default;
	/** Someone removes every subscription in Qonto (the tokens stay valid). */
	const removeAllAtQonto = async () => {
		for (const subscription of fake.webhookSubscriptions()) {
			const response = await fetch(`${fake.url}/v2/webhook_subscriptions/${subscription.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${String(tokens.access_token)}` } });
			expect(response.status).toBe(204);
		}
		expect(fake.webhookSubscriptions()).toEqual([]);
	};

	beforeAll(() => fake.start());
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	it('registers this URL for v1/transactions with a random secret kept in static data, and Qonto signs with that secret', async () => {
		const { context, staticData } = hook();
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(await methods.create.call(context)).toBe(true);

		const [subscription] = fake.webhookSubscriptions();
		expect(subscription).toMatchObject({ callback_url: PRODUCTION_URL, types: ['v1/transactions'], description: 'n8n Qonto Trigger, workflow "Receipts: transactions"' });
		expect(subscription.secret.length).toBeGreaterThanOrEqual(32);
		expect(subscription.secret.length).toBeLessThanOrEqual(64);
		expect(staticData).toEqual({ subscriptions: { [PRODUCTION_URL]: { id: subscription.id, secret: subscription.secret } } });
		const [request] = fake.requests({ route: 'webhook_subscriptions.create' });
		expect(request.headers.authorization).toBe(`Bearer ${tokens.access_token}`);
		expect(request.headers['x-qonto-idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);

		// A delivery Qonto signs with the subscription's secret passes the webhook with this static data.
		const payload = transactionEventPayload(subscription, 'created', makeTransaction({ id: 'tx-9' }), NOW_MS);
		const rawBody = Buffer.from(JSON.stringify(payload));
		const { result } = await run(rawBody, { 'x-qonto-signature': signQontoWebhook(subscription.secret, NOW, rawBody) }, automatic, { staticData, credentials: {} });
		expect(result.workflowData?.[0][0].json).toMatchObject({ event: 'created', organizationId: fake.organizationId, transaction: { id: 'tx-9' } });

		expect(await methods.checkExists.call(context)).toBe(true);
	});

	it('a new secret per registration: two activations never share one', async () => {
		const first = hook();
		await methods.create.call(first.context);
		const second = hook({ webhookUrl: 'https://other.example.com/webhook/aa/webhook' });
		await methods.create.call(second.context);
		const [a, b] = fake.webhookSubscriptions();
		expect(a.secret).not.toBe(b.secret);
	});

	it('removes its subscription on deactivation, and forgets it; already gone at Qonto counts as removed', async () => {
		const { context, staticData } = hook();
		await methods.create.call(context);
		const { id } = fake.webhookSubscriptions()[0];
		expect(await methods.delete.call(context)).toBe(true);
		expect(fake.webhookSubscriptions()).toEqual([]);
		expect(fake.requests({ route: 'webhook_subscriptions.delete' }).map((request) => request.path)).toEqual([`/v2/webhook_subscriptions/${id}`]);
		expect(staticData).toEqual({ subscriptions: {} });

		await methods.create.call(context);
		await removeAllAtQonto();
		expect(await methods.delete.call(context)).toBe(true);
		expect(staticData).toEqual({ subscriptions: {} });
	});

	it('registers again when the stored subscription no longer exists at Qonto, or was pointed elsewhere', async () => {
		const { context, staticData } = hook();
		await methods.create.call(context);
		await removeAllAtQonto();
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(staticData).toEqual({ subscriptions: {} });

		await methods.create.call(context);
		const { id } = fake.webhookSubscriptions()[0];
		const moved = await fetch(`${fake.url}/v2/webhook_subscriptions/${id}`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ callback_url: 'https://somewhere.else/hook' }),
		});
		expect(moved.status).toBe(200);
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(fake.webhookSubscriptions()).toEqual([]);
	});

	it('replaces a left-over subscription to the same URL (static data lost) but leaves other subscriptions alone', async () => {
		await methods.create.call(hook().context);
		const other = hook({ webhookUrl: 'https://n8n.example.com/webhook/other/webhook' });
		await methods.create.call(other.context);
		const [leftOver, kept] = fake.webhookSubscriptions();

		const fresh = hook({ staticData: {} });
		expect(await methods.checkExists.call(fresh.context)).toBe(false);
		await methods.create.call(fresh.context);
		const ids = fake.webhookSubscriptions().map((subscription) => subscription.id);
		expect(ids).not.toContain(leftOver.id);
		expect(ids).toContain(kept.id);
		expect(ids).toHaveLength(2);
	});

	it("keeps the editor's test URL and the production URL apart", async () => {
		const staticData: IDataObject = {};
		await methods.create.call(hook({ staticData }).context);
		const test = hook({ staticData, webhookUrl: TEST_URL });
		expect(await methods.checkExists.call(test.context)).toBe(false);
		await methods.create.call(test.context);
		await methods.delete.call(test.context);
		expect(fake.webhookSubscriptions().map((subscription) => subscription.callback_url)).toEqual([PRODUCTION_URL]);
		expect(Object.keys(staticData.subscriptions as IDataObject)).toEqual([PRODUCTION_URL]);
	});

	it('without the webhook scope, activation fails with what to do', async () => {
		const { context, staticData } = hook({ scopes: ['organization.read', 'offline_access'] });
		const error = await methods.create.call(context).then(
			() => undefined,
			(thrown: unknown) => thrown,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).context.reason).toBe('qonto_missing_scope');
		expect((error as NodeApiError).description).toMatch(/Allow Webhook Subscriptions/);
		expect(staticData.subscriptions ?? {}).toEqual({});
		expect(fake.webhookSubscriptions()).toEqual([]);
	});

	it('with a subscription created by hand, or an API key, never calls Qonto', async () => {
		for (const parameters of [{ ...automatic, subscription: 'manual' }, apiKeyParameters]) {
			const creds = parameters.authentication === 'apiKey' ? { qontoApi: { login: 'acme-sas-1234', secretKey: 'k', baseUrl: fake.url } } : undefined;
			const { context, calls, staticData } = hook({ parameters, creds });
			expect(await methods.checkExists.call(context)).toBe(true);
			expect(await methods.create.call(context)).toBe(true);
			expect(await methods.delete.call(context)).toBe(true);
			expect(calls).toEqual([]);
			expect(staticData).toEqual({});
		}
	});

	it('retries a create that Qonto answered 503, without creating two subscriptions', async () => {
		fake.failNext('webhook_subscriptions.create', 503);
		const { context } = hook();
		await methods.create.call(context);
		expect(fake.requests({ route: 'webhook_subscriptions.create' }).map((request) => request.status)).toEqual([503, 201]);
		const keys = fake.requests({ route: 'webhook_subscriptions.create' }).map((request) => request.headers['x-qonto-idempotency-key']);
		expect(new Set(keys).size).toBe(1);
		expect(fake.webhookSubscriptions()).toHaveLength(1);
	});
});

describe('Qonto Trigger description', () => {
	const { description } = trigger;

	it('is a POST webhook trigger answering on receipt, with both Qonto credentials', () => {
		expect(description).toMatchObject({ name: 'qontoTrigger', displayName: 'Qonto Trigger', group: ['trigger'], inputs: [], version: [1, 2], defaultVersion: 2 });
		expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }]);
		expect(description.credentials?.map((credential) => [credential.name, credential.displayOptions?.show?.authentication])).toEqual([
			['qontoApi', ['apiKey']],
			['qontoOAuth2Api', ['oAuth2']],
		]);
		expect(description.usableAsTool).toBeUndefined();
	});

	it('passes created and updated by default', () => {
		const events = description.properties.find((property) => property.name === 'events');
		expect(events).toMatchObject({ type: 'multiOptions', default: ['created', 'updated'] });
		expect(events?.options?.map((option) => ('value' in option ? option.value : null))).toEqual(['created', 'updated']);
	});

	it('is registered in package.json with a codex file', () => {
		const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { n8n: { nodes: string[] } };
		expect(pkg.n8n.nodes).toContain('dist/nodes/QontoTrigger/QontoTrigger.node.js');
		const codex = JSON.parse(readFileSync(join(__dirname, '../../../nodes/QontoTrigger/QontoTrigger.node.json'), 'utf8')) as { node: string };
		expect(codex.node).toBe('n8n-nodes-qonto-whatsapp.qontoTrigger');
	});
});
