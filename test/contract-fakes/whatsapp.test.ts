import { createHash } from 'node:crypto';

import { ManualClock } from './clock';
import { loadFixture } from './fixtures';
import { readJson, shapeOf } from './shape';
import { sha256Hex } from './sniff';
import { WhatsAppFake } from './whatsapp';
import { buildWebhookFromSample, buttonReplyMessage, documentMessage, listReplyMessage, metaJson, quickReplyMessage, sampleMessage, signedDelivery, signWebhook, textMessage } from './whatsappWebhook';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);

describe('WhatsAppFake', () => {
	const clock = new ManualClock();
	const fake = new WhatsAppFake({ clock });
	const auth = () => ({ authorization: `Bearer ${fake.accessToken}` });
	const graph = (path: string, init: RequestInit = {}) => fetch(`${fake.url}/v24.0${path}`, { ...init, headers: { ...auth(), ...init.headers } });
	const send = (body: unknown, phoneNumberId = fake.phoneNumberId) =>
		graph(`/${phoneNumberId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

	beforeAll(() => fake.start());
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	describe('media', () => {
		it('answers media metadata shaped like get_media.response.json, computed from the bytes', async () => {
			const media = fake.addMedia({ bytes: JPEG, mimeType: 'image/jpeg' });
			const response = await graph(`/${media.id}?phone_number_id=${fake.phoneNumberId}`);
			expect(response.status).toBe(200);
			const body = await readJson(response);
			expect(shapeOf(body)).toEqual(shapeOf(loadFixture('whatsapp/outgoing/get_media.response.json')));
			expect(body).toMatchObject({ messaging_product: 'whatsapp', id: media.id, mime_type: 'image/jpeg', sha256: sha256Hex(JPEG), file_size: String(JPEG.length) });
			expect(body.url).toMatch(new RegExp(`^${fake.url}/whatsapp_business/attachments/\\?mid=${media.id}&.*hash=`));
		});

		it('announces a declared size without holding it, as a number when configured', async () => {
			const media = fake.addMedia({ bytes: JPEG, mimeType: 'application/pdf', declaredSize: 16 * 1024 * 1024, fileSizeAs: 'number' });
			const body = await readJson(await graph(`/${media.id}`));
			expect(body.file_size).toBe(16 * 1024 * 1024);
		});

		it('downloads with the same bearer token, and refuses without it', async () => {
			const media = fake.addMedia({ bytes: JPEG, mimeType: 'image/jpeg', fileName: 'receipt.jpg' });
			const { url } = await readJson(await graph(`/${media.id}`));
			const withoutToken = await fetch(url);
			expect(withoutToken.status).toBe(401);
			const download = await fetch(url, { headers: auth() });
			expect(download.status).toBe(200);
			expect(download.headers.get('content-type')).toBe('image/jpeg');
			expect(Buffer.from(await download.arrayBuffer()).equals(JPEG)).toBe(true);
		});

		it('expires URLs after 5 minutes; a fresh metadata call gives a working one', async () => {
			const media = fake.addMedia({ bytes: JPEG, mimeType: 'image/jpeg' });
			const { url } = await readJson(await graph(`/${media.id}`));
			clock.advance(5 * 60_000 + 1000);
			expect((await fetch(url, { headers: auth() })).status).toBe(404);
			const fresh = await readJson(await graph(`/${media.id}`));
			expect((await fetch(fresh.url, { headers: auth() })).status).toBe(200);
		});

		it('can expire every URL at once or only the next download', async () => {
			const media = fake.addMedia({ bytes: JPEG, mimeType: 'image/jpeg' });
			const { url } = await readJson(await graph(`/${media.id}`));
			fake.expireNextDownload();
			expect((await fetch(url, { headers: auth() })).status).toBe(404);
			expect((await fetch(url, { headers: auth() })).status).toBe(200);
			fake.expireMediaUrls();
			expect((await fetch(url, { headers: auth() })).status).toBe(404);
		});

		it('answers Graph errors for an unknown media id and a bad token', async () => {
			const unknown = await graph('/999');
			expect(unknown.status).toBe(400);
			const body = await readJson(unknown);
			expect(shapeOf(body)).toEqual(shapeOf(loadFixture('whatsapp/outgoing/graph_error.response.json')));
			expect(body.error).toMatchObject({ code: 100, type: 'GraphMethodException' });
			const badToken = await fetch(`${fake.url}/v24.0/999`, { headers: { authorization: 'Bearer nope' } });
			expect(badToken.status).toBe(401);
			expect((await readJson(badToken)).error.code).toBe(190);
		});
	});

	describe('messages', () => {
		it('sends the documented text body and answers send_message.response.json with a fresh wamid', async () => {
			const request = loadFixture('whatsapp/outgoing/send_text.request.json');
			const first = await send(request);
			expect(first.status).toBe(200);
			const body = await readJson(first);
			expect(shapeOf(body)).toEqual(shapeOf(loadFixture('whatsapp/outgoing/send_message.response.json')));
			expect(body.contacts).toEqual([{ input: '16505551234', wa_id: '16505551234' }]);
			const second = await readJson(await send(request));
			expect(second.messages[0].id).not.toBe(body.messages[0].id);
			expect(fake.sentTexts('16505551234')).toEqual([
				expect.objectContaining({ body: '✅ Invoice attached to transaction ACME SAS −42.00 EUR', wamid: body.messages[0].id, previewUrl: false }),
				expect.objectContaining({ wamid: second.messages[0].id }),
			]);
		});

		it('keeps one reaction per message: the last one shows, an empty emoji removes it', async () => {
			const reaction = loadFixture('whatsapp/outgoing/send_reaction.request.json');
			const target = reaction.reaction.message_id;
			expect((await send(reaction)).status).toBe(200);
			expect(fake.reactionOn(target)).toBe('🔎');
			await send({ ...reaction, reaction: { message_id: target, emoji: '✅' } });
			expect(fake.reactionOn(target)).toBe('✅');
			expect((await send(loadFixture('whatsapp/outgoing/remove_reaction.request.json'))).status).toBe(200);
			expect(fake.reactionOn(target)).toBeUndefined();
			expect(fake.sentReactions('16505551234').map((sent) => sent.emoji)).toEqual(['🔎', '✅', '']);
		});

		it('accepts the documented interactive list and exposes its rows', async () => {
			expect((await send(loadFixture('whatsapp/outgoing/send_interactive_list.request.json'))).status).toBe(200);
			const [list] = fake.sentLists('16505551234');
			expect(list).toMatchObject({ button: 'Choose', header: 'Default organisation', footer: 'Reply STOP to unsubscribe' });
			expect(list.rows.map((row) => row.id)).toEqual(['org:acme-sas-1234', 'org:beta-sarl-5678']);
		});

		it.each([
			['11 rows', (list: any) => (list.interactive.action.sections[0].rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }))), 131009, /Total row count/],
			['a 25-character row title', (list: any) => (list.interactive.action.sections[0].rows[0].title = 'x'.repeat(25)), 131009, /Row title/],
			['a 201-character row id', (list: any) => (list.interactive.action.sections[0].rows[0].id = 'x'.repeat(201)), 131009, /Row id/],
			['a 73-character description', (list: any) => (list.interactive.action.sections[0].rows[0].description = 'x'.repeat(73)), 131009, /description/],
			['a 21-character button', (list: any) => (list.interactive.action.button = 'x'.repeat(21)), 131009, /Button/],
			['a 61-character header', (list: any) => (list.interactive.header.text = 'x'.repeat(61)), 131009, /Header/],
			['a 61-character footer', (list: any) => (list.interactive.footer.text = 'x'.repeat(61)), 131009, /Footer/],
			['no button', (list: any) => delete list.interactive.action.button, 100, /button/],
		])('refuses a list with %s like Meta', async (_case, mutate, code, details) => {
			const list = loadFixture('whatsapp/outgoing/send_interactive_list.request.json');
			mutate(list);
			const response = await send(list);
			expect(response.status).toBe(400);
			const body = await readJson(response);
			expect(body.error.code).toBe(code);
			expect(body.error.error_data.details).toMatch(details);
			expect(fake.sentLists()).toHaveLength(0);
		});

		it('counts emoji as one character in list limits', async () => {
			const list = loadFixture('whatsapp/outgoing/send_interactive_list.request.json');
			list.interactive.action.sections[0].rows[0].title = '🏢'.repeat(24);
			expect((await send(list)).status).toBe(200);
		});

		const buttons = () => ({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '16505551234',
			context: { message_id: 'wamid.doc' },
			type: 'interactive',
			interactive: {
				type: 'button',
				header: { type: 'text', text: 'Receipt' },
				body: { text: 'Which payment is this document for?\n1. AMAZON EU · 23.90 EUR' },
				footer: { text: 'Tap one' },
				action: {
					buttons: [
						{ type: 'reply', reply: { id: 'q:wamid.doc:tx-1', title: '1. AMAZON EU' } },
						{ type: 'reply', reply: { id: 'q:wamid.doc:none', title: 'None of these' } },
					],
				},
			},
		});

		it('accepts reply buttons and shows them, like lists, through choicesSentTo', async () => {
			expect((await send(buttons())).status).toBe(200);
			expect((await send(loadFixture('whatsapp/outgoing/send_interactive_list.request.json'))).status).toBe(200);
			expect(fake.choicesSentTo('16505551234')).toEqual([
				{
					wamid: expect.stringMatching(/^wamid\./),
					to: '16505551234',
					kind: 'buttons',
					header: 'Receipt',
					body: 'Which payment is this document for?\n1. AMAZON EU · 23.90 EUR',
					footer: 'Tap one',
					rows: [
						{ id: 'q:wamid.doc:tx-1', title: '1. AMAZON EU' },
						{ id: 'q:wamid.doc:none', title: 'None of these' },
					],
					replyTo: 'wamid.doc',
				},
				expect.objectContaining({ kind: 'list', button: 'Choose', header: 'Default organisation', rows: [expect.objectContaining({ id: 'org:acme-sas-1234' }), expect.objectContaining({ id: 'org:beta-sarl-5678' })] }),
			]);
			expect(fake.choicesSentTo('16505551234')[1].rows[0]).not.toHaveProperty('section');
			expect(fake.choicesSentTo('33600000000')).toEqual([]);
		});

		const reply = (n: number) => ({ type: 'reply', reply: { id: `b${n}`, title: `Button ${n}` } });
		it.each([
			['4 buttons', (message: any) => (message.interactive.action.buttons = [1, 2, 3, 4].map(reply)), 131009, /Too many buttons/],
			['no buttons', (message: any) => (message.interactive.action.buttons = []), 100, /buttons/],
			['a button that is not of type reply', (message: any) => (message.interactive.action.buttons[0].type = 'url'), 131009, /type must be 'reply'/],
			['a 21-character title', (message: any) => (message.interactive.action.buttons[0].reply.title = 'x'.repeat(21)), 131009, /Button title length/],
			['an empty title', (message: any) => (message.interactive.action.buttons[0].reply.title = ''), 131009, /Button title length/],
			['a 257-character id', (message: any) => (message.interactive.action.buttons[0].reply.id = 'x'.repeat(257)), 131009, /Button id is too long/],
			['an empty id', (message: any) => (message.interactive.action.buttons[0].reply.id = ''), 100, /reply/],
			['the same id twice', (message: any) => (message.interactive.action.buttons[1].reply.id = message.interactive.action.buttons[0].reply.id), 131009, /unique/],
			['a 1025-character body', (message: any) => (message.interactive.body.text = 'x'.repeat(1025)), 131009, /Body text is too long. Max length is 1024/],
		])('refuses reply buttons with %s like Meta', async (_case, mutate, code, details) => {
			const message = buttons();
			mutate(message);
			const response = await send(message);
			expect(response.status).toBe(400);
			const body = await readJson(response);
			expect(body.error.code).toBe(code);
			expect(body.error.error_data.details).toMatch(details);
			expect(fake.choicesSentTo()).toHaveLength(0);
		});

		it('takes 3 buttons with 20-character titles (emoji count once) and a 1024-character body', async () => {
			const message = buttons();
			message.interactive.action.buttons = [1, 2, 3].map(reply);
			message.interactive.action.buttons[0].reply.title = '🧾'.repeat(20);
			message.interactive.body.text = 'x'.repeat(1024);
			expect((await send(message)).status).toBe(200);
		});

		const template = (components: unknown[]) => ({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '16505551234',
			type: 'template',
			template: { name: 'receipts_missing', language: { code: 'en' }, components },
		});
		const quickReply = (index: unknown, payload: unknown = 'n:show') => ({ type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload }] });

		it('accepts a template with body parameters and quick-reply payloads, and reads them back', async () => {
			const body = { type: 'body', parameters: [{ type: 'text', text: '3' }] };
			expect((await send(template([body, quickReply('1', 'n:off'), quickReply('0')]))).status).toBe(200);
			expect((await send(template([]))).status).toBe(200);
			expect(fake.templatesSentTo('16505551234')).toEqual([
				{ wamid: expect.stringMatching(/^wamid\./), to: '16505551234', name: 'receipts_missing', languageCode: 'en', bodyParameters: ['3'], quickReplyPayloads: ['n:show', 'n:off'] },
				expect.objectContaining({ bodyParameters: [], quickReplyPayloads: [] }),
			]);
		});

		it.each([
			['a non-text body parameter', [{ type: 'body', parameters: [{ type: 'payload', payload: 'x' }] }], /body parameters/],
			['a text parameter on a quick reply', [{ ...quickReply('0'), parameters: [{ type: 'text', text: 'x' }] }], /payload/],
			['an empty payload', [quickReply('0', '')], /payload/],
			['two parameters on a quick reply', [{ ...quickReply('0'), parameters: [{ type: 'payload', payload: 'a' }, { type: 'payload', payload: 'b' }] }], /exactly one parameter/],
			['no index', [quickReply(undefined)], /index/],
			['index 10', [quickReply('10')], /index must be 0 to 9/],
			['the same index twice', [quickReply('0'), quickReply('0')], /given twice/],
			['another button sub_type', [{ ...quickReply('0'), sub_type: 'flow' }], /sub_type/],
		])('refuses a template with %s', async (_case, components, details) => {
			const response = await send(template(components));
			expect(response.status).toBe(400);
			expect((await readJson(response)).error.error_data.details).toMatch(details);
			expect(fake.templatesSentTo()).toHaveLength(0);
		});

		it('marks as read with a typing indicator', async () => {
			const response = await send(loadFixture('whatsapp/outgoing/mark_read_typing.request.json'));
			expect(await readJson(response)).toEqual({ success: true });
			expect(fake.readReceipts()).toEqual([expect.objectContaining({ messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA', typingIndicator: true })]);
			expect(fake.sent()).toHaveLength(0);
		});

		it('refuses a bad token (401, code 190), an unknown phone number id and a malformed body', async () => {
			const text = loadFixture('whatsapp/outgoing/send_text.request.json');
			const badToken = await fetch(`${fake.url}/v24.0/${fake.phoneNumberId}/messages`, { method: 'POST', headers: { authorization: 'Bearer expired', 'content-type': 'application/json' }, body: JSON.stringify(text) });
			expect(badToken.status).toBe(401);
			expect((await readJson(badToken)).error.code).toBe(190);
			expect((await send(text, '42')).status).toBe(400);
			const noTo = await send({ ...text, to: undefined });
			expect((await readJson(noTo)).error).toMatchObject({ code: 100, message: '(#100) The parameter to is required.' });
			const badType = await send({ ...text, type: 'poll' });
			expect((await readJson(badType)).error.error_data.details).toMatch(/Param type must be one of/);
		});

		it('answers scripted Graph errors (131047 for one recipient, 190 as 401), then goes back to normal', async () => {
			const text = loadFixture('whatsapp/outgoing/send_text.request.json');
			fake.failNextSend({ code: 131047, to: '16505551234' });
			expect((await send({ ...text, to: '33600000000' })).status).toBe(200);
			const outsideWindow = await send(text);
			expect(outsideWindow.status).toBe(400);
			const body = await readJson(outsideWindow);
			expect(shapeOf(body)).toEqual(shapeOf(loadFixture('whatsapp/outgoing/graph_error.response.json')));
			expect(body.error).toMatchObject({ code: 131047, message: '(#131047) Re-engagement message' });
			fake.failNextSend({ code: 190 });
			expect((await send(text)).status).toBe(401);
			expect((await send(text)).status).toBe(200);
			expect(fake.sentTexts()).toHaveLength(2);
		});

		it('answers 429 with Retry-After and a throughput error body', async () => {
			fake.failNext('messages.send', 429, { retryAfter: 2 });
			const response = await send(loadFixture('whatsapp/outgoing/send_text.request.json'));
			expect(response.status).toBe(429);
			expect(response.headers.get('retry-after')).toBe('2');
			expect((await readJson(response)).error.code).toBe(130429);
		});
	});
});

describe('webhook helpers', () => {
	const vector = loadFixture('whatsapp/signature_test_vector.json');

	it('signs like Meta: HMAC-SHA256 of the raw, unicode-escaped body (test vector)', () => {
		expect(signWebhook(vector.app_secret, vector.raw_body)).toBe(vector.x_hub_signature_256);
		const sample = loadFixture('whatsapp/pywa_samples/message__reaction.json');
		expect(metaJson(sample)).toBe(vector.raw_body);
		expect(signWebhook(vector.app_secret, JSON.stringify(sample))).toBe(vector.signature_if_reserialized_with_utf8_emoji);
	});

	it('wraps a pywa sample in a full envelope with this test ids', () => {
		const envelope = buildWebhookFromSample('message__document', { document: { id: 'media-1' } }, { from: '33612345678', messageId: 'wamid.test-1', timestamp: 1700000000 });
		const value = envelope.entry[0].changes[0].value as any;
		expect(envelope.object).toBe('whatsapp_business_account');
		expect(value.metadata.phone_number_id).toBe('1122334455667');
		expect(value.contacts[0].wa_id).toBe('33612345678');
		expect(value.messages[0]).toMatchObject({ from: '33612345678', id: 'wamid.test-1', timestamp: '1700000000', type: 'document', document: { id: 'media-1', filename: 'filename.pdf', mime_type: 'application/pdf' } });
		expect(Object.keys(value.messages[0]).sort()).toEqual(Object.keys(sampleMessage('message__document')).sort());
	});

	it('builds document, text and list-reply deliveries with unique wamids and a valid signature', () => {
		const bytes = Buffer.from('%PDF-1.7 invoice');
		const document = documentMessage({ mediaId: 'm-2', mimeType: 'application/pdf', fileName: 'facture.pdf', bytes });
		const message = (document.entry[0].changes[0].value as any).messages[0];
		expect(message.document.sha256).toBe(createHash('sha256').update(bytes).digest('base64'));
		const text = (textMessage('STOP').entry[0].changes[0].value as any).messages[0];
		expect(text).toMatchObject({ type: 'text', text: { body: 'STOP' } });
		expect(text.id).not.toBe(message.id);
		const reply = (listReplyMessage({ id: 'org:acme', title: 'ACME' }).entry[0].changes[0].value as any).messages[0];
		expect(reply.interactive).toEqual({ type: 'list_reply', list_reply: { id: 'org:acme', title: 'ACME' } });
		expect((listReplyMessage({ id: 'q:wamid.doc:none', title: 'None' }, { contextMessageId: 'wamid.question' }).entry[0].changes[0].value as any).messages[0].context).toEqual({ from: '972123456789', id: 'wamid.question' });
		const delivery = signedDelivery(textMessage('héllo 👋'), 'secret');
		expect(delivery.rawBody).toContain('h\\u00e9llo \\ud83d\\udc4b');
		expect(delivery.headers['x-hub-signature-256']).toBe(signWebhook('secret', delivery.rawBody));
	});

	it('builds reply-button and template quick-reply taps shaped like the pywa samples, answering a given message', () => {
		const messageOf = (envelope: { entry: Array<{ changes: Array<{ value: Record<string, unknown> }> }> }) => (envelope.entry[0].changes[0].value.messages as any[])[0];
		const button = messageOf(buttonReplyMessage({ id: 'q:wamid.doc:tx-1', title: '1. AMAZON EU' }, { from: '33612345678', contextMessageId: 'wamid.question' }));
		expect(Object.keys(button).sort()).toEqual(Object.keys(sampleMessage('callback_button__button')).sort());
		expect(button).toMatchObject({ from: '33612345678', type: 'interactive', context: { id: 'wamid.question' }, interactive: { type: 'button_reply', button_reply: { id: 'q:wamid.doc:tx-1', title: '1. AMAZON EU' } } });
		const quick = messageOf(quickReplyMessage({ payload: 'n:show', text: 'Show payments' }, { from: '33612345678' }));
		expect(Object.keys(quick).sort()).toEqual(Object.keys(sampleMessage('callback_button__quick_reply')).sort());
		expect(quick).toMatchObject({ from: '33612345678', type: 'button', button: { payload: 'n:show', text: 'Show payments' } });
		expect(quick).not.toHaveProperty('interactive');
		expect(quick.id).not.toBe(button.id);
	});
});
