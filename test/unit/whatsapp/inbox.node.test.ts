// The node's backoff (n8n-workflow's `sleep`) is recorded, not waited; request timeouts stay real (the socket's own).
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return { ...actual, sleep: jest.fn(async () => undefined) };
});

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { WhatsAppInbox } from '../../../nodes/WhatsAppInbox/WhatsAppInbox.node';
import { WhatsAppFake } from '../../contract-fakes';
import { WhatsAppCloudApi } from '../../../credentials/WhatsAppCloudApi.credentials';
import { createExecuteContext } from '../../support/executeContext';

const RECEIPT = readFileSync(join(__dirname, '../../fixtures/samples/receipts/sroie-060.jpg'));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;
const sleeps = () => sleepMock.mock.calls.map(([ms]) => ms);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('WhatsApp Inbox node against the Graph API contract fake', () => {
	const fake = new WhatsAppFake();
	const node = new WhatsAppInbox();
	let credentials: IDataObject;

	beforeAll(async () => {
		await fake.start();
		credentials = { accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, baseUrl: fake.url, apiVersion: 'v24.0', appSecret: 's', verifyToken: 'v' };
	});
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		fake.reset();
		sleepMock.mockClear();
	});

	const run = (parameters: IDataObject, json: IDataObject = {}, continueOnFail = false) => {
		const { context } = createExecuteContext({
			items: [{ json }],
			parameters,
			credentials: { whatsAppCloudApi: credentials },
			authenticate: { whatsAppCloudApi: new WhatsAppCloudApi().authenticate },
			continueOnFail,
		});
		return node.execute.call(context);
	};

	describe('Download Media', () => {
		const download = { operation: 'downloadMedia', mediaId: '', maxFileSizeMb: 15, binaryPropertyName: 'data', fileName: '' };

		it('downloads the file intact with the bearer token', async () => {
			const media = fake.addMedia({ bytes: RECEIPT, mimeType: 'image/jpeg', fileName: 'receipt.jpg' });
			const [[item]] = await run({ ...download, mediaId: media.id, fileName: 'receipt.jpg' }, { messageId: 'wamid.1' });
			const bytes = Buffer.from(item.binary!.data.data, 'base64');
			expect(sha256(bytes)).toBe(sha256(RECEIPT));
			expect(item.binary!.data).toMatchObject({ fileName: 'receipt.jpg', mimeType: 'image/jpeg' });
			expect(item.json).toMatchObject({ messageId: 'wamid.1', media: { mediaId: media.id, fileSize: RECEIPT.length, sha256: sha256(RECEIPT) } });
			const downloads = fake.requests({ route: 'media.download' });
			expect(downloads).toHaveLength(1);
			expect(downloads[0].headers.authorization).toBe(`Bearer ${fake.accessToken}`);
			expect(fake.requests({ route: 'media.get' })[0].query).toMatchObject({ phone_number_id: fake.phoneNumberId });
		});

		it('refuses a file declared at 16 MB without downloading it', async () => {
			const media = fake.addMedia({ bytes: RECEIPT, mimeType: 'application/pdf', declaredSize: 16 * 1024 * 1024 });
			await expect(run({ ...download, mediaId: media.id })).rejects.toThrow(/16 MB, larger than the limit of 15 MB/);
			expect(fake.requests({ route: 'media.get' })).toHaveLength(1);
			expect(fake.requests({ route: 'media.download' })).toHaveLength(0);
		});

		it('puts the reason on the error output item when continuing on failure', async () => {
			const media = fake.addMedia({ bytes: RECEIPT, mimeType: 'application/pdf', declaredSize: 16 * 1024 * 1024 });
			const [[item]] = await run({ ...download, mediaId: media.id }, { messageId: 'wamid.2' }, true);
			expect(item.json).toMatchObject({ error: expect.stringContaining('larger than the limit'), details: { reason: 'file_too_large', limitBytes: 15 * 1024 * 1024, declaredBytes: 16 * 1024 * 1024 } });
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(fake.requests({ route: 'media.download' })).toHaveLength(0);
		});

		it('fetches a fresh URL when the first one has expired', async () => {
			const media = fake.addMedia({ bytes: RECEIPT, mimeType: 'image/jpeg' });
			fake.expireNextDownload();
			const [[item]] = await run({ ...download, mediaId: media.id });
			expect(sha256(Buffer.from(item.binary!.data.data, 'base64'))).toBe(sha256(RECEIPT));
			expect(fake.requests({ route: 'media.get' })).toHaveLength(2);
			expect(fake.requests({ route: 'media.download' })).toHaveLength(2);
			expect(item.binary!.data.fileName).toBe(`whatsapp-${media.id}.jpg`);
		});

		it('aborts a download that grows past the limit even when the declared size was small', async () => {
			const media = fake.addMedia({ bytes: Buffer.alloc(64 * 1024, 1), mimeType: 'application/pdf', declaredSize: 1000 });
			await expect(run({ ...download, mediaId: media.id, maxFileSizeMb: 0.01 })).rejects.toThrow(/larger than the limit/);
		});
	});

	describe('messages', () => {
		it('reacts with the processing emoji and removes a reaction, as documented', async () => {
			await run({ operation: 'react', recipient: '972987654321', messageId: 'wamid.in', reaction: 'processing' });
			await run({ operation: 'react', recipient: '+972987654321', messageId: 'wamid.in', reaction: 'remove' });
			const bodies = fake.requests({ route: 'messages.send' }).map((request) => request.json);
			expect(bodies).toEqual([
				{ messaging_product: 'whatsapp', recipient_type: 'individual', to: '972987654321', type: 'reaction', reaction: { message_id: 'wamid.in', emoji: '🔎' } },
				{ messaging_product: 'whatsapp', recipient_type: 'individual', to: '972987654321', type: 'reaction', reaction: { message_id: 'wamid.in', emoji: '' } },
			]);
			expect(fake.requests({ route: 'messages.send' })[0].path).toBe(`/v24.0/${fake.phoneNumberId}/messages`);
		});

		it('sends a text and returns the new message id, keeping the input fields', async () => {
			const [[item]] = await run({ operation: 'sendText', recipient: '972987654321', text: 'Only documents, please.', options: {} }, { messageId: 'wamid.in' });
			expect(fake.requests({ route: 'messages.send' })[0].json).toEqual({
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '972987654321',
				type: 'text',
				text: { preview_url: false, body: 'Only documents, please.' },
			});
			expect(item.json).toMatchObject({ messageId: 'wamid.in', whatsapp: { operation: 'sendText', messageId: expect.stringMatching(/^wamid\./) } });
		});

		it('sends a pre-approved template with its body parameters in order', async () => {
			const [[item]] = await run({ operation: 'sendTemplate', recipient: '972987654321', templateName: 'receipt_attached', languageCode: 'fr', bodyParameters: ['AMAZON EU', '23,90 EUR', '12 mars'] });
			expect(fake.requests({ route: 'messages.send' })[0].json).toEqual({
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '972987654321',
				type: 'template',
				template: { name: 'receipt_attached', language: { code: 'fr' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'AMAZON EU' }, { type: 'text', text: '23,90 EUR' }, { type: 'text', text: '12 mars' }] }] },
			});
			expect(item.json).toMatchObject({ whatsapp: { operation: 'sendTemplate', template: 'receipt_attached', messageId: expect.stringMatching(/^wamid\./) } });
		});

		it('refuses a template without a name before sending anything', async () => {
			await expect(run({ operation: 'sendTemplate', recipient: '972987654321', templateName: ' ', languageCode: 'en', bodyParameters: [] })).rejects.toThrow('No Template Name given');
			expect(fake.requests({ route: 'messages.send' })).toHaveLength(0);
		});

		it('pages an organisation picker of 12 organisations and cuts a 40-character name', async () => {
			const organisations = Array.from({ length: 12 }, (_, n) => ({ id: `org-${n + 1}`, name: n === 0 ? 'Compagnie Européenne de Logistique SARLX' : `Org ${n + 1}` }));
			await run({ operation: 'sendOrganisationPicker', recipient: '972987654321', organisations, page: 1, options: {} });
			await run({ operation: 'sendOrganisationPicker', recipient: '972987654321', organisations: JSON.stringify(organisations), page: 2, options: { header: 'Default organisation' } });
			const [first, second] = fake.sentLists('972987654321');
			expect(first.rows.map((row) => row.id)).toEqual([...organisations.slice(0, 9).map((o) => `org:${o.id}`), 'orgpage:2']);
			expect(first.rows[0].title).toBe('Compagnie Européenne de…');
			expect(first.rows[0].description).toBe('Compagnie Européenne de Logistique SARLX');
			expect(second.rows.map((row) => row.id)).toEqual(['org:org-10', 'org:org-11', 'org:org-12']);
			expect(second.header).toBe('Default organisation');
		});

		it('marks as read with a typing indicator', async () => {
			const [[item]] = await run({ operation: 'markAsRead', messageId: 'wamid.in', typingIndicator: true });
			expect(fake.requests({ route: 'messages.send' })[0].json).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.in', typing_indicator: { type: 'text' } });
			expect(item.json).toMatchObject({ whatsapp: { success: true } });
		});

		it("turns Meta's 24-hour-window error into a clear error without retrying", async () => {
			fake.failNextSend({ code: 131047 });
			await expect(run({ operation: 'sendText', recipient: '972987654321', text: 'late', options: {} })).rejects.toThrow(/131047/);
			expect(fake.requests({ route: 'messages.send' })).toHaveLength(1);
		});

		it('a text to a host that never answers fails after the timeout and is not sent a second time', async () => {
			fake.hangNext('messages.send', { times: 1 });
			await expect(run({ operation: 'sendText', recipient: '972987654321', text: 'hello', timeoutSeconds: 1, options: {} })).rejects.toThrow(/aborted|timeout/);
			expect(fake.requests({ route: 'messages.send' })).toHaveLength(1);
			expect(fake.sentTexts()).toHaveLength(0);
			expect(sleeps()).toEqual([]);
		});

		it('a reaction to a host that never answers is tried again after the timeout (a reaction replaces itself)', async () => {
			fake.hangNext('messages.send', { times: 1 });
			await run({ operation: 'react', recipient: '972987654321', messageId: 'wamid.in', reaction: 'stored', timeoutSeconds: 1 });
			expect(fake.requests({ route: 'messages.send' })).toHaveLength(2);
			expect(fake.reactionOn('wamid.in')).toBe('✅');
			expect(sleeps()).toEqual([1000]);
		});

		it('a text whose connection is refused is sent again: it never reached WhatsApp', async () => {
			const refusing = { ...credentials, baseUrl: 'http://127.0.0.1:9' };
			const { context } = createExecuteContext({
				items: [{ json: {} }],
				parameters: { operation: 'sendText', recipient: '972987654321', text: 'hello', timeoutSeconds: 1, options: {} },
				credentials: { whatsAppCloudApi: refusing },
				authenticate: { whatsAppCloudApi: new WhatsAppCloudApi().authenticate },
			});
			const attempts: number[] = [];
			context.helpers.httpRequestWithAuthentication.mockImplementation((async () => {
				attempts.push(Date.now());
				throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { cause: { code: 'ECONNREFUSED' } });
			}) as never);
			await expect(node.execute.call(context)).rejects.toThrow(/ECONNREFUSED/);
			expect(attempts.length).toBe(4);
			expect(sleeps()).toEqual([1000, 2000, 4000]); // exponential backoff between the four attempts
		});

		it('retries a throughput error, then succeeds', async () => {
			fake.failNextSend({ code: 130429 });
			await run({ operation: 'react', recipient: '972987654321', messageId: 'wamid.in', reaction: 'stored' });
			const sends = fake.requests({ route: 'messages.send' });
			expect(sends).toHaveLength(2);
			expect(fake.reactionOn('wamid.in')).toBe('✅');
			expect(sleeps()).toEqual([1000]);
		});
	});
});
