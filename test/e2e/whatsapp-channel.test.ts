// The WhatsApp channel in a real n8n: this package installed as a community package, a workflow imported and
// published by the harness, Meta's handshake and signed deliveries posted to the production webhook, and the
// package's action node calling the Graph API contract fake.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WhatsAppFake, buildEnvelope, metaJson, sampleMessage, signWebhook, stamp } from '../contract-fakes';
import { nodeOutput, startN8n, type N8nInstance, type WorkflowJson } from '../harness';

jest.setTimeout(300_000);

const APP_SECRET = 'e2e-app-secret';
const VERIFY_TOKEN = 'e2e-verify-token';
const CREDENTIAL = { id: 'WhatsAppCred0001', name: 'WhatsApp (contract fake)' };
const RECEIPT = readFileSync(join(__dirname, '../fixtures/samples/receipts/sroie-162.jpg'));

const workflow: WorkflowJson = {
	id: 'WhatsAppChannel01',
	name: 'WhatsApp channel e2e',
	nodes: [
		{
			name: 'WhatsApp Inbox Trigger',
			type: 'n8n-nodes-qonto-whatsapp.whatsAppInboxTrigger',
			typeVersion: 1,
			webhookId: '3b1f8f0e-7c64-4a55-9d1e-0c2a3e4f5a61',
			parameters: { onlyOwnNumber: true, emitStatusUpdates: false },
			credentials: { whatsAppCloudApi: CREDENTIAL },
		},
		{
			name: 'React Processing',
			type: 'n8n-nodes-qonto-whatsapp.whatsAppInbox',
			typeVersion: 1,
			parameters: { operation: 'react', reaction: 'processing' },
			credentials: { whatsAppCloudApi: CREDENTIAL },
		},
		{
			name: 'Download Media',
			type: 'n8n-nodes-qonto-whatsapp.whatsAppInbox',
			typeVersion: 1,
			parameters: { operation: 'downloadMedia' },
			credentials: { whatsAppCloudApi: CREDENTIAL },
		},
	],
	connections: {
		'WhatsApp Inbox Trigger': { main: [[{ node: 'React Processing', type: 'main', index: 0 }]] },
		'React Processing': { main: [[{ node: 'Download Media', type: 'main', index: 0 }]] },
	},
};

describe('WhatsApp channel in a real n8n', () => {
	const fake = new WhatsAppFake();
	let n8n: N8nInstance;
	let webhookUrl: string;

	beforeAll(async () => {
		await fake.start();
		n8n = await startN8n({
			label: 'whatsapp-channel',
			workflows: [workflow],
			credentials: [
				{
					...CREDENTIAL,
					type: 'whatsAppCloudApi',
					data: { accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' },
				},
			],
		});
		webhookUrl = n8n.webhookUrl('WhatsApp Inbox Trigger');
	});
	afterAll(async () => {
		await n8n?.stop();
		await fake.stop();
	});

	const post = (body: string, signature?: string) =>
		fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });
	const documentMessage = (id: string, mediaId: string) =>
		stamp({ ...sampleMessage('message__document.json'), document: { filename: 'receipt.jpg', mime_type: 'image/jpeg', sha256: 'x', id: mediaId } }, { messageId: id });

	test("answers Meta's verification handshake, and refuses a wrong verify token", async () => {
		const ok = await fetch(`${webhookUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
		expect(ok.status).toBe(200);
		expect(await ok.text()).toBe('1158201444');
		const refused = await fetch(`${webhookUrl}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`);
		expect(refused.status).toBe(403);
	});

	test('a signed document message runs the workflow once: 🔎 reaction, then the file is downloaded intact', async () => {
		const media = fake.addMedia({ bytes: RECEIPT, mimeType: 'image/jpeg', fileName: 'receipt.jpg' });
		const body = metaJson(buildEnvelope({ messages: [documentMessage('wamid.e2e.document', media.id)] }, { phoneNumberId: fake.phoneNumberId }));
		const response = await post(body, signWebhook(APP_SECRET, body));
		expect(response.status).toBe(200);

		const [execution] = await n8n.waitForExecutions(workflow.id!, 1, 60_000);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'WhatsApp Inbox Trigger')).toEqual([expect.objectContaining({ kind: 'document', messageId: 'wamid.e2e.document' })]);
		const [downloaded] = nodeOutput(execution, 'Download Media');
		expect(downloaded).toMatchObject({ media: { mediaId: media.id, sha256: createHash('sha256').update(RECEIPT).digest('hex'), fileSize: RECEIPT.length } });

		expect(fake.reactionOn('wamid.e2e.document')).toBe('🔎');
		const [reaction] = fake.requests({ route: 'messages.send' });
		expect(reaction.headers.authorization).toBe(`Bearer ${fake.accessToken}`);
		expect(reaction.json).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '972987654321', type: 'reaction', reaction: { message_id: 'wamid.e2e.document', emoji: '🔎' } });
		expect(fake.requests({ route: 'media.download' })).toHaveLength(1);
	});

	test('unsigned and wrongly signed deliveries get 401 and start no execution', async () => {
		const before = (await n8n.listExecutions(workflow.id!)).length;
		const body = metaJson(buildEnvelope({ messages: [documentMessage('wamid.e2e.forged', '999')] }, { phoneNumberId: fake.phoneNumberId }));
		expect((await post(body)).status).toBe(401);
		expect((await post(body, signWebhook('not-the-app-secret', body))).status).toBe(401);
		// A correct signature of another body does not help either.
		expect((await post(body, signWebhook(APP_SECRET, `${body} `))).status).toBe(401);
		// A signed message sent after them: once its execution has finished, the forged ones had their chance to start one.
		const media = fake.addMedia({ bytes: RECEIPT, mimeType: 'image/jpeg' });
		const genuine = metaJson(buildEnvelope({ messages: [documentMessage('wamid.e2e.after-forged', media.id)] }, { phoneNumberId: fake.phoneNumberId }));
		expect((await post(genuine, signWebhook(APP_SECRET, genuine))).status).toBe(200);
		const executions = await n8n.waitForExecutions(workflow.id!, before + 1, 60_000);
		expect(executions).toHaveLength(before + 1);
		expect(await n8n.listExecutions(workflow.id!)).toHaveLength(before + 1); // none still running either
		expect(nodeOutput(executions[before], 'WhatsApp Inbox Trigger').map((item) => item.messageId)).toEqual(['wamid.e2e.after-forged']);
		expect(fake.reactionOn('wamid.e2e.after-forged')).toBe('🔎');
		expect(fake.reactionOn('wamid.e2e.forged')).toBeUndefined();
	});

	test('a batch of two messages yields two items in one execution', async () => {
		const before = (await n8n.listExecutions(workflow.id!)).length;
		const first = fake.addMedia({ bytes: RECEIPT, mimeType: 'image/jpeg' });
		const second = fake.addMedia({ bytes: Buffer.from('%PDF-1.4\n%%EOF\n'), mimeType: 'application/pdf' });
		const body = metaJson(buildEnvelope({ messages: [documentMessage('wamid.e2e.batch.1', first.id), documentMessage('wamid.e2e.batch.2', second.id)] }, { phoneNumberId: fake.phoneNumberId }));
		expect((await post(body, signWebhook(APP_SECRET, body))).status).toBe(200);
		const executions = await n8n.waitForExecutions(workflow.id!, before + 1, 60_000);
		const latest = executions.find((execution) => nodeOutput(execution, 'WhatsApp Inbox Trigger').some((item) => item.messageId === 'wamid.e2e.batch.1'));
		expect(latest).toBeDefined();
		expect(nodeOutput(latest!, 'WhatsApp Inbox Trigger').map((item) => item.messageId)).toEqual(['wamid.e2e.batch.1', 'wamid.e2e.batch.2']);
		expect(nodeOutput(latest!, 'Download Media')).toHaveLength(2);
		expect(fake.reactionOn('wamid.e2e.batch.1')).toBe('🔎');
		expect(fake.reactionOn('wamid.e2e.batch.2')).toBe('🔎');
	});
});
