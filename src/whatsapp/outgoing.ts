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
}

/** Meta refuses template parameters with line breaks, tabs or more than four spaces in a row. */
function templateParameter(text: string): string {
	return text.replace(/[\t\r\n]+/g, ' ').replace(/ {5,}/g, '    ');
}

/** A pre-approved template message: the only kind WhatsApp delivers more than 24 h after the user's last message. */
export function buildTemplate(to: string, template: TemplateMessage) {
	const parameters = template.bodyParameters.map((text) => ({ type: 'text' as const, text: templateParameter(text) }));
	return {
		messaging_product: 'whatsapp' as const,
		recipient_type: 'individual' as const,
		to,
		type: 'template' as const,
		template: {
			name: template.name,
			language: { code: template.languageCode },
			...(parameters.length > 0 ? { components: [{ type: 'body' as const, parameters }] } : {}),
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

export function buildList(message: ListMessage) {
	if (message.rows.length === 0 || message.rows.length > LIST_LIMITS.rows) {
		throw new RangeError(`An interactive list takes 1 to ${LIST_LIMITS.rows} rows, got ${message.rows.length}`);
	}
	for (const row of message.rows) {
		if (row.id.length === 0 || row.id.length > LIST_LIMITS.rowId) throw new RangeError(`Row id must be 1 to ${LIST_LIMITS.rowId} characters: ${row.id}`);
	}
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

/** The id (wamid…) of the message Meta accepted, from the answer of POST /messages; null when it gives none. */
export function sentMessageId(response: unknown): string | null {
	const messages = (response as { messages?: unknown } | null)?.messages;
	const id = Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined)?.id : undefined;
	return typeof id === 'string' ? id : null;
}
