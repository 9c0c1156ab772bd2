/**
 * WhatsApp Cloud API (Graph API) stand-in (api-contracts §2.4, §2.6): media metadata + lookaside-style download
 * URLs that expire, and POST /{version}/{phone-number-id}/messages with Meta's validation and error envelope.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { loadFixture } from './fixtures';
import { ContractFake, type FakeResponse, type FakeServerOptions, type InjectOptions, type RecordedRequest, type RouteContext } from './server';
import { sha256Hex } from './sniff';
import { codeForStatus, graphError, type GraphErrorSpec, isObject, unknownObject, validateOutgoing } from './whatsappRules';

export type WhatsAppRoute = 'media.get' | 'media.download' | 'messages.send';

export interface WhatsAppFakeOptions extends FakeServerOptions {
	/** Bearer token the fake accepts. Default 'fake-whatsapp-access-token'. */
	accessToken?: string;
	/** The business phone number id that may send. Default '1122334455667' (the pywa samples' metadata). */
	phoneNumberId?: string;
	/** How long a media URL stays valid. Default 5 minutes (Meta). */
	mediaUrlTtlMs?: number;
	/** How `file_size` is written in media metadata. Default 'string', like get_media.response.json. */
	fileSizeAs?: 'string' | 'number';
	/** What an expired media URL answers. Default 404. */
	expiredUrlStatus?: 401 | 404;
}

export interface MediaRegistration {
	/** Default: a fresh numeric id like Meta's. */
	id?: string;
	bytes: Buffer;
	mimeType: string;
	fileName?: string;
	/** Size announced in the metadata instead of bytes.length (e.g. 16 MB without holding 16 MB). */
	declaredSize?: number;
	/** Overrides the sha256 computed from the bytes. */
	sha256?: string;
	/** Overrides the fake's fileSizeAs for this media. */
	fileSizeAs?: 'string' | 'number';
}

export interface RegisteredMedia {
	id: string;
	bytes: Buffer;
	mimeType: string;
	fileName?: string;
	sha256: string;
	fileSize: number;
	fileSizeAs: 'string' | 'number';
}

export interface SentMessage {
	wamid: string;
	phoneNumberId: string;
	to: string;
	type: string;
	/** The JSON body as received. */
	body: Record<string, unknown>;
	timestamp: number;
}

export interface SentReaction {
	wamid: string;
	to: string;
	messageId: string;
	/** "" means the reaction was removed. */
	emoji: string;
	/** When the fake received the send (its clock), e.g. to time how long after a delivery the reaction came. */
	timestamp: number;
}

export interface SentText {
	wamid: string;
	to: string;
	body: string;
	previewUrl?: boolean;
	/** context.message_id when the text replies to a message. */
	replyTo?: string;
}

export interface SentList {
	wamid: string;
	to: string;
	header?: string;
	body: string;
	footer?: string;
	button: string;
	rows: Array<{ id: string; title: string; description?: string; section?: string }>;
	interactive: Record<string, unknown>;
}

/** A choice message as the reader sees it: reply buttons or a list, rows flattened. */
export interface SentChoices {
	wamid: string;
	to: string;
	kind: 'buttons' | 'list';
	header?: string;
	body: string;
	footer?: string;
	/** The label of the list's button; reply buttons have none. */
	button?: string;
	/** Reply buttons have no description. */
	rows: Array<{ id: string; title: string; description?: string }>;
	/** context.message_id when the message replies to one. */
	replyTo?: string;
}

export interface SentTemplate {
	wamid: string;
	to: string;
	name: string;
	languageCode: string;
	/** The body component's text parameters, in order. */
	bodyParameters: string[];
	/** The quick-reply buttons' payloads, by button index. */
	quickReplyPayloads: string[];
}

export interface ReadReceipt {
	messageId: string;
	typingIndicator: boolean;
	timestamp: number;
}

interface IssuedUrl {
	mediaId: string;
	expiresAt: number;
}

const DEFAULT_TOKEN = 'fake-whatsapp-access-token';
const DEFAULT_PHONE_NUMBER_ID = '1122334455667';
const VERSION = String.raw`(?<version>v\d+\.\d+)`;

export class WhatsAppFake extends ContractFake<WhatsAppRoute> {
	readonly accessToken: string;
	readonly phoneNumberId: string;
	private media = new Map<string, RegisteredMedia>();
	private issuedUrls = new Map<string, IssuedUrl>();
	private sentMessages: SentMessage[] = [];
	private receipts: ReadReceipt[] = [];
	private expireNextDownloads = 0;
	private readonly urlSecret = randomBytes(16);
	private mediaSequence = 0;
	private wamidSequence = 0;

	constructor(private readonly options: WhatsAppFakeOptions = {}) {
		super(options);
		this.accessToken = options.accessToken ?? DEFAULT_TOKEN;
		this.phoneNumberId = options.phoneNumberId ?? DEFAULT_PHONE_NUMBER_ID;
		this.route('media.download', 'GET', '/whatsapp_business/attachments/', (context) => this.download(context));
		this.route('media.get', 'GET', new RegExp(`^/${VERSION}/(?<mediaId>[^/]+)$`), (context) => this.mediaMetadata(context));
		this.route('messages.send', 'POST', new RegExp(`^/${VERSION}/(?<phoneNumberId>[^/]+)/messages$`), (context) => this.send(context));
	}

	/** Graph base URL for a credential, e.g. http://127.0.0.1:1234 (the version goes in the path). */
	get graphBaseUrl(): string {
		return this.url;
	}

	addMedia(registration: MediaRegistration): RegisteredMedia {
		const id = registration.id ?? String(1_000_000_000_000_000 + ++this.mediaSequence);
		const media: RegisteredMedia = {
			id,
			bytes: registration.bytes,
			mimeType: registration.mimeType,
			fileName: registration.fileName,
			sha256: registration.sha256 ?? sha256Hex(registration.bytes),
			fileSize: registration.declaredSize ?? registration.bytes.length,
			fileSizeAs: registration.fileSizeAs ?? this.options.fileSizeAs ?? 'string',
		};
		this.media.set(id, media);
		return media;
	}

	removeMedia(id: string): void {
		this.media.delete(id);
	}

	/** Every media URL handed out so far stops working (as after 5 minutes). */
	expireMediaUrls(): void {
		for (const issued of this.issuedUrls.values()) issued.expiresAt = -Infinity;
	}

	/** The next `times` downloads answer as expired, whatever their age. */
	expireNextDownload(times = 1): void {
		this.expireNextDownloads += times;
	}

	/** Next sends answer this Graph error (e.g. 131047 outside the 24-h window, 130429 throughput, 190 token). */
	failNextSend(spec: GraphErrorSpec & { to?: string }, options: InjectOptions = {}): void {
		const error = graphError(spec);
		const when = spec.to === undefined ? options.when : (request: RecordedRequest) => recipientOf(request) === spec.to && (options.when?.(request) ?? true);
		this.inject('messages.send', { kind: 'status', status: error.status, body: error.json }, { times: options.times, when });
	}

	/** Next media metadata requests answer this Graph error. */
	failNextMediaLookup(spec: GraphErrorSpec, options: InjectOptions = {}): void {
		const error = graphError(spec);
		this.inject('media.get', { kind: 'status', status: error.status, body: error.json }, options);
	}

	sent(filter: { to?: string; type?: string } = {}): SentMessage[] {
		return this.sentMessages.filter((message) => (filter.to === undefined || message.to === filter.to) && (filter.type === undefined || message.type === filter.type));
	}

	sentReactions(to?: string): SentReaction[] {
		return this.sent({ to, type: 'reaction' }).map((message) => {
			const reaction = message.body.reaction as { message_id: string; emoji: string };
			return { wamid: message.wamid, to: message.to, messageId: reaction.message_id, emoji: reaction.emoji, timestamp: message.timestamp };
		});
	}

	/** The reaction currently shown on a message (the last one sent replaces the earlier ones); undefined when none or removed. */
	reactionOn(messageId: string): string | undefined {
		const last = this.sentReactions().filter((reaction) => reaction.messageId === messageId).at(-1);
		return last && last.emoji !== '' ? last.emoji : undefined;
	}

	sentTexts(to?: string): SentText[] {
		return this.sent({ to, type: 'text' }).map((message) => {
			const text = message.body.text as { body: string; preview_url?: boolean };
			const context = message.body.context as { message_id?: string } | undefined;
			return { wamid: message.wamid, to: message.to, body: text.body, previewUrl: text.preview_url, replyTo: context?.message_id };
		});
	}

	sentLists(to?: string): SentList[] {
		return this.sent({ to, type: 'interactive' })
			.filter((message) => (message.body.interactive as { type?: string }).type === 'list')
			.map((message) => toSentList(message));
	}

	/** Reply-button and list messages, in the order sent. */
	choicesSentTo(to?: string): SentChoices[] {
		return this.sent({ to, type: 'interactive' })
			.filter((message) => ['button', 'list'].includes(String((message.body.interactive as { type?: string }).type)))
			.map((message) => toSentChoices(message));
	}

	templatesSentTo(to?: string): SentTemplate[] {
		return this.sent({ to, type: 'template' }).map((message) => toSentTemplate(message));
	}

	readReceipts(): ReadReceipt[] {
		return [...this.receipts];
	}

	protected resetState(): void {
		this.media = new Map();
		this.issuedUrls = new Map();
		this.sentMessages = [];
		this.receipts = [];
		this.expireNextDownloads = 0;
	}

	protected errorResponse(status: number, route: WhatsAppRoute): FakeResponse {
		if (route === 'media.download') return { status, body: '' };
		return graphError({ code: codeForStatus(status), status });
	}

	protected notFound(request: RecordedRequest): FakeResponse {
		return graphError({ code: 2500, message: `Unknown path components: ${request.path}`, details: 'Unknown path components', status: 400 });
	}

	private authorized(request: RecordedRequest): boolean {
		return request.headers.authorization === `Bearer ${this.accessToken}`;
	}

	private invalidToken(request: RecordedRequest): FakeResponse {
		const message = request.headers.authorization ? 'Invalid OAuth access token - Cannot parse access token' : 'An active access token must be used to query information about the current user.';
		return graphError({ code: 190, message, details: message, status: 401 });
	}

	private mediaMetadata({ request, params }: RouteContext): FakeResponse {
		if (!this.authorized(request)) return this.invalidToken(request);
		// The same path shape reads the business phone number (what the credential test calls).
		if (params.mediaId === this.phoneNumberId) {
			return { status: 200, json: { display_phone_number: '+972 12-345-6789', verified_name: 'Invoice Inbox (fake)', quality_rating: 'GREEN', id: this.phoneNumberId } };
		}
		const media = this.media.get(params.mediaId);
		if (!media) return unknownObject('GET', params.mediaId);
		const body = loadFixture<Record<string, unknown>>('whatsapp/outgoing/get_media.response.json');
		body.url = this.issueUrl(media.id);
		body.mime_type = media.mimeType;
		body.sha256 = media.sha256;
		body.file_size = media.fileSizeAs === 'string' ? String(media.fileSize) : media.fileSize;
		body.id = media.id;
		return { status: 200, json: body };
	}

	private issueUrl(mediaId: string): string {
		const expiresAt = this.clock.now() + (this.options.mediaUrlTtlMs ?? 5 * 60_000);
		const ext = Math.floor(expiresAt / 1000);
		const hash = `AT${createHmac('sha256', this.urlSecret).update(`${mediaId}.${ext}.${this.issuedUrls.size}`).digest('base64url').slice(0, 30)}`;
		this.issuedUrls.set(hash, { mediaId, expiresAt });
		return `${this.publicUrl}/whatsapp_business/attachments/?mid=${mediaId}&source=getMedia&ext=${ext}&hash=${hash}`;
	}

	private download({ request }: RouteContext): FakeResponse {
		const issued = this.issuedUrls.get(String(request.query.hash ?? ''));
		if (!issued || issued.mediaId !== request.query.mid) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'URL signature mismatch' };
		if (!this.authorized(request)) return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized' };
		if (this.expireNextDownloads > 0 || this.clock.now() > issued.expiresAt) {
			this.expireNextDownloads = Math.max(0, this.expireNextDownloads - 1);
			return { status: this.options.expiredUrlStatus ?? 404, headers: { 'content-type': 'text/plain' }, body: 'URL signature expired' };
		}
		const media = this.media.get(issued.mediaId);
		if (!media) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
		const headers: Record<string, string> = { 'content-type': media.mimeType };
		if (media.fileName) headers['content-disposition'] = `attachment; filename="${media.fileName.replace(/"/g, '')}"`;
		return { status: 200, headers, body: media.bytes };
	}

	private send({ request, params }: RouteContext): FakeResponse {
		if (!this.authorized(request)) return this.invalidToken(request);
		if (params.phoneNumberId !== this.phoneNumberId) return unknownObject('POST', params.phoneNumberId);
		if (request.json === undefined) return graphError({ code: 100, details: 'The request body must be JSON (Content-Type: application/json).' });
		const problem = validateOutgoing(request.json);
		if (problem) return graphError(problem);
		const body = request.json as Record<string, unknown>;
		if (body.status === 'read') return this.markRead(body);
		return this.acceptMessage(body, params.phoneNumberId);
	}

	private markRead(body: Record<string, unknown>): FakeResponse {
		this.receipts.push({ messageId: String(body.message_id), typingIndicator: isObject(body.typing_indicator), timestamp: this.clock.now() });
		return { status: 200, json: { success: true } };
	}

	private acceptMessage(body: Record<string, unknown>, phoneNumberId: string): FakeResponse {
		const to = String(body.to);
		const wamid = this.newWamid(to);
		this.sentMessages.push({ wamid, phoneNumberId, to, type: String(body.type ?? 'text'), body, timestamp: this.clock.now() });
		const response = loadFixture<{ contacts: Array<Record<string, string>>; messages: Array<Record<string, string>> }>('whatsapp/outgoing/send_message.response.json');
		response.contacts = [{ input: to, wa_id: to.replace(/\D/g, '') }];
		response.messages = [{ id: wamid }];
		return { status: 200, json: response };
	}

	private newWamid(to: string): string {
		const payload = Buffer.concat([Buffer.from(`${to.replace(/\D/g, '')}`), Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]), Buffer.from(randomBytes(9).toString('hex').toUpperCase() + String(++this.wamidSequence))]);
		return `wamid.HBgL${payload.toString('base64')}`;
	}
}

function recipientOf(request: RecordedRequest): string | undefined {
	return isObject(request.json) && typeof request.json.to === 'string' ? request.json.to : undefined;
}

function toSentList(message: SentMessage): SentList {
	const interactive = message.body.interactive as {
		header?: { text?: string };
		body: { text: string };
		footer?: { text?: string };
		action: { button: string; sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }> };
	};
	const rows = interactive.action.sections.flatMap((section) => section.rows.map((row) => ({ ...row, section: section.title })));
	return {
		wamid: message.wamid,
		to: message.to,
		header: interactive.header?.text,
		body: interactive.body.text,
		footer: interactive.footer?.text,
		button: interactive.action.button,
		rows,
		interactive: message.body.interactive as Record<string, unknown>,
	};
}

function toSentChoices(message: SentMessage): SentChoices {
	const interactive = message.body.interactive as {
		type: 'button' | 'list';
		header?: { text?: string };
		body: { text: string };
		footer?: { text?: string };
		action: { buttons?: Array<{ reply: { id: string; title: string } }> };
	};
	const context = message.body.context as { message_id?: string } | undefined;
	const common = { wamid: message.wamid, to: message.to, header: interactive.header?.text, body: interactive.body.text, footer: interactive.footer?.text, replyTo: context?.message_id };
	if (interactive.type === 'list') {
		const list = toSentList(message);
		return { ...common, kind: 'list', button: list.button, rows: list.rows.map(({ id, title, description }) => ({ id, title, ...(description === undefined ? {} : { description }) })) };
	}
	return { ...common, kind: 'buttons', rows: (interactive.action.buttons ?? []).map((button) => ({ id: button.reply.id, title: button.reply.title })) };
}

function toSentTemplate(message: SentMessage): SentTemplate {
	const template = message.body.template as {
		name: string;
		language: { code: string };
		components?: Array<{ type: string; sub_type?: string; index?: string | number; parameters?: Array<{ text?: string; payload?: string }> }>;
	};
	const components = template.components ?? [];
	const body = components.find((component) => component.type === 'body');
	const quickReplies = components
		.filter((component) => component.type === 'button' && component.sub_type === 'quick_reply')
		.sort((a, b) => Number(a.index) - Number(b.index));
	return {
		wamid: message.wamid,
		to: message.to,
		name: template.name,
		languageCode: template.language.code,
		bodyParameters: (body?.parameters ?? []).map((parameter) => String(parameter.text)),
		quickReplyPayloads: quickReplies.map((component) => String(component.parameters?.[0]?.payload)),
	};
}
