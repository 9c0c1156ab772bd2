import { mockDeep } from 'jest-mock-extended';
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WhatsAppInboxTrigger } from '../../../nodes/WhatsAppInboxTrigger/WhatsAppInboxTrigger.node';
import { signWebhookBody } from '../../../src/whatsapp/signature';

const SAMPLES = join(__dirname, '../../fixtures/api/whatsapp/pywa_samples');
const APP_SECRET = 'app-secret-for-tests';
const credentials = { appSecret: APP_SECRET, verifyToken: 'verify-me', phoneNumberId: '1122334455667' };

interface Sent {
	status?: number;
	body?: string;
}

interface ContextOptions {
	name: 'setup' | 'default';
	rawBody?: Buffer;
	signature?: string;
	query?: IDataObject;
	parameters?: IDataObject;
	/** The credential's id on the node (what n8n's node JSON holds): with one, the trigger caches the credential. */
	credentialId?: string;
	/** Reads the credential (default: the fixed test credential). */
	readCredentials?: () => Promise<IDataObject>;
}

function webhookContext(options: ContextOptions) {
	const context = mockDeep<IWebhookFunctions>();
	const sent: Sent = {};
	const response = {
		status(code: number) {
			sent.status = code;
			return response;
		},
		type() {
			return response;
		},
		send(body: string) {
			sent.body = body;
			return response;
		},
	};
	context.getWebhookName.mockReturnValue(options.name);
	if (options.readCredentials) context.getCredentials.mockImplementation(options.readCredentials as never);
	else context.getCredentials.mockResolvedValue(credentials);
	if (options.credentialId) {
		context.getNode.mockReturnValue({ id: 'node-1', name: 'WhatsApp Inbox Trigger', type: 'n8n-nodes-qonto-whatsapp.whatsAppInboxTrigger', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { whatsAppCloudApi: { id: options.credentialId, name: 'WhatsApp' } } });
		context.getWorkflow.mockReturnValue({ id: 'wf-1', name: 'Invoice Inbox', active: true });
		context.getMode.mockReturnValue('webhook');
	}
	context.getRequestObject.mockReturnValue({
		rawBody: options.rawBody,
		body: {},
		query: options.query ?? {},
		headers: options.signature ? { 'x-hub-signature-256': options.signature } : {},
	} as never);
	context.getResponseObject.mockReturnValue(response as never);
	const parameters: IDataObject = { onlyOwnNumber: true, emitStatusUpdates: false, ...options.parameters };
	context.getNodeParameter.mockImplementation(((name: string) => parameters[name]) as never);
	return { context, sent };
}

const trigger = new WhatsAppInboxTrigger();
const sample = (name: string) => readFileSync(join(SAMPLES, name));

describe('WhatsApp Inbox Trigger webhook', () => {
	it('answers the verification handshake with the challenge', async () => {
		const { context, sent } = webhookContext({ name: 'setup', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': 'c-42' } });
		expect(await trigger.webhook.call(context)).toEqual({ noWebhookResponse: true });
		expect(sent).toEqual({ status: 200, body: 'c-42' });
	});

	it('refuses the handshake with a wrong token', async () => {
		const { context, sent } = webhookContext({ name: 'setup', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': 'c-42' } });
		await trigger.webhook.call(context);
		expect(sent.status).toBe(403);
	});

	it('emits one item for a signed document message and acknowledges it', async () => {
		const body = sample('message__document.json');
		const { context, sent } = webhookContext({ name: 'default', rawBody: body, signature: signWebhookBody(APP_SECRET, body) });
		const result = await trigger.webhook.call(context);
		expect(sent.status).toBe(200);
		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData).toHaveLength(1);
		expect(result.workflowData?.[0]).toHaveLength(1);
		expect(result.workflowData?.[0][0].json).toMatchObject({ kind: 'document', messageId: 'wamid.xyzxyz', document: { mediaId: '1234567890987654321' } });
	});

	it.each([
		['unsigned', undefined],
		['wrongly signed', signWebhookBody('not-the-secret', 'x')],
	])('answers 401 to an %s delivery and starts nothing', async (_label, signature) => {
		const { context, sent } = webhookContext({ name: 'default', rawBody: sample('message__document.json'), signature });
		const result = await trigger.webhook.call(context);
		expect(sent.status).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('answers 400 to signed bytes that are not JSON, and 200 without items to a foreign envelope', async () => {
		const garbage = Buffer.from('{not json');
		const bad = webhookContext({ name: 'default', rawBody: garbage, signature: signWebhookBody(APP_SECRET, garbage) });
		expect((await trigger.webhook.call(bad.context)).workflowData).toBeUndefined();
		expect(bad.sent.status).toBe(400);

		const foreign = Buffer.from('{"object":"instagram","entry":[]}');
		const other = webhookContext({ name: 'default', rawBody: foreign, signature: signWebhookBody(APP_SECRET, foreign) });
		expect((await trigger.webhook.call(other.context)).workflowData).toBeUndefined();
		expect(other.sent.status).toBe(200);
	});

	it('emits nothing for status callbacks unless asked, then on the second output', async () => {
		const body = sample('message_status__read.json');
		const quiet = webhookContext({ name: 'default', rawBody: body, signature: signWebhookBody(APP_SECRET, body) });
		expect((await trigger.webhook.call(quiet.context)).workflowData).toBeUndefined();
		expect(quiet.sent.status).toBe(200);

		const loud = webhookContext({ name: 'default', rawBody: body, signature: signWebhookBody(APP_SECRET, body), parameters: { emitStatusUpdates: true } });
		const result = await trigger.webhook.call(loud.context);
		expect(result.workflowData?.[0]).toEqual([]);
		expect(result.workflowData?.[1][0].json).toMatchObject({ event: 'status', status: 'read' });
	});

	it('ignores messages to another number of the same app', async () => {
		const body = Buffer.from(sample('message__text.json').toString().replace('"1122334455667"', '"999"'));
		const { context } = webhookContext({ name: 'default', rawBody: body, signature: signWebhookBody(APP_SECRET, body) });
		expect((await trigger.webhook.call(context)).workflowData).toBeUndefined();
	});
});

describe('WhatsApp Inbox Trigger credential reads (cached per credential id)', () => {
	// The cache lives for the process: every test uses credential ids of its own.
	let nextId = 0;
	const freshId = () => `wa-cred-${++nextId}`;

	/** A credential as stored in n8n, which the test can change (an admin editing it), and how often it was read. */
	function storedCredential(initial: IDataObject) {
		const store = {
			data: { ...initial },
			reads: 0,
			read: async () => {
				store.reads++;
				await Promise.resolve();
				return { ...store.data };
			},
		};
		return store;
	}

	const signed = (secret: string) => {
		const body = sample('message__document.json');
		return { rawBody: body, signature: signWebhookBody(secret, body) };
	};

	it('a burst of 50 signed deliveries reads the credential once, and every delivery is accepted', async () => {
		const stored = storedCredential(credentials);
		const credentialId = freshId();
		const runs = Array.from({ length: 50 }, () => webhookContext({ name: 'default', ...signed(APP_SECRET), credentialId, readCredentials: stored.read }));
		const results = await Promise.all(runs.map(({ context }) => trigger.webhook.call(context)));
		expect(stored.reads).toBe(1);
		expect(runs.map(({ sent }) => sent.status)).toEqual(Array(50).fill(200));
		expect(results.every((result) => result.workflowData?.[0].length === 1)).toBe(true);
	});

	it('picks up an app secret rotated in n8n at the first delivery signed with it, and still refuses a forged one', async () => {
		const stored = storedCredential(credentials);
		const credentialId = freshId();
		const first = webhookContext({ name: 'default', ...signed(APP_SECRET), credentialId, readCredentials: stored.read });
		await trigger.webhook.call(first.context);
		expect(first.sent.status).toBe(200);

		stored.data.appSecret = 'rotated-app-secret';
		const rotated = webhookContext({ name: 'default', ...signed('rotated-app-secret'), credentialId, readCredentials: stored.read });
		expect((await trigger.webhook.call(rotated.context)).workflowData).toHaveLength(1);
		expect(rotated.sent.status).toBe(200);
		expect(stored.reads).toBe(2);

		// Concurrent forged deliveries: each is refused after one more read, which they share.
		const forged = Array.from({ length: 20 }, () => webhookContext({ name: 'default', ...signed('not-the-secret'), credentialId, readCredentials: stored.read }));
		const results = await Promise.all(forged.map(({ context }) => trigger.webhook.call(context)));
		expect(results).toEqual(Array(20).fill({ noWebhookResponse: true }));
		expect(forged.map(({ sent }) => sent.status)).toEqual(Array(20).fill(401));
		expect(stored.reads).toBe(3);
	});

	it('an unsigned delivery is refused without a second read (the secret cannot change that)', async () => {
		const stored = storedCredential(credentials);
		const credentialId = freshId();
		await trigger.webhook.call(webhookContext({ name: 'default', ...signed(APP_SECRET), credentialId, readCredentials: stored.read }).context);
		const unsigned = webhookContext({ name: 'default', rawBody: sample('message__document.json'), credentialId, readCredentials: stored.read });
		await trigger.webhook.call(unsigned.context);
		expect(unsigned.sent.status).toBe(401);
		expect(stored.reads).toBe(1);
	});

	it('answers the handshake with a verify token changed in n8n, and refuses a wrong one', async () => {
		const stored = storedCredential(credentials);
		const credentialId = freshId();
		const challenge = (token: string) => webhookContext({ name: 'setup', query: { 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': 'c-7' }, credentialId, readCredentials: stored.read });
		const before = challenge('verify-me');
		await trigger.webhook.call(before.context);
		expect(before.sent).toEqual({ status: 200, body: 'c-7' });

		stored.data.verifyToken = 'new-token';
		const after = challenge('new-token');
		await trigger.webhook.call(after.context);
		expect(after.sent).toEqual({ status: 200, body: 'c-7' });
		const wrong = challenge('verify-me');
		await trigger.webhook.call(wrong.context);
		expect(wrong.sent.status).toBe(403);
		expect(stored.reads).toBe(3);
	});

	it('two credentials never share a cached secret', async () => {
		const one = storedCredential(credentials);
		const two = storedCredential({ ...credentials, appSecret: 'secret-of-the-other-app' });
		const [idOne, idTwo] = [freshId(), freshId()];
		await trigger.webhook.call(webhookContext({ name: 'default', ...signed(APP_SECRET), credentialId: idOne, readCredentials: one.read }).context);
		const other = webhookContext({ name: 'default', ...signed(APP_SECRET), credentialId: idTwo, readCredentials: two.read });
		await trigger.webhook.call(other.context);
		expect(other.sent.status).toBe(401);
		expect([one.reads, two.reads]).toEqual([1, 2]);
	});

	it('a failed credential read fails the request and is not kept', async () => {
		const stored = storedCredential(credentials);
		const credentialId = freshId();
		const readFails = async (): Promise<IDataObject> => {
			throw new Error('Credential with ID "x" does not exist');
		};
		const failing = webhookContext({ name: 'default', ...signed(APP_SECRET), credentialId, readCredentials: readFails });
		await expect(trigger.webhook.call(failing.context)).rejects.toThrow('does not exist');
		const next = webhookContext({ name: 'default', ...signed(APP_SECRET), credentialId, readCredentials: stored.read });
		await trigger.webhook.call(next.context);
		expect(next.sent.status).toBe(200);
		expect(stored.reads).toBe(1);
	});
});
