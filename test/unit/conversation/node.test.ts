// The Invoice Inbox node in a mocked n8n context: Route Message pairs messages with directory rows and answers on
// its four outputs; Create Activation Links turns Qonto memberships into links and QR codes; Compose Failure Reply.
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { InvoiceInbox } from '../../../nodes/InvoiceInbox/InvoiceInbox.node';
import { createActivationCode, verifyActivationCode } from '../../../src/conversation/activation';
import { DEFAULT_TEXTS } from '../../../src/conversation/texts';
import { createExecuteContext } from '../../support/executeContext';

const SECRET = 'node-test-secret-0123456789abcdef';
const credentials = { invoiceInboxActivationApi: { activationSecret: SECRET } };
const ACME = { id: 'acme-sas-1234', name: 'ACME SAS' };
const routeParameters = { operation: 'routeMessage', organisations: { organisation: [ACME] }, defaultLanguage: 'en', maxFileSizeMb: 15, texts: JSON.stringify(DEFAULT_TEXTS) };
const node = new InvoiceInbox();

const message = (waId: string, kind: string, extra: Record<string, unknown> = {}) => ({ json: { messageId: `wamid.${waId}.${kind}`, waId, userId: null, profileName: 'Ana', kind, text: null, choice: null, ...extra } });
const memberRow = (id: number, waId: string) => ({ json: { id, waId, userId: '', name: 'Ana', organisationId: ACME.id, organisationName: ACME.name, membershipId: 'm-1', isDefault: true, subscribed: true, language: '', lastNoticeOn: '', linkedAt: '' } });

async function route(messages: INodeExecutionData[], rows: INodeExecutionData[], parameters: IDataObject = routeParameters) {
	const { context } = createExecuteContext({ items: messages, parameters, credentials });
	context.getInputData.mockImplementation(((inputIndex = 0) => (inputIndex === 1 ? rows : messages)) as never);
	const [documents, saves, replies, pickers] = await node.execute.call(context);
	return { documents, saves, replies, pickers };
}

describe('Invoice Inbox: Route Message', () => {
	test('declares two inputs and four named outputs for routing, one of each otherwise', () => {
		expect(node.description.inputs).toContain('"displayName":"Members"');
		expect(node.description.outputs).toContain('Organisation Picker');
		expect(node.description.credentials?.[0]).toMatchObject({ name: 'invoiceInboxActivationApi', required: true });
	});

	test('a batch: the member document goes on, the stranger is answered once, each paired to its message', async () => {
		const { documents, saves, replies, pickers } = await route([message('33600000001', 'document'), message('4915100000002', 'document')], [memberRow(7, '33600000001')]);
		expect(documents).toHaveLength(1);
		expect(documents[0]).toMatchObject({ json: { waId: '33600000001', inbox: { organisation: ACME, language: 'fr', maxFileSizeMb: 15, outcome: 'document' } }, pairedItem: { item: 0 } });
		expect(replies).toEqual([expect.objectContaining({ json: expect.objectContaining({ to: '4915100000002', text: DEFAULT_TEXTS.de.accessHowTo, replyToMessageId: 'wamid.4915100000002.document' }), pairedItem: { item: 1 } })]);
		expect(saves).toEqual([expect.objectContaining({ json: expect.objectContaining({ rowId: 0, waId: '4915100000002', lastNoticeOn: new Date().toISOString().slice(0, 10) }), pairedItem: { item: 1 } })]);
		expect(pickers).toEqual([]);
	});

	test('an empty Members input (no row found) is a stranger, not an error', async () => {
		const { replies } = await route([message('33600000001', 'text', { text: { body: 'salut' } })], [{ json: {} }]);
		expect(replies[0].json.text).toBe(DEFAULT_TEXTS.fr.accessHowTo);
	});

	test('an activation code is checked with the credential secret', async () => {
		const code = createActivationCode({ organisationId: ACME.id, membershipId: 'c9f9f051-7558-451c-b310-f4b8521424aa', expiresAt: new Date(Date.now() + 86_400_000) }, SECRET);
		const { saves, replies } = await route([message('60123456789', 'text', { text: { body: `My activation code: ${code}` } })], []);
		expect(replies[0].json.text).toMatch(/^Welcome, Ana! Your WhatsApp is now linked to ACME SAS/);
		expect(saves[0].json).toMatchObject({ rowId: 0, organisationId: ACME.id, membershipId: 'c9f9f051-7558-451c-b310-f4b8521424aa', isDefault: true });
	});

	test("an admin's texts are used", async () => {
		const texts = JSON.stringify({ en: { documentsOnly: 'Documents only, please ({limitMb} MB).' } });
		const { replies } = await route([message('60123456789', 'text', { text: { body: 'hi' } })], [memberRow(1, '60123456789')], { ...routeParameters, texts });
		expect(replies[0].json.text).toBe('Documents only, please (15 MB).');
	});

	test('input 1 that is not a WhatsApp message is a clear error', async () => {
		await expect(route([{ json: { hello: 'world' } }], [])).rejects.toThrow('Input 1 is not a WhatsApp message');
	});

	test('a short activation secret is a configuration error', async () => {
		const { context } = createExecuteContext({ items: [message('1', 'text')], parameters: routeParameters, credentials: { invoiceInboxActivationApi: { activationSecret: 'short' } } });
		await expect(node.execute.call(context)).rejects.toThrow('The activation secret is too short');
	});
});

describe('Invoice Inbox: Create Activation Links', () => {
	const memberships = [
		{ json: { id: 'c9f9f051-7558-451c-b310-f4b8521424aa', first_name: 'Ana', last_name: 'Martin', status: 'active' } },
		{ json: { id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', first_name: 'Carla', last_name: 'Rossi', status: 'revoked' } },
	];
	const parameters = { operation: 'createActivationLinks', organisationId: ACME.id, organisationName: ACME.name, businessNumber: '+33 1 84 80 00 00', validDays: 14, onlyActive: true, output: 'perMember', language: 'fr', messageTemplate: '' };

	test('one link and QR code per active member; the QR code decodes to the link, whose code verifies', async () => {
		const { context } = createExecuteContext({ items: memberships, parameters, credentials });
		const [links] = await node.execute.call(context);
		expect(links).toHaveLength(1);
		const link = links[0].json as { url: string; code: string; message: string; memberName: string };
		expect(link.memberName).toBe('Ana Martin');
		expect(link.url).toMatch(/^https:\/\/wa\.me\/33184800000\?text=/);
		expect(link.message).toContain('Bonjour ! Je souhaite envoyer mes reçus à ACME SAS.');
		expect(verifyActivationCode(link.code, SECRET, new Date())).toMatchObject({ ok: true, organisationId: ACME.id, membershipId: 'c9f9f051-7558-451c-b310-f4b8521424aa' });
		const png = PNG.sync.read(Buffer.from(links[0].binary!.qrCode.data, 'base64'));
		expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(link.url);
	}, 60_000);

	test('one page for all: HTML with the links, and the page and CSV as files', async () => {
		const { context } = createExecuteContext({ items: memberships, parameters: { ...parameters, output: 'page', onlyActive: false }, credentials });
		const [[page]] = await node.execute.call(context);
		expect(page.json).toMatchObject({ organisationName: 'ACME SAS', count: 2 });
		expect(page.json.html).toContain('Ana Martin');
		expect(page.json.html).toContain('Carla Rossi');
		expect(Object.keys(page.binary ?? {})).toEqual(['page', 'csv']);
		expect(page.pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
	}, 60_000);

	test('an item that is not a membership is a clear error', async () => {
		const { context } = createExecuteContext({ items: [{ json: { name: 'x' } }], parameters, credentials });
		await expect(node.execute.call(context)).rejects.toThrow('is not a Qonto membership');
	});
});

describe('Invoice Inbox: Compose Failure Reply', () => {
	test("says why, in the sender's language, from the inbox context", async () => {
		const inbox = { texts: DEFAULT_TEXTS.es, maxFileSizeMb: 15 };
		const { context } = createExecuteContext({
			items: [{ json: { fileCheck: { reason: 'encrypted_pdf', size: 10, params: {} } } }, { json: { error: 'timeout' } }],
			parameters: { operation: 'composeFailureReply', inbox, replyField: 'replyText' },
			credentials: {},
		});
		const [out] = await node.execute.call(context);
		expect(out.map((item) => item.json.replyText)).toEqual([DEFAULT_TEXTS.es.encrypted_pdf, DEFAULT_TEXTS.es.notStored]);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// The timeout is an outage: the ledger keeps which service it waits for; a refused file does not wait.
		expect(out.map((item) => item.json.waitingReason)).toEqual([undefined, 'waiting: qonto: timeout']);
	});

	test('without the inbox context it says which parameter to map', async () => {
		const { context } = createExecuteContext({ items: [{ json: {} }], parameters: { operation: 'composeFailureReply', inbox: '' }, credentials: {} });
		await expect(node.execute.call(context)).rejects.toThrow('No inbox texts for this item');
	});
});
