import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseWebhookBody, parseWebhookPayload, type InboundMessage } from '../../../src/whatsapp/inbound';

const SAMPLES = join(__dirname, '../../fixtures/api/whatsapp/pywa_samples');
const load = (name: string): unknown => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8'));

const sender = { waId: '972987654321', userId: 'US.13491208655302741918', profileName: 'Test Name', businessPhoneNumberId: '1122334455667' };

type Expectation = { statuses?: string[]; otherFields?: string[]; messages?: Array<Partial<InboundMessage>> };

/** Every sample Meta-shaped payload, with what the trigger must emit for it. */
const EXPECTED: Record<string, Expectation> = {
	'callback_button__button.json': { messages: [{ ...sender, kind: 'choice', messageId: 'wamid.xyzxyz', choice: { id: 'callback_data', title: 'title', description: null, source: 'button_reply' }, replyToMessageId: 'wamid.xyzxyz' }] },
	'callback_button__quick_reply.json': { messages: [{ ...sender, kind: 'choice', messageId: 'wamid.xsidjw', choice: { id: 'callback_data', title: 'title', description: null, source: 'button' } }] },
	'callback_button__quick_reply_without_context.json': { messages: [{ ...sender, kind: 'choice', messageId: 'wamid.xsidjx', replyToMessageId: null, choice: { id: 'callback_data', title: 'title', description: null, source: 'button' } }] },
	'callback_selection__callback.json': { messages: [{ ...sender, kind: 'choice', messageId: 'wamid.zyzxyz', choice: { id: 'callback_data', title: 'title', description: null, source: 'list_reply' } }] },
	'callback_selection__description.json': { messages: [{ ...sender, kind: 'choice', choice: { id: 'callback_data', title: 'title', description: 'description', source: 'list_reply' } }] },
	'deleted_message__revoke.json': { messages: [{ kind: 'other', originalType: 'revoke', waId: '<WHATSAPP_USER_PHONE_NUMBER>' }] },
	'edited_message__image.json': { messages: [{ kind: 'other', originalType: 'edit', waId: '16505551234' }] },
	'message__animated_sticker.json': { messages: [{ ...sender, kind: 'document', originalType: 'sticker', document: { mediaId: '1234567890987654321', mediaType: 'sticker', mimeType: 'image/webp', sha256: 'HcwyCKrTKXHk0a00ms4HWIA76GY0Du6q4Z/iuwevw=', fileSize: null, fileName: null, caption: null, url: null } }] },
	'message__audio.json': { messages: [{ ...sender, kind: 'document', originalType: 'audio', forwarded: true }] },
	'message__chosen_location.json': { messages: [{ ...sender, kind: 'other', originalType: 'location', forwarded: true }] },
	'message__contacts.json': { messages: [{ ...sender, kind: 'other', originalType: 'contacts' }] },
	'message__current_location.json': { messages: [{ ...sender, kind: 'other', originalType: 'location' }] },
	'message__document.json': {
		messages: [
			{
				...sender,
				kind: 'document',
				messageId: 'wamid.xyzxyz',
				timestamp: 1697043666,
				receivedAt: '2023-10-11T17:01:06.000Z',
				profileName: 'Test Name',
				forwarded: true,
				document: { mediaId: '1234567890987654321', mediaType: 'document', mimeType: 'application/pdf', sha256: 'grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc18SY=', fileSize: null, fileName: 'filename.pdf', caption: 'caption', url: null },
			},
		],
	},
	'message__forwarded.json': { messages: [{ ...sender, kind: 'text', text: { body: 'forwarded text' }, forwarded: true }] },
	'message__forwarded_many_times.json': { messages: [{ ...sender, kind: 'text', text: { body: 'text forwarded many times' }, forwarded: true }] },
	'message__image.json': { messages: [{ ...sender, kind: 'document', originalType: 'image', document: { mediaId: '65463453', mediaType: 'image', mimeType: 'image/jpeg', sha256: '4654+8g=', fileSize: null, fileName: null, caption: null, url: null } }] },
	'message__interactive_message_with_err.json': { messages: [{ ...sender, kind: 'other', originalType: 'interactive', errors: [{ code: 131000, title: 'Something went wrong', message: 'Something went wrong', details: 'Unsupported webhook payload' }] }] },
	'message__media_with_url.json': { messages: [{ ...sender, kind: 'document', document: { mediaId: '65463453', mediaType: 'image', mimeType: 'image/jpeg', sha256: '4654+8g=', fileSize: null, fileName: null, caption: null, url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=65463453&source=webhook&ext=487r9re&hash=heiwchueowbcew-dnedcw' } }] },
	'message__order.json': { messages: [{ ...sender, kind: 'other', originalType: 'order' }] },
	'message__reaction.json': { messages: [{ ...sender, kind: 'reaction', reaction: { messageId: 'wamid.yzxyzx=', emoji: '😮' } }] },
	'message__referral.json': { messages: [{ ...sender, kind: 'text', messageId: 'wamid.ID', text: { body: 'BODY' } }] },
	'message__reply.json': { messages: [{ ...sender, kind: 'text', text: { body: 'replied text' }, replyToMessageId: 'wamid.xyzxyz==', forwarded: false }] },
	'message__static_sticker.json': { messages: [{ ...sender, kind: 'document', originalType: 'sticker' }] },
	'message__text.json': { messages: [{ ...sender, kind: 'text', messageId: 'wamid.xyzxyz', timestamp: 1697043223, text: { body: 'Body Text' }, document: null, choice: null, reaction: null, errors: [] }] },
	'message__unreaction_empty.json': { messages: [{ ...sender, kind: 'reaction', reaction: { messageId: 'wamid.yzxyzx=', emoji: '' } }] },
	'message__unreaction_no_emoji.json': { messages: [{ ...sender, kind: 'reaction', reaction: { messageId: 'wamid.yzxyzx=', emoji: '' } }] },
	'message__unsupported.json': { messages: [{ ...sender, kind: 'other', originalType: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' }] }] },
	'message__unsupported_with_type.json': { messages: [{ ...sender, kind: 'other', originalType: 'unsupported:pool' }] },
	'message__video.json': { messages: [{ ...sender, kind: 'document', originalType: 'video', document: { mediaId: '765756756', mediaType: 'video', mimeType: 'video/mp4', sha256: 'Jh+2ij6PzUv/J2y+grrtegr/ZMzRxkEPwc24Oyib4s03w9Jc=', fileSize: null, fileName: null, caption: 'caption', url: null } }] },
	'message__voice.json': { messages: [{ ...sender, kind: 'document', originalType: 'audio' }] },
	'message_status__delivered.json': { statuses: ['delivered'] },
	'message_status__failed.json': { statuses: ['failed'] },
	'message_status__group.json': { statuses: ['read'] },
	'message_status__played.json': { statuses: ['played'] },
	'message_status__read.json': { statuses: ['read'] },
	'message_status__sent.json': { statuses: ['sent'] },
	'message_status__with_tracker.json': { statuses: ['sent'] },
	'system__identity_change.json': { messages: [{ kind: 'other', originalType: 'system', waId: '972987654321', profileName: 'User A', userId: null }] },
	'system__phone_number_change.json': { messages: [{ kind: 'other', originalType: 'system', waId: '972987654321', profileName: null }] },
	'user_marketing_preferences__resume.json': { otherFields: ['user_preferences'] },
	'user_marketing_preferences__signup.json': { otherFields: ['user_preferences'] },
};

describe('parseWebhookPayload over every sample payload', () => {
	it('has an expectation for every sample file', () => {
		expect(readdirSync(SAMPLES).filter((name) => name.endsWith('.json')).sort()).toEqual(Object.keys(EXPECTED).sort());
	});

	it.each(Object.entries(EXPECTED))('%s', (file, expected) => {
		const delivery = parseWebhookPayload(load(file));
		if (!delivery.ok) throw new Error(`rejected: ${delivery.reason}`);
		expect(delivery.messages).toHaveLength(expected.messages?.length ?? 0);
		(expected.messages ?? []).forEach((message, index) => expect(delivery.messages[index]).toMatchObject(message));
		// Status callbacks never come out as messages.
		expect(delivery.statuses.map((status) => status.status)).toEqual(expected.statuses ?? []);
		expect(delivery.otherEvents.map((event) => event.field)).toEqual(expected.otherFields ?? []);
	});

	it('keeps the error details of a failed status', () => {
		const delivery = parseWebhookPayload(load('message_status__failed.json'));
		if (!delivery.ok) throw new Error('rejected');
		expect(delivery.statuses[0].errors[0].code).toEqual(expect.any(Number));
	});
});

describe('deliveries with several messages and bad input', () => {
	it('yields one item per message of a batch, across entries and changes', () => {
		const first = load('message__document.json') as { entry: Array<{ changes: Array<{ value: { messages: Array<Record<string, unknown>> } }> }> };
		const second = load('message__text.json') as typeof first;
		first.entry[0].changes[0].value.messages.push({ ...second.entry[0].changes[0].value.messages[0], id: 'wamid.second' });
		first.entry.push((load('message__reaction.json') as typeof first).entry[0]);
		const delivery = parseWebhookPayload(first);
		if (!delivery.ok) throw new Error('rejected');
		expect(delivery.messages.map((message) => [message.messageId, message.kind])).toEqual([
			['wamid.xyzxyz', 'document'],
			['wamid.second', 'text'],
			['wamid.xyzxyz', 'reaction'],
		]);
	});

	it('reports invalid JSON and foreign envelopes instead of throwing', () => {
		expect(parseWebhookBody('{"object": ')).toMatchObject({ ok: false, reason: 'invalid_json' });
		expect(parseWebhookBody('[]')).toMatchObject({ ok: false, reason: 'unexpected_envelope' });
		expect(parseWebhookBody('{"object":"page","entry":[]}')).toMatchObject({ ok: false, reason: 'unexpected_envelope' });
		expect(parseWebhookBody(Buffer.from('null'))).toMatchObject({ ok: false, reason: 'unexpected_envelope' });
	});

	it('skips malformed messages but keeps the good ones', () => {
		const delivery = parseWebhookPayload({
			object: 'whatsapp_business_account',
			entry: [{ changes: [{ field: 'messages', value: { messages: [null, { type: 'text' }, { id: 'wamid.ok', from: '33600000000', type: 'document', document: {} }, { id: 'wamid.t', type: 'text', text: { body: 'hi' } }] } }] }, 'junk'],
		});
		if (!delivery.ok) throw new Error('rejected');
		expect(delivery.messages.map((message) => [message.messageId, message.kind])).toEqual([
			['wamid.ok', 'other'],
			['wamid.t', 'text'],
		]);
	});

	it('reads a file size given as a string', () => {
		const payload = load('message__document.json') as { entry: Array<{ changes: Array<{ value: { messages: Array<{ document: Record<string, unknown> }> } }> }> };
		payload.entry[0].changes[0].value.messages[0].document.file_size = '16777216';
		const delivery = parseWebhookPayload(payload);
		if (!delivery.ok) throw new Error('rejected');
		expect(delivery.messages[0].document?.fileSize).toBe(16777216);
	});
});
