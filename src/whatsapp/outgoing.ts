/**
 * Request bodies for POST /{version}/{phone-number-id}/messages, following Meta's documented shapes and limits.
 */

/** Meta's limits for interactive list messages. */
export const LIST_LIMITS = {
	rows: 10,
	rowTitle: 24,
	rowId: 200,
	rowDescription: 72,
	button: 20,
	header: 60,
	footer: 60,
	body: 4096,
	sectionTitle: 24,
} as const;

/**
 * Meta's limits for interactive reply-button messages. api-contracts §2.6 confirms 3 buttons and 20-character titles;
 * the id and body limits are those of Meta's reply-buttons reference.
 */
export const BUTTON_LIMITS = {
	buttons: 3,
	title: 20,
	id: 256,
	body: 1024,
	header: 60,
	footer: 60,
} as const;

/** Meta's limit for a template's buttons (index 0 to 9). */
export const TEMPLATE_BUTTON_LIMIT = 10;

export const TEXT_BODY_LIMIT = 4096;

export interface ReactionBody {
	messaging_product: 'whatsapp';
	recipient_type: 'individual';
	to: string;
	type: 'reaction';
	reaction: { message_id: string; emoji: string };
}

/** An emoji reaction on a message; an empty emoji removes ours. One reaction per message: a new one replaces the old. */
export function buildReaction(to: string, messageId: string, emoji: string): ReactionBody {
	return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'reaction', reaction: { message_id: messageId, emoji } };
}

export function buildText(to: string, body: string, options: { previewUrl?: boolean; replyToMessageId?: string } = {}) {
	return {
		messaging_product: 'whatsapp' as const,
		recipient_type: 'individual' as const,
		to,
		...(options.replyToMessageId ? { context: { message_id: options.replyToMessageId } } : {}),
		type: 'text' as const,
		text: { preview_url: options.previewUrl ?? false, body: truncate(body, TEXT_BODY_LIMIT) },
	};
}

export function buildMarkAsRead(messageId: string, typingIndicator: boolean) {
	return {
		messaging_product: 'whatsapp' as const,
		status: 'read' as const,
		message_id: messageId,
		...(typingIndicator ? { typing_indicator: { type: 'text' as const } } : {}),
	};
}

export interface TemplateMessage {
	/** The name of a template the WhatsApp Business Account has had approved. */
	name: string;
	/** The language it was approved in, as Meta writes it: `en`, `en_US`, `fr`… */
	languageCode: string;
	/** The body's `{{1}}`, `{{2}}`… in order. */
	bodyParameters: readonly string[];
	/** What each quick-reply button sends back (the inbound `button.payload`), in the order of the template's buttons. */
	quickReplyPayloads?: readonly string[];
}

/** Meta refuses template parameters with line breaks, tabs or more than four spaces in a row. */
function templateParameter(text: string): string {
	return text.replace(/[\t\r\n]+/g, ' ').replace(/ {5,}/g, '    ');
}

/** A pre-approved template message: the only kind WhatsApp delivers more than 24 h after the user's last message. */
export function buildTemplate(to: string, template: TemplateMessage) {
	const parameters = template.bodyParameters.map((text) => ({ type: 'text' as const, text: templateParameter(text) }));
	const payloads = template.quickReplyPayloads ?? [];
	if (payloads.length > TEMPLATE_BUTTON_LIMIT) throw new RangeError(`A template has at most ${TEMPLATE_BUTTON_LIMIT} buttons, got ${payloads.length} quick-reply payloads`);
	const components = [
		...(parameters.length > 0 ? [{ type: 'body' as const, parameters }] : []),
		...payloads.map((payload, index) => ({
			type: 'button' as const,
			sub_type: 'quick_reply' as const,
			index: String(index),
			parameters: [{ type: 'payload' as const, payload }],
		})),
	];
	return {
		messaging_product: 'whatsapp' as const,
		recipient_type: 'individual' as const,
		to,
		type: 'template' as const,
		template: {
			name: template.name,
			language: { code: template.languageCode },
			...(components.length > 0 ? { components } : {}),
		},
	};
}

/** Cuts to `max` characters (whole code points, so emoji are never split), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
	const codePoints = Array.from(text);
	if (codePoints.length <= max) return text;
	return codePoints.slice(0, Math.max(0, max - 1)).join('').trimEnd() + '…';
}

export interface ListRow {
	id: string;
	title: string;
	description?: string;
}

export interface ListMessage {
	to: string;
	body: string;
	button: string;
	header?: string;
	footer?: string;
	sectionTitle?: string;
	rows: ListRow[];
}

/** Meta refuses a message whose row or button ids are empty, too long or repeated; ids are never cut (they are data). */
function checkRowIds(rows: readonly ListRow[], maxLength: number): void {
	const seen = new Set<string>();
	for (const row of rows) {
		if (row.id.length === 0 || row.id.length > maxLength) throw new RangeError(`Row id must be 1 to ${maxLength} characters: ${row.id}`);
		if (seen.has(row.id)) throw new RangeError(`Row ids must be unique: ${row.id} appears twice`);
		seen.add(row.id);
	}
}

export function buildList(message: ListMessage) {
	if (message.rows.length === 0 || message.rows.length > LIST_LIMITS.rows) {
		throw new RangeError(`An interactive list takes 1 to ${LIST_LIMITS.rows} rows, got ${message.rows.length}`);
	}
	checkRowIds(message.rows, LIST_LIMITS.rowId);
	return {
		messaging_product: 'whatsapp' as const,
		recipient_type: 'individual' as const,
		to: message.to,
		type: 'interactive' as const,
		interactive: {
			type: 'list' as const,
			...(message.header ? { header: { type: 'text' as const, text: truncate(message.header, LIST_LIMITS.header) } } : {}),
			body: { text: truncate(message.body, LIST_LIMITS.body) },
			...(message.footer ? { footer: { text: truncate(message.footer, LIST_LIMITS.footer) } } : {}),
			action: {
				button: truncate(message.button, LIST_LIMITS.button),
				sections: [
					{
						title: truncate(message.sectionTitle ?? 'Options', LIST_LIMITS.sectionTitle),
						rows: message.rows.map((row) => ({
							id: row.id,
							title: truncate(row.title, LIST_LIMITS.rowTitle),
							...(row.description ? { description: truncate(row.description, LIST_LIMITS.rowDescription) } : {}),
						})),
					},
				],
			},
		},
	};
}

/** Something to choose from: shown as reply buttons when it fits, otherwise as a list. */
export interface ChoiceMessage {
	body: string;
	/** The label of the button that opens the list (≤20); reply buttons have none. */
	button: string;
	rows: ListRow[];
	header?: string;
	footer?: string;
}

/**
 * Up to 3 choices become reply buttons (one tap, but only the title shows, so the body must carry the details);
 * 4 to 10 — or any number with `alwaysList`, when each choice needs its description — become a list with one
 * section. More than 10, or none, is refused.
 */
export function buildChoices(to: string, message: ChoiceMessage, options: { replyToMessageId?: string; alwaysList?: boolean } = {}) {
	const count = message.rows.length;
	if (count === 0 || count > LIST_LIMITS.rows) throw new RangeError(`A choices message takes 1 to ${LIST_LIMITS.rows} choices, got ${count}`);
	const context = options.replyToMessageId ? { context: { message_id: options.replyToMessageId } } : {};
	if (count > BUTTON_LIMITS.buttons || options.alwaysList) {
		const { header, footer, body, button, rows } = message;
		// The button label doubles as the section title: it is already in the reader's language, "Options" is not.
		return { ...buildList({ to, header, footer, body, button, rows, sectionTitle: button }), ...context };
	}
	checkRowIds(message.rows, BUTTON_LIMITS.id);
	return {
		messaging_product: 'whatsapp' as const,
		recipient_type: 'individual' as const,
		to,
		...context,
		type: 'interactive' as const,
		interactive: {
			type: 'button' as const,
			...(message.header ? { header: { type: 'text' as const, text: truncate(message.header, BUTTON_LIMITS.header) } } : {}),
			body: { text: truncate(message.body, BUTTON_LIMITS.body) },
			...(message.footer ? { footer: { text: truncate(message.footer, BUTTON_LIMITS.footer) } } : {}),
			action: {
				buttons: message.rows.map((row) => ({ type: 'reply' as const, reply: { id: row.id, title: truncate(row.title, BUTTON_LIMITS.title) } })),
			},
		},
	};
}

/** The id (wamid…) of the message Meta accepted, from the answer of POST /messages; null when it gives none. */
export function sentMessageId(response: unknown): string | null {
	const messages = (response as { messages?: unknown } | null)?.messages;
	const id = Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined)?.id : undefined;
	return typeof id === 'string' ? id : null;
}
