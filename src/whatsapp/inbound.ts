/**
 * Turns WhatsApp Cloud API webhook deliveries into one flat item per inbound message (and per status update).
 * Pure and defensive: any shape Meta may send (or a forger may post) gives items or a clear rejection, never a throw.
 */

export type InboundKind = 'document' | 'text' | 'choice' | 'reaction' | 'other';

/** Media types that carry a file. All go down the document path, where the file check decides from the bytes. */
const FILE_MESSAGE_TYPES = ['document', 'image', 'sticker', 'audio', 'video'] as const;
type FileMessageType = (typeof FILE_MESSAGE_TYPES)[number];

export interface InboundDocument {
	mediaId: string;
	/** WhatsApp's message type: a photo arrives as `image`, a file as `document`. */
	mediaType: FileMessageType;
	/** As declared by the sender's app: informative only, the file check sniffs the bytes. */
	mimeType: string | null;
	sha256: string | null;
	fileSize: number | null;
	fileName: string | null;
	caption: string | null;
	/** Newer payloads carry a short-lived download link; the media id stays the reliable handle. */
	url: string | null;
}

export interface InboundChoice {
	id: string;
	title: string | null;
	description: string | null;
	/** `list_reply` (interactive list), `button_reply` (reply button) or `button` (template quick reply). */
	source: 'list_reply' | 'button_reply' | 'button';
}

export interface InboundError {
	code: number | null;
	title: string | null;
	message: string | null;
	details: string | null;
}

export interface InboundMessage {
	messageId: string;
	/** The sender's WhatsApp id (phone digits without +); null for username-only senders (BSUID era). */
	waId: string | null;
	/** Business-scoped user id, present on newer payloads; stable even when the phone number is absent. */
	userId: string | null;
	username: string | null;
	profileName: string | null;
	/** Unix seconds, as sent by Meta. */
	timestamp: number | null;
	receivedAt: string | null;
	businessPhoneNumberId: string | null;
	businessDisplayPhoneNumber: string | null;
	kind: InboundKind;
	/** Meta's `type` field, kept for every kind (e.g. `sticker`, `location`, `unsupported`). */
	originalType: string;
	forwarded: boolean;
	/** The message this one answers (a reply, or the list a choice was made in). */
	replyToMessageId: string | null;
	document: InboundDocument | null;
	text: { body: string } | null;
	choice: InboundChoice | null;
	/** `emoji` is '' when the user removed their reaction. */
	reaction: { messageId: string; emoji: string } | null;
	errors: InboundError[];
}

export interface StatusUpdate {
	messageId: string;
	status: string;
	recipientId: string | null;
	timestamp: number | null;
	businessPhoneNumberId: string | null;
	conversationId: string | null;
	pricingCategory: string | null;
	errors: InboundError[];
}

export interface OtherEvent {
	field: string;
	businessPhoneNumberId: string | null;
	value: Record<string, unknown>;
}

export type ParsedDelivery =
	| { ok: true; messages: InboundMessage[]; statuses: StatusUpdate[]; otherEvents: OtherEvent[] }
	| { ok: false; reason: 'invalid_json' | 'unexpected_envelope'; detail: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function asArray(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}
function str(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}
function int(value: unknown): number | null {
	const text = str(value);
	if (text === null || !/^\d+$/.test(text.trim())) return null;
	const parsed = Number(text);
	return Number.isSafeInteger(parsed) ? parsed : null;
}

function parseErrors(value: unknown): InboundError[] {
	return asArray(value)
		.filter(isObject)
		.map((error) => ({
			code: int(error.code),
			title: str(error.title),
			message: str(error.message),
			details: isObject(error.error_data) ? str(error.error_data.details) : null,
		}));
}

function parseDocument(type: FileMessageType, payload: unknown): InboundDocument | null {
	if (!isObject(payload)) return null;
	const mediaId = str(payload.id);
	if (mediaId === null) return null;
	return {
		mediaId,
		mediaType: type,
		mimeType: str(payload.mime_type),
		sha256: str(payload.sha256),
		fileSize: int(payload.file_size),
		fileName: str(payload.filename),
		caption: str(payload.caption),
		url: str(payload.url),
	};
}

function parseChoice(message: JsonObject): InboundChoice | null {
	if (message.type === 'button' && isObject(message.button)) {
		const id = str(message.button.payload) ?? str(message.button.text);
		return id === null ? null : { id, title: str(message.button.text), description: null, source: 'button' };
	}
	const interactive = message.interactive;
	if (!isObject(interactive)) return null;
	for (const source of ['list_reply', 'button_reply'] as const) {
		const reply = interactive[source];
		if (interactive.type === source && isObject(reply)) {
			const id = str(reply.id);
			if (id === null) return null;
			return { id, title: str(reply.title), description: str(reply.description), source };
		}
	}
	return null;
}

interface Sender {
	waId: string | null;
	userId: string | null;
	username: string | null;
	profileName: string | null;
}

function contactsBySender(value: JsonObject): Sender[] {
	return asArray(value.contacts)
		.filter(isObject)
		.map((contact) => ({
			waId: str(contact.wa_id),
			userId: str(contact.user_id),
			username: str(contact.username) ?? (isObject(contact.profile) ? str(contact.profile.username) : null),
			profileName: isObject(contact.profile) ? str(contact.profile.name) : null,
		}));
}

function parseMessage(message: JsonObject, contacts: Sender[], metadata: JsonObject, valueErrors: InboundError[]): InboundMessage | null {
	const messageId = str(message.id);
	if (messageId === null) return null;
	const from = str(message.from);
	const fromUserId = str(message.from_user_id);
	// With one contact per delivery (Meta's practice) it is the sender; otherwise match on wa_id / user id.
	const contact =
		contacts.find((candidate) => (from !== null && candidate.waId === from) || (fromUserId !== null && candidate.userId === fromUserId)) ??
		(contacts.length === 1 ? contacts[0] : undefined);
	const type = str(message.type) ?? 'unknown';
	const timestamp = int(message.timestamp);
	const context = isObject(message.context) ? message.context : {};

	const base: InboundMessage = {
		messageId,
		waId: from ?? contact?.waId ?? null,
		userId: fromUserId ?? contact?.userId ?? null,
		username: contact?.username ?? null,
		profileName: contact?.profileName ?? null,
		timestamp,
		receivedAt: timestamp === null ? null : new Date(timestamp * 1000).toISOString(),
		businessPhoneNumberId: str(metadata.phone_number_id),
		businessDisplayPhoneNumber: str(metadata.display_phone_number),
		kind: 'other',
		originalType: type,
		forwarded: context.forwarded === true || context.frequently_forwarded === true,
		replyToMessageId: str(context.id),
		document: null,
		text: null,
		choice: null,
		reaction: null,
		errors: [...parseErrors(message.errors), ...valueErrors],
	};

	if ((FILE_MESSAGE_TYPES as readonly string[]).includes(type)) {
		const document = parseDocument(type as FileMessageType, message[type]);
		if (document) return { ...base, kind: 'document', document };
	} else if (type === 'text' && isObject(message.text) && typeof message.text.body === 'string') {
		return { ...base, kind: 'text', text: { body: message.text.body } };
	} else if (type === 'interactive' || type === 'button') {
		const choice = parseChoice(message);
		if (choice) return { ...base, kind: 'choice', choice };
	} else if (type === 'reaction' && isObject(message.reaction)) {
		const target = str(message.reaction.message_id);
		if (target !== null) return { ...base, kind: 'reaction', reaction: { messageId: target, emoji: str(message.reaction.emoji) ?? '' } };
	}
	if (type === 'unsupported' && isObject(message.unsupported)) {
		return { ...base, originalType: `unsupported:${str(message.unsupported.type) ?? 'unknown'}` };
	}
	return base;
}

function parseStatus(status: JsonObject, metadata: JsonObject): StatusUpdate | null {
	const messageId = str(status.id);
	const state = str(status.status);
	if (messageId === null || state === null) return null;
	return {
		messageId,
		status: state,
		recipientId: str(status.recipient_id),
		timestamp: int(status.timestamp),
		businessPhoneNumberId: str(metadata.phone_number_id),
		conversationId: isObject(status.conversation) ? str(status.conversation.id) : null,
		pricingCategory: isObject(status.pricing) ? str(status.pricing.category) : null,
		errors: parseErrors(status.errors),
	};
}

/** Parses a parsed JSON body. `whatsapp_business_account` envelopes only; anything else is `unexpected_envelope`. */
export function parseWebhookPayload(body: unknown): ParsedDelivery {
	if (!isObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
		return { ok: false, reason: 'unexpected_envelope', detail: 'Expected {"object":"whatsapp_business_account","entry":[…]}' };
	}
	const messages: InboundMessage[] = [];
	const statuses: StatusUpdate[] = [];
	const otherEvents: OtherEvent[] = [];
	for (const entry of body.entry.filter(isObject)) {
		for (const change of asArray(entry.changes).filter(isObject)) {
			const value = isObject(change.value) ? change.value : {};
			const metadata = isObject(value.metadata) ? value.metadata : {};
			const field = str(change.field) ?? 'unknown';
			if (field !== 'messages') {
				otherEvents.push({ field, businessPhoneNumberId: str(metadata.phone_number_id), value });
				continue;
			}
			const contacts = contactsBySender(value);
			const valueErrors = parseErrors(value.errors);
			for (const message of asArray(value.messages).filter(isObject)) {
				const parsed = parseMessage(message, contacts, metadata, valueErrors);
				if (parsed) messages.push(parsed);
			}
			for (const status of asArray(value.statuses).filter(isObject)) {
				const parsed = parseStatus(status, metadata);
				if (parsed) statuses.push(parsed);
			}
		}
	}
	return { ok: true, messages, statuses, otherEvents };
}

/** Parses the raw request body: invalid JSON is reported, not thrown. */
export function parseWebhookBody(rawBody: Buffer | string): ParsedDelivery {
	let body: unknown;
	try {
		body = JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody);
	} catch (error) {
		return { ok: false, reason: 'invalid_json', detail: (error as Error).message };
	}
	return parseWebhookPayload(body);
}
