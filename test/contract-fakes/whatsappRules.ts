/**
 * What the Graph API checks on POST /{version}/{phone-number-id}/messages, and its error envelope
 * (api-contracts §2.6, §2.8; fixtures/api/whatsapp/outgoing/graph_error.response.json).
 */
import { randomBytes } from 'node:crypto';

import { loadFixture } from './fixtures';
import type { FakeResponse } from './server';

export interface GraphErrorSpec {
	code: number;
	/** Overrides the catalogue's details sentence. */
	details?: string;
	/** Overrides the catalogue's HTTP status. */
	status?: number;
	message?: string;
	type?: string;
}

interface CatalogueEntry {
	status: number;
	message: string;
	details: string;
	type?: string;
}

/** Meta's codes with the HTTP status, message and details the Cloud API answers with (400 mostly, 401 for 190). */
export const GRAPH_ERRORS: Record<number, CatalogueEntry> = {
	1: { status: 500, message: 'An unknown error has occurred.', details: 'An unknown error has occurred.' },
	2: { status: 503, message: 'Service temporarily unavailable', details: 'Service temporarily unavailable' },
	4: { status: 400, message: '(#4) Application request limit reached', details: 'Application request limit reached' },
	10: { status: 403, message: '(#10) Application does not have permission for this action', details: 'Permission denied' },
	100: { status: 400, message: '(#100) Invalid parameter', details: 'Invalid parameter', type: 'OAuthException' },
	190: { status: 401, message: 'Error validating access token: Session has expired.', details: 'The access token has expired or is invalid.' },
	200: { status: 403, message: '(#200) Permissions error', details: 'Permissions error' },
	368: { status: 400, message: '(#368) Temporarily blocked for policies violations', details: 'Temporarily blocked for policies violations' },
	80007: { status: 400, message: '(#80007) Rate limit issues', details: 'The WhatsApp Business Account has reached its rate limit.' },
	130429: { status: 400, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.' },
	130472: { status: 400, message: "(#130472) User's number is part of an experiment", details: "Failed to send message because this user's phone number is part of an experiment" },
	131000: { status: 500, message: '(#131000) Something went wrong', details: 'Message failed to send due to an unknown error.' },
	131005: { status: 403, message: '(#131005) Access denied', details: 'Permission is either not granted or has been removed.' },
	131008: { status: 400, message: '(#131008) Required parameter is missing', details: 'A required parameter is missing.' },
	131009: { status: 400, message: '(#131009) Parameter value is not valid', details: 'One or more parameter values are invalid.' },
	131016: { status: 503, message: '(#131016) Service unavailable', details: 'A service is temporarily unavailable.' },
	131026: { status: 400, message: '(#131026) Message undeliverable', details: 'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number, or the recipient has not accepted the new Terms of Service.' },
	131047: { status: 400, message: '(#131047) Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
	131048: { status: 400, message: '(#131048) Spam rate limit hit', details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.' },
	131052: { status: 400, message: '(#131052) Media download error', details: 'Unable to download the media sent by the user.' },
	131053: { status: 400, message: '(#131053) Media upload error', details: 'Unable to upload the media used in the message.' },
	131056: { status: 400, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.' },
};

/** The Graph error envelope, shaped like graph_error.response.json. */
export function graphError(spec: GraphErrorSpec): FakeResponse {
	const known = GRAPH_ERRORS[spec.code];
	const envelope = loadFixture<{ error: Record<string, unknown> }>('whatsapp/outgoing/graph_error.response.json');
	envelope.error.message = spec.message ?? known?.message ?? `(#${spec.code}) Error`;
	envelope.error.type = spec.type ?? known?.type ?? 'OAuthException';
	envelope.error.code = spec.code;
	envelope.error.error_data = { messaging_product: 'whatsapp', details: spec.details ?? known?.details ?? 'Error' };
	envelope.error.fbtrace_id = `A${randomBytes(16).toString('base64url').slice(0, 22)}`;
	return { status: spec.status ?? known?.status ?? 400, json: envelope };
}

/** Error code Meta uses for a plain HTTP status, for injected failures. */
export function codeForStatus(status: number): number {
	if (status === 401) return 190;
	if (status === 403) return 200;
	if (status === 429) return 130429;
	if (status === 503) return 2;
	if (status >= 500) return 131000;
	return 100;
}

/** Graph's "object does not exist" answer (unknown media id, phone number id or path). */
export function unknownObject(method: string, id: string): FakeResponse {
	return graphError({
		code: 100,
		type: 'GraphMethodException',
		message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
		details: 'Object does not exist',
	});
}

type Json = Record<string, unknown>;

const MESSAGE_TYPES = ['audio', 'contacts', 'document', 'image', 'interactive', 'location', 'reaction', 'sticker', 'template', 'text', 'video'];

export const LIST_LIMITS = { rows: 10, sections: 10, rowTitle: 24, rowId: 200, rowDescription: 72, button: 20, header: 60, footer: 60, body: 4096, sectionTitle: 24 };
/** Reply buttons (Meta's reply-buttons reference; api-contracts §2.6 confirms 3 buttons and 20-character titles). */
export const BUTTON_LIMITS = { buttons: 3, title: 20, id: 256, body: 1024 };
export const TEXT_LIMIT = 4096;
/** A template has at most 10 buttons, index 0 to 9. */
const TEMPLATE_BUTTON_INDEXES = 10;

/** Meta counts characters, not bytes; emoji count once. */
function length(text: string): number {
	return Array.from(text).length;
}

const missing = (param: string): GraphErrorSpec => ({ code: 100, message: `(#100) The parameter ${param} is required.`, details: `The parameter ${param} is required.` });
const invalid = (details: string): GraphErrorSpec => ({ code: 131009, details });

/** null when Meta would accept the body; otherwise the error it answers. */
export function validateOutgoing(body: unknown): GraphErrorSpec | null {
	if (!isObject(body)) return { code: 100, details: 'The request body must be a JSON object.' };
	if (body.messaging_product !== 'whatsapp') return missing('messaging_product');
	if (body.status === 'read') return validateMarkRead(body);
	if (typeof body.to !== 'string' || body.to === '') return missing('to');
	const type = body.type ?? 'text';
	if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type)) {
		return { code: 100, details: `Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${String(type)}".` };
	}
	if (!isObject(body[type])) return missing(type);
	if (type === 'text') return validateText(body.text as Json);
	if (type === 'reaction') return validateReaction(body.reaction as Json);
	if (type === 'interactive') return validateInteractive(body.interactive as Json);
	if (type === 'template') return validateTemplate(body.template as Json);
	return null;
}

/**
 * A template message names an approved template and its language. Body and header parameters are text values;
 * a quick-reply button component carries its payload: {type:'button', sub_type:'quick_reply', index:'0'…'9',
 * parameters:[{type:'payload', payload}]}.
 */
function validateTemplate(template: Json): GraphErrorSpec | null {
	if (typeof template.name !== 'string' || template.name === '') return missing("template['name']");
	if (!isObject(template.language) || typeof template.language.code !== 'string' || template.language.code === '') return missing("template['language']['code']");
	const components = template.components ?? [];
	if (!Array.isArray(components)) return invalid("template['components'] must be an array");
	const buttonIndexes = new Set<string>();
	for (const component of components) {
		if (!isObject(component) || typeof component.type !== 'string') return missing("template['components'][]['type']");
		const problem = component.type === 'button' ? validateTemplateButton(component, buttonIndexes) : validateTextParameters(component.parameters);
		if (problem) return problem;
	}
	return null;
}

function validateTextParameters(parameters: unknown): GraphErrorSpec | null {
	const list = parameters ?? [];
	if (!Array.isArray(list) || list.some((parameter) => !isObject(parameter) || parameter.type !== 'text' || typeof parameter.text !== 'string')) {
		return invalid('Template body parameters must be {type: "text", text}');
	}
	return null;
}

function validateTemplateButton(component: Json, seenIndexes: Set<string>): GraphErrorSpec | null {
	if (component.sub_type === undefined) return missing("template['components'][]['sub_type']");
	if (component.sub_type !== 'quick_reply') return invalid(`Button sub_type ${String(component.sub_type)} is not supported here; only quick_reply`);
	const index = typeof component.index === 'number' ? String(component.index) : component.index;
	if (index === undefined) return missing("template['components'][]['index']");
	if (typeof index !== 'string' || !/^\d+$/.test(index) || Number(index) >= TEMPLATE_BUTTON_INDEXES) {
		return invalid(`Button index must be 0 to ${TEMPLATE_BUTTON_INDEXES - 1}, got ${String(component.index)}`);
	}
	if (seenIndexes.has(index)) return invalid(`Button index ${index} is given twice`);
	seenIndexes.add(index);
	const parameters = component.parameters;
	if (!Array.isArray(parameters) || parameters.length !== 1) return invalid('A quick_reply button takes exactly one parameter {type: "payload", payload}');
	const [parameter] = parameters as unknown[];
	if (!isObject(parameter) || parameter.type !== 'payload' || typeof parameter.payload !== 'string' || parameter.payload === '') {
		return invalid('Quick reply button parameters must be {type: "payload", payload}');
	}
	return null;
}

function validateMarkRead(body: Json): GraphErrorSpec | null {
	if (typeof body.message_id !== 'string' || body.message_id === '') return missing('message_id');
	if (body.typing_indicator === undefined) return null;
	const indicator = body.typing_indicator;
	if (!isObject(indicator) || indicator.type !== 'text') return invalid("typing_indicator['type'] must be \"text\"");
	return null;
}

function validateText(text: Json): GraphErrorSpec | null {
	if (typeof text.body !== 'string' || text.body === '') return missing("text['body']");
	if (length(text.body) > TEXT_LIMIT) return { code: 100, details: `Param text['body'] must be at most ${TEXT_LIMIT} characters long.` };
	if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') return { code: 100, details: "Param text['preview_url'] must be a boolean." };
	return null;
}

function validateReaction(reaction: Json): GraphErrorSpec | null {
	if (typeof reaction.message_id !== 'string' || reaction.message_id === '') return missing("reaction['message_id']");
	// An empty emoji removes the reaction; the key itself is required.
	if (typeof reaction.emoji !== 'string') return missing("reaction['emoji']");
	return null;
}

function validateInteractive(interactive: Json): GraphErrorSpec | null {
	if (interactive.type !== 'list' && interactive.type !== 'button') return null; // other kinds: not used here, accepted
	const body = interactive.body;
	if (!isObject(body) || typeof body.text !== 'string' || body.text === '') return missing("interactive['body']['text']");
	const bodyLimit = interactive.type === 'list' ? LIST_LIMITS.body : BUTTON_LIMITS.body;
	if (length(body.text) > bodyLimit) return invalid(`Body text is too long. Max length is ${bodyLimit}`);
	const framing = validateHeaderFooter(interactive);
	if (framing) return framing;
	if (!isObject(interactive.action)) return missing("interactive['action']");
	return interactive.type === 'list' ? validateListAction(interactive.action) : validateButtonAction(interactive.action);
}

function validateHeaderFooter(interactive: Json): GraphErrorSpec | null {
	const header = interactive.header;
	if (header !== undefined) {
		if (!isObject(header)) return invalid('Header must be an object');
		if (interactive.type === 'list' && header.type !== 'text') return invalid('Header type must be text for list messages');
		if (typeof header.text !== 'string' || length(header.text) > LIST_LIMITS.header) return invalid(`Header text is too long. Max length is ${LIST_LIMITS.header}`);
	}
	const footer = interactive.footer;
	if (footer !== undefined && (!isObject(footer) || typeof footer.text !== 'string' || length(footer.text) > LIST_LIMITS.footer)) {
		return invalid(`Footer text is too long. Max length is ${LIST_LIMITS.footer}`);
	}
	return null;
}

function validateListAction(action: Json): GraphErrorSpec | null {
	if (typeof action.button !== 'string' || action.button === '') return missing("interactive['action']['button']");
	if (length(action.button) > LIST_LIMITS.button) return invalid(`Button title length invalid. Min length: 1, Max length: ${LIST_LIMITS.button}`);
	const sections = action.sections;
	if (!Array.isArray(sections) || sections.length === 0) return missing("interactive['action']['sections']");
	if (sections.length > LIST_LIMITS.sections) return invalid(`Too many sections. Max allowed count: ${LIST_LIMITS.sections}`);
	const rows = sections.flatMap((section: unknown) => (isObject(section) && Array.isArray(section.rows) ? section.rows : []));
	if (rows.length === 0) return missing("interactive['action']['sections'][0]['rows']");
	if (rows.length > LIST_LIMITS.rows) return invalid(`Total row count exceed max allowed count: ${LIST_LIMITS.rows}`);
	for (const section of sections as unknown[]) {
		const problem = validateSection(section, sections.length > 1);
		if (problem) return problem;
	}
	return validateRows(rows);
}

function validateSection(section: unknown, titleRequired: boolean): GraphErrorSpec | null {
	if (!isObject(section)) return invalid('Section must be an object');
	if (section.title === undefined) return titleRequired ? missing("interactive['action']['sections'][0]['title']") : null;
	if (typeof section.title !== 'string' || length(section.title) > LIST_LIMITS.sectionTitle) return invalid(`Section title is too long. Max length is ${LIST_LIMITS.sectionTitle}`);
	return null;
}

function validateRows(rows: unknown[]): GraphErrorSpec | null {
	const seen = new Set<string>();
	for (const row of rows) {
		if (!isObject(row)) return invalid('Row must be an object');
		if (typeof row.id !== 'string' || row.id === '') return missing("interactive['action']['sections'][0]['rows'][0]['id']");
		if (length(row.id) > LIST_LIMITS.rowId) return invalid(`Row id is too long. Max length is ${LIST_LIMITS.rowId}`);
		if (seen.has(row.id)) return invalid('Row IDs must be unique');
		seen.add(row.id);
		if (typeof row.title !== 'string' || row.title === '') return missing("interactive['action']['sections'][0]['rows'][0]['title']");
		if (length(row.title) > LIST_LIMITS.rowTitle) return invalid(`Row title is too long. Max length is ${LIST_LIMITS.rowTitle}`);
		if (row.description !== undefined && (typeof row.description !== 'string' || length(row.description) > LIST_LIMITS.rowDescription)) {
			return invalid(`Row description is too long. Max length is ${LIST_LIMITS.rowDescription}`);
		}
	}
	return null;
}

function validateButtonAction(action: Json): GraphErrorSpec | null {
	const buttons = action.buttons;
	if (!Array.isArray(buttons) || buttons.length === 0) return missing("interactive['action']['buttons']");
	if (buttons.length > BUTTON_LIMITS.buttons) return invalid(`Too many buttons. Max allowed count: ${BUTTON_LIMITS.buttons}`);
	const seen = new Set<string>();
	for (const button of buttons as unknown[]) {
		if (!isObject(button) || button.type !== 'reply') return invalid("Button type must be 'reply'");
		const reply = isObject(button.reply) ? button.reply : null;
		if (!reply || typeof reply.id !== 'string' || reply.id === '' || typeof reply.title !== 'string') return missing("interactive['action']['buttons'][0]['reply']");
		if (length(reply.title) === 0 || length(reply.title) > BUTTON_LIMITS.title) return invalid(`Button title length invalid. Min length: 1, Max length: ${BUTTON_LIMITS.title}`);
		if (length(reply.id) > BUTTON_LIMITS.id) return invalid(`Button id is too long. Max length is ${BUTTON_LIMITS.id}`);
		if (seen.has(reply.id)) return invalid('Button IDs must be unique');
		seen.add(reply.id);
	}
	return null;
}

export function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
