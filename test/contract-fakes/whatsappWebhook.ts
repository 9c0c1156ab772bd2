/**
 * Builds and signs WhatsApp webhook deliveries the way Meta sends them (api-contracts §2.2–2.3), for tests that
 * POST to a trigger: pywa sample messages (fixtures/api/whatsapp/pywa_samples) wrapped in a full envelope.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

import { loadFixture } from './fixtures';

export interface WebhookEnvelope {
	object: 'whatsapp_business_account';
	entry: Array<{ id: string; changes: Array<{ value: Record<string, unknown>; field: string }> }>;
}

export interface EnvelopeOptions {
	/** WhatsApp Business Account id. Default '1234567890987654321' (pywa samples). */
	wabaId?: string;
	/** Default '1122334455667', the WhatsAppFake's default phone number id. */
	phoneNumberId?: string;
	displayPhoneNumber?: string;
	/** Sender wa_id (digits, no +). Default '972987654321'. */
	from?: string;
	contactName?: string;
	/** Business-scoped user id (BSUID); null leaves it out. */
	userId?: string | null;
}

export interface MessageOptions extends EnvelopeOptions {
	/** Default: a fresh unique wamid. */
	messageId?: string;
	/** Unix seconds; default now. Meta sends it as a string. */
	timestamp?: number | string;
}

const DEFAULTS: Required<EnvelopeOptions> = {
	wabaId: '1234567890987654321',
	phoneNumberId: '1122334455667',
	displayPhoneNumber: '972123456789',
	from: '972987654321',
	contactName: 'Test Name',
	userId: 'US.13491208655302741918',
};

/**
 * JSON the way Meta puts it on the wire: compact, every non-ASCII character as a lower-case \uXXXX escape.
 * The signature is computed over exactly these bytes.
 */
export function metaJson(value: unknown): string {
	return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The X-Hub-Signature-256 header value: sha256=<hex HMAC-SHA256(app secret, raw body)>. */
export function signWebhook(appSecret: string, rawBody: string | Buffer): string {
	return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** A pywa sample as stored, e.g. 'message__document' (fixtures/api/whatsapp/pywa_samples/<name>.json). */
export function loadPywaSample(name: string): WebhookEnvelope {
	return loadFixture<WebhookEnvelope>(`whatsapp/pywa_samples/${name.replace(/\.json$/, '')}.json`);
}

/** The first message of a pywa sample (or its first status, for message_status__* samples). */
export function sampleMessage(name: string): Record<string, unknown> {
	const value = loadPywaSample(name).entry[0].changes[0].value;
	const items = (value.messages ?? value.statuses) as Array<Record<string, unknown>> | undefined;
	if (!items?.[0]) throw new Error(`pywa sample ${name} has no message or status`);
	return items[0];
}

/** A full webhook envelope around messages and/or statuses, with metadata and contacts filled in. */
export function buildEnvelope(content: { messages?: Array<Record<string, unknown>>; statuses?: Array<Record<string, unknown>>; errors?: unknown[] }, options: EnvelopeOptions = {}): WebhookEnvelope {
	const settings = { ...DEFAULTS, ...options };
	const value: Record<string, unknown> = {
		messaging_product: 'whatsapp',
		metadata: { display_phone_number: settings.displayPhoneNumber, phone_number_id: settings.phoneNumberId },
	};
	if (content.messages) value.contacts = [contact(settings)];
	if (content.messages) value.messages = content.messages;
	if (content.statuses) value.statuses = content.statuses;
	if (content.errors) value.errors = content.errors;
	return { object: 'whatsapp_business_account', entry: [{ id: settings.wabaId, changes: [{ value, field: 'messages' }] }] };
}

function contact(settings: Required<EnvelopeOptions>): Record<string, unknown> {
	const entry: Record<string, unknown> = { profile: { name: settings.contactName }, wa_id: settings.from };
	if (settings.userId) entry.user_id = settings.userId;
	return entry;
}

/**
 * A pywa sample message re-addressed to this test: fresh wamid, sender, timestamp, and the given changes merged
 * into the message (e.g. `{ document: { id: media.id } }` merges into the sample's document object).
 */
export function buildWebhookFromSample(sampleName: string, changes: Record<string, unknown> = {}, options: MessageOptions = {}): WebhookEnvelope {
	const message = deepMerge(sampleMessage(sampleName), changes);
	return buildEnvelope({ messages: [stamp(message, options)] }, options);
}

/** A message object with the common fields (from, id, timestamp) set. */
export function stamp(message: Record<string, unknown>, options: MessageOptions = {}): Record<string, unknown> {
	return {
		...message,
		from: options.from ?? DEFAULTS.from,
		id: options.messageId ?? newInboundWamid(),
		timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
	};
}

export function textMessage(body: string, options: MessageOptions = {}): WebhookEnvelope {
	return buildWebhookFromSample('message__text', { text: { body } }, options);
}

export interface MediaMessageInput {
	mediaId: string;
	mimeType: string;
	/** When given, sha256 is computed the way webhooks carry it (base64). */
	bytes?: Buffer;
	caption?: string;
}

export function imageMessage(media: MediaMessageInput, options: MessageOptions = {}): WebhookEnvelope {
	const image: Record<string, unknown> = { mime_type: media.mimeType, sha256: webhookSha256(media.bytes), id: media.mediaId };
	if (media.caption !== undefined) image.caption = media.caption;
	return buildEnvelope({ messages: [stamp({ type: 'image', image }, options)] }, options);
}

export function documentMessage(media: MediaMessageInput & { fileName: string }, options: MessageOptions = {}): WebhookEnvelope {
	const document: Record<string, unknown> = { filename: media.fileName, mime_type: media.mimeType, sha256: webhookSha256(media.bytes), id: media.mediaId };
	if (media.caption !== undefined) document.caption = media.caption;
	return buildEnvelope({ messages: [stamp({ type: 'document', document }, options)] }, options);
}

export interface ReplyOptions extends MessageOptions {
	/** The wamid of the message answered (our list, buttons or template); default: the sample's. */
	contextMessageId?: string;
}

/**
 * A tap on one of our messages: the pywa sample with its reply object replaced whole (so none of the sample's
 * fields, e.g. a list row's description, leak in), re-addressed to this test.
 */
function replyFromSample(sampleName: string, reply: Record<string, unknown>, options: ReplyOptions): WebhookEnvelope {
	const message: Record<string, unknown> = { ...sampleMessage(sampleName), ...reply };
	if (options.contextMessageId) message.context = { from: options.displayPhoneNumber ?? DEFAULTS.displayPhoneNumber, id: options.contextMessageId };
	return buildEnvelope({ messages: [stamp(message, options)] }, options);
}

/** The reply to an interactive list (pywa callback_selection__description). */
export function listReplyMessage(row: { id: string; title: string; description?: string }, options: ReplyOptions = {}): WebhookEnvelope {
	return replyFromSample('callback_selection__description', { interactive: { type: 'list_reply', list_reply: { ...row } } }, options);
}

/** A tap on a reply button (pywa callback_button__button): `interactive.button_reply` with the button's id and title. */
export function buttonReplyMessage(button: { id: string; title: string }, options: ReplyOptions = {}): WebhookEnvelope {
	return replyFromSample('callback_button__button', { interactive: { type: 'button_reply', button_reply: { ...button } } }, options);
}

/** A tap on a template's quick-reply button (pywa callback_button__quick_reply): `type: 'button'`, `button: {payload, text}`. */
export function quickReplyMessage(button: { payload: string; text: string }, options: ReplyOptions = {}): WebhookEnvelope {
	return replyFromSample('callback_button__quick_reply', { type: 'button', button: { ...button } }, options);
}

/** A delivery ready to POST: the raw body (Meta-escaped) and the headers Meta sends with it. */
export function signedDelivery(envelope: unknown, appSecret: string): { rawBody: string; headers: Record<string, string> } {
	const rawBody = metaJson(envelope);
	return {
		rawBody,
		headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(appSecret, rawBody), 'user-agent': 'facebookexternalua' },
	};
}

/** POSTs a signed delivery to a webhook URL (a trigger under test). */
export async function postWebhook(url: string, envelope: unknown, appSecret: string, init: { signature?: string } = {}): Promise<Response> {
	const { rawBody, headers } = signedDelivery(envelope, appSecret);
	if (init.signature !== undefined) headers['x-hub-signature-256'] = init.signature;
	return fetch(url, { method: 'POST', headers, body: rawBody });
}

function webhookSha256(bytes: Buffer | undefined): string {
	return bytes ? createHash('sha256').update(bytes).digest('base64') : randomBytes(32).toString('base64');
}

let inboundSequence = 0;

/** A wamid shaped like inbound ones, unique within the process. */
export function newInboundWamid(): string {
	const marker = `${Date.now().toString(16).toUpperCase()}${(++inboundSequence).toString(16).toUpperCase()}${randomBytes(6).toString('hex').toUpperCase()}`;
	return `wamid.HBgMOTcyOTg3NjU0MzIxFQIAEhgg${Buffer.from(marker).toString('base64')}`;
}

function deepMerge(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
	const merged: Record<string, unknown> = { ...base };
	for (const [key, value] of Object.entries(changes)) {
		const current = merged[key];
		merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
	}
	return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
