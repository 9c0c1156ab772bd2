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

function webhookContext(options: { name: 'setup' | 'default'; rawBody?: Buffer; signature?: string; query?: IDataObject; parameters?: IDataObject }) {
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
	context.getCredentials.mockResolvedValue(credentials);
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
