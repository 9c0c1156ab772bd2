// The Qonto Trigger in a real n8n, with the Qonto contract fake delivering v1/transactions events over HTTP:
//  - a subscription created by hand, its secret pasted into the API-key credential: a signed delivery runs the
//    workflow once with the transaction; forged, stale and unsigned deliveries get 401 and run nothing;
//  - OAuth2 with the webhook scope: activating the workflow registers the subscription at Qonto (the fake), Qonto's
//    deliveries signed with the secret n8n generated run the workflow, deactivating removes the subscription.
import { QontoFake, makeTransaction, type DeliveryResult } from '../contract-fakes';
import { nodeOutput, startN8n, type N8nInstance, type WorkflowJson } from '../harness';
import { pollUntil } from '../harness/util';

jest.setTimeout(300_000);

const PACKAGE = 'n8n-nodes-qonto-whatsapp';
const PASTED_SECRET = 'e2e-pasted-signing-secret-0123456789abcdef';
const API_KEY_CREDENTIAL = { id: 'QontoTrigApiKey01', name: 'Qonto API key (trigger)' };
const OAUTH_CREDENTIAL = { id: 'QontoTrigOAuth201', name: 'Qonto OAuth2 (trigger)' };

/** Qonto Trigger → Received (a NoOp); with `slow`, a 3-second Wait between them, so "answered before the work" shows. */
function triggerWorkflow(id: string, parameters: Record<string, unknown>, credentials: Record<string, { id: string; name: string }>, webhookId: string, slow = false): WorkflowJson {
	const trigger = { name: 'Qonto Trigger', type: `${PACKAGE}.qontoTrigger`, typeVersion: 1, webhookId, parameters, credentials };
	const received = { name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
	if (!slow) {
		return { id, name: `Qonto Trigger e2e (${id})`, nodes: [trigger, received], connections: { 'Qonto Trigger': { main: [[{ node: 'Received', type: 'main', index: 0 }]] } }, settings: { executionOrder: 'v1' } };
	}
	const work = { name: 'Work', type: 'n8n-nodes-base.wait', typeVersion: 1.1, webhookId: `${webhookId.slice(0, -4)}ffff`, parameters: { resume: 'timeInterval', amount: WORK_SECONDS, unit: 'seconds' } };
	return {
		id,
		name: `Qonto Trigger e2e (${id})`,
		nodes: [trigger, work, received],
		connections: { 'Qonto Trigger': { main: [[{ node: 'Work', type: 'main', index: 0 }]] }, Work: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const WORK_SECONDS = 3;
const pasted = triggerWorkflow('QontoTriggerPaste', { authentication: 'apiKey', events: ['created', 'updated'] }, { qontoApi: API_KEY_CREDENTIAL }, '6d2b1c0e-1f3a-4b5c-8d7e-000000000001', true);
const registered = triggerWorkflow(
	'QontoTriggerOAuth',
	{ authentication: 'oAuth2', subscription: 'automatic', events: ['created', 'updated'] },
	{ qontoOAuth2Api: OAUTH_CREDENTIAL },
	'6d2b1c0e-1f3a-4b5c-8d7e-000000000002',
);

describe('Qonto Trigger in a real n8n', () => {
	const qonto = new QontoFake();
	let n8n: N8nInstance;
	let pastedUrl: string;
	let registeredUrl: string;

	beforeAll(async () => {
		await qonto.start();
		const [client] = qonto.oauth.clients;
		const tokens = qonto.issueTokens({ scopes: ['organization.read', 'webhook', 'offline_access'] });
		n8n = await startN8n({
			label: 'qonto-trigger',
			workflows: [pasted, registered],
			credentials: [
				{ ...API_KEY_CREDENTIAL, type: 'qontoApi', data: { environment: 'production', login: qonto.login, secretKey: qonto.secretKey, baseUrl: qonto.url, webhookSigningSecret: PASTED_SECRET } },
				{
					...OAUTH_CREDENTIAL,
					type: 'qontoOAuth2Api',
					data: { environment: 'production', baseUrl: qonto.url, oauthBaseUrl: qonto.url, clientId: client.clientId, clientSecret: client.clientSecret, webhookScope: true, oauthTokenData: tokens },
				},
			],
		});
		pastedUrl = n8n.webhookUrl({ workflowId: pasted.id!, node: 'Qonto Trigger' });
		registeredUrl = n8n.webhookUrl({ workflowId: registered.id!, node: 'Qonto Trigger' });
	});
	afterAll(async () => {
		await n8n?.stop();
		await qonto.stop();
	});

	const transactionIds = (executions: Array<Parameters<typeof nodeOutput>[0]>) =>
		executions.map((execution) => (nodeOutput(execution, 'Received')[0].transaction as { id: string }).id);

	describe('with a subscription created by hand and its secret in the API-key credential', () => {
		let subscriptionId: string;
		beforeAll(() => {
			subscriptionId = qonto.addWebhookSubscription({ callbackUrl: pastedUrl, secret: PASTED_SECRET }).id;
		});
		const deliver = async (event: string, transaction: Record<string, unknown>, options: Parameters<QontoFake['deliverTransactionEvent']>[2] = {}): Promise<DeliveryResult> => {
			const results = await qonto.deliverTransactionEvent(event, transaction, { ...options, subscriptionId });
			expect(results).toHaveLength(1);
			return results[0];
		};

		test('a signed delivery is answered 200 before the workflow works, and runs the workflow once with the transaction', async () => {
			const transaction = makeTransaction({ label: 'GRAB *RIDE', amount_cents: 1850, clean_counterparty_name: 'Grab' });
			const result = await deliver('created', transaction);
			const answeredAt = Date.now();
			expect(result.status).toBe(200);

			const [execution] = await n8n.waitForExecutions(pasted.id!, 1, 60_000);
			expect(execution.status).toBe('success');
			// The answer came before the 3-second step ran (Qonto allows 1 second): the workflow ran after the answer.
			// (How fast it came is logged, not asserted: a loaded CI machine can take over a second for n8n's first call.)
			expect(Date.parse(execution.stoppedAt as string) - answeredAt).toBeGreaterThanOrEqual((WORK_SECONDS - 1) * 1000);
			expect(result.elapsedMs).toBeLessThan(WORK_SECONDS * 1000);
			console.info(`Qonto Trigger answered the first delivery in ${Math.round(result.elapsedMs)} ms (Qonto waits 1000 ms; acknowledged: ${result.acknowledged})`);
			const [item] = nodeOutput(execution, 'Qonto Trigger');
			expect(item).toEqual({
				event: 'created',
				organizationId: qonto.organizationId,
				transaction: JSON.parse(JSON.stringify(transaction)),
				deliveryId: result.deliveryId,
				subscriptionId,
				membershipId: expect.any(String),
				createdAt: expect.any(String),
			});
			expect(nodeOutput(execution, 'Received')).toHaveLength(1);
		});

		test('forged, stale (> 5 min) and unsigned deliveries get 401 and start no execution', async () => {
			const before = (await n8n.listExecutions(pasted.id!)).length;
			const refused = [
				await deliver('created', makeTransaction({ id: 'forged-tx' }), { secret: 'not-the-pasted-secret-0123456789abcdef' }),
				await deliver('created', makeTransaction({ id: 'stale-tx' }), { timestamp: Math.floor(Date.now() / 1000) - 301 }),
				await deliver('created', makeTransaction({ id: 'unsigned-tx' }), { signed: false }),
				await deliver('created', makeTransaction({ id: 'garbled-tx' }), { signatureHeader: 't=abc,v1=nothex' }),
			];
			expect(refused.map((result) => result.status)).toEqual([401, 401, 401, 401]);
			expect(refused.every((result) => !result.acknowledged)).toBe(true);

			// A genuine delivery after them: once its execution has finished, the refused ones had their chance to start one.
			const genuine = makeTransaction({ id: 'genuine-after-forged-tx' });
			expect((await deliver('updated', genuine)).status).toBe(200);
			const executions = await n8n.waitForExecutions(pasted.id!, before + 1, 60_000);
			expect(executions).toHaveLength(before + 1);
			expect(await n8n.listExecutions(pasted.id!)).toHaveLength(before + 1); // none still running either
			expect(transactionIds(executions.slice(before))).toEqual(['genuine-after-forged-tx']);
			expect(nodeOutput(executions[before], 'Qonto Trigger')[0]).toMatchObject({ event: 'updated' });
			expect(n8n.logs()).toMatch(/Qonto Trigger refused a delivery \(401\): the signature is older than the tolerance/);
		});
	});

	describe('with OAuth2 and the webhook scope', () => {
		test('the credential asks Qonto for the webhook scope when "Allow Webhook Subscriptions" is on', async () => {
			const response = await n8n.rest(`/oauth2-credential/auth?id=${OAUTH_CREDENTIAL.id}`);
			expect(response.status).toBe(200);
			const authUrl = new URL(((await response.json()) as { data: string }).data);
			expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${qonto.url}/oauth2/auth`);
			expect(authUrl.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['organization.read', 'offline_access', 'webhook']));
		});

		test('activation registered a v1/transactions subscription for the node URL; Qonto\'s deliveries run the workflow', async () => {
			const subscriptions = qonto.webhookSubscriptions().filter((subscription) => subscription.callback_url === registeredUrl);
			expect(subscriptions).toHaveLength(1);
			const [subscription] = subscriptions;
			expect(subscription).toMatchObject({ types: ['v1/transactions'], client_id: qonto.oauth.clients[0].clientId, description: expect.stringContaining('Qonto Trigger') });
			expect(subscription.secret.length).toBeGreaterThanOrEqual(32);
			expect(subscription.secret).not.toBe(PASTED_SECRET);
			const [create] = qonto.requests({ route: 'webhook_subscriptions.create' });
			expect(create.headers.authorization).toMatch(/^Bearer ory_at_/);

			const transaction = makeTransaction({ id: 'oauth-registered-tx', label: 'SNCF', amount_cents: 7900 });
			const [result] = await qonto.deliverTransactionEvent('created', transaction, { subscriptionId: subscription.id });
			expect(result.status).toBe(200);
			const [execution] = await n8n.waitForExecutions(registered.id!, 1, 60_000);
			expect(nodeOutput(execution, 'Qonto Trigger')[0]).toMatchObject({ event: 'created', organizationId: qonto.organizationId, subscriptionId: subscription.id, transaction: { id: 'oauth-registered-tx' } });

			// The pasted secret means nothing to this trigger: it checks with the secret it registered.
			const [forged] = await qonto.deliverTransactionEvent('created', makeTransaction({}), { subscriptionId: subscription.id, secret: PASTED_SECRET });
			expect(forged.status).toBe(401);
		});

		test('after a restart of n8n the same subscription stays (no second one) and still verifies with its secret', async () => {
			const [before] = qonto.webhookSubscriptions().filter((subscription) => subscription.callback_url === registeredUrl);
			await n8n.restart();
			// n8n 2.x keeps its registered webhooks across restarts and does not run checkExists/create again for them;
			// the secret is read from the static data n8n saved in its database at activation.
			expect(qonto.requests({ route: 'webhook_subscriptions.create' })).toHaveLength(1);
			expect(qonto.webhookSubscriptions().filter((subscription) => subscription.callback_url === registeredUrl).map((subscription) => subscription.id)).toEqual([before.id]);

			const executionsBefore = (await n8n.listExecutions(registered.id!)).length;
			const [result] = await qonto.deliverTransactionEvent('updated', makeTransaction({ id: 'after-restart-tx' }), { subscriptionId: before.id });
			expect(result.status).toBe(200);
			const executions = await n8n.waitForExecutions(registered.id!, executionsBefore + 1, 60_000);
			expect(nodeOutput(executions[executionsBefore], 'Qonto Trigger')[0]).toMatchObject({ event: 'updated', transaction: { id: 'after-restart-tx' } });
		});

		test('deactivating the workflow removes the subscription at Qonto, and a later delivery finds no webhook', async () => {
			const [subscription] = qonto.webhookSubscriptions().filter((candidate) => candidate.callback_url === registeredUrl);
			await n8n.api(`/workflows/${registered.id}/deactivate`, { method: 'POST' });
			await pollUntil(async () => (qonto.webhookSubscriptions().some((candidate) => candidate.id === subscription.id) ? undefined : true), {
				timeoutMs: 30_000,
				what: 'the subscription to be deleted at Qonto',
			});
			const [deleted] = qonto.requests({ route: 'webhook_subscriptions.delete' });
			expect(deleted).toMatchObject({ path: `/v2/webhook_subscriptions/${subscription.id}`, status: 204 });
			// The hand-made subscription of the other workflow is untouched.
			expect(qonto.webhookSubscriptions().map((candidate) => candidate.callback_url)).toEqual([pastedUrl]);
			const late = await fetch(registeredUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			expect(late.status).toBe(404);
		});
	});
});
