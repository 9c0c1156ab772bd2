import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failureItem, toNodeError } from '../../shared/failure';
import { decide, type Decision, type InboxSettings, type Organisation } from '../../../src/conversation/decide';
import { toMemberRow, type MemberRow } from '../../../src/conversation/directory';
import type { IncomingMessage } from '../../../src/conversation/intents';
import { LANGUAGES, isLanguage } from '../../../src/conversation/languages';
import { nudgeColumn } from '../../../src/conversation/nudges';
import { DEFAULT_TEXTS, mergeTexts } from '../../../src/conversation/texts';
import { activationSecret, secondInput } from './common';

const show = { show: { operation: ['routeMessage'] } };

export const OUTPUT_NAMES = ['Document', 'Save Member', 'Reply', 'Organisation Picker', 'Choices', 'Answer'] as const;
const [DOCUMENT, SAVE, REPLY, PICKER, CHOICES, ANSWER] = [0, 1, 2, 3, 4, 5];

export const INPUT_NAMES = ['Message', 'Members'] as const;

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', fr: 'French', es: 'Spanish', de: 'German', it: 'Italian' };

export const description: INodeProperties[] = [
	{
		displayName:
			'Input 1 takes the messages of the WhatsApp Inbox Trigger, input 2 the rows of the "whatsapp_members" Data Table found for their senders. Outputs: Document (process it for the organisation in <code>inbox.organisation</code>, and the payment the sender picked in <code>inbox.payment</code>), Save Member (rows to write), Reply (a text to send), Organisation Picker, Choices (a list of payments to send), Answer (a tap on \"which payment is this document for?\", to check against the ledger).',
		name: 'routeNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Organisations',
		name: 'organisations',
		placeholder: 'Add Organisation',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions: show,
		description: 'The Qonto organisations this workflow files documents for. Each needs its branch after the Organisation Switch node.',
		options: [
			{
				displayName: 'Organisation',
				name: 'organisation',
				values: [
					{ displayName: 'ID', name: 'id', type: 'string', default: '', required: true, description: 'The Qonto organisation slug (the login of its API key), e.g. acme-sas-1234' },
					{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, description: 'The name members see in WhatsApp' },
				],
			},
		],
	},
	{
		displayName: 'Default Language',
		name: 'defaultLanguage',
		type: 'options',
		default: 'en',
		displayOptions: show,
		options: LANGUAGES.map((value) => ({ name: LANGUAGE_NAMES[value], value })),
		description: "Used when the sender chose no language and their phone number's country has none of ours",
	},
	{
		displayName: 'Max File Size (MB)',
		name: 'maxFileSizeMb',
		type: 'number',
		typeOptions: { minValue: 0.001, numberPrecision: 3 },
		default: 15,
		displayOptions: show,
		description: 'The one place the size limit is set: the document path reads it from <code>inbox.maxFileSizeMb</code> and the texts quote it',
	},
	{
		displayName: 'Pick Window (Minutes)',
		name: 'pickMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 15,
		displayOptions: show,
		description: 'After a member picks a payment from the weekly list, the document they send within this time is attached to exactly that payment',
	},
	{
		displayName: 'Texts',
		name: 'texts',
		type: 'json',
		typeOptions: { rows: 12 },
		default: JSON.stringify(DEFAULT_TEXTS, null, 2),
		displayOptions: show,
		description: 'Every text the inbox sends, per language (en, fr, es, de, it). Change any of them; a text left out or empty falls back to the built-in one. Words in braces are filled in.',
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const messages = this.getInputData(0);
	const rows = secondInput(this)
		.map((item) => toMemberRow(item.json))
		.filter((row): row is MemberRow => row !== null);
	const outputs: INodeExecutionData[][] = OUTPUT_NAMES.map(() => []);
	const secret = messages.length ? await activationSecret(this) : '';
	for (let itemIndex = 0; itemIndex < messages.length; itemIndex++) {
		try {
			const message = incomingMessage(this, messages[itemIndex].json, itemIndex);
			const decision = decide(message, rows, settings(this, itemIndex, secret));
			emit(outputs, decision, messages[itemIndex], message, itemIndex);
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, itemIndex);
			// n8n moves items with an `error` field to the error output when "On Error" asks for one.
			outputs[DOCUMENT].push(failureItem(error, itemIndex));
		}
	}
	return outputs;
}

function settings(context: IExecuteFunctions, itemIndex: number, secret: string): InboxSettings {
	const defaultLanguage = context.getNodeParameter('defaultLanguage', itemIndex, 'en');
	const rawTexts = context.getNodeParameter('texts', itemIndex, '{}');
	let texts: unknown = rawTexts;
	if (typeof rawTexts === 'string') {
		try {
			texts = JSON.parse(rawTexts);
		} catch (error) {
			throw new NodeOperationError(context.getNode(), 'The Texts parameter is not valid JSON', { itemIndex, description: (error as Error).message });
		}
	}
	return {
		organisations: organisations(context, itemIndex),
		defaultLanguage: isLanguage(defaultLanguage) ? defaultLanguage : 'en',
		maxFileSizeMb: Number(context.getNodeParameter('maxFileSizeMb', itemIndex, 15)),
		pickMinutes: Number(context.getNodeParameter('pickMinutes', itemIndex, 15)) || 15,
		texts: mergeTexts(texts),
		activationSecret: secret,
		now: new Date(),
	};
}

function organisations(context: IExecuteFunctions, itemIndex: number): Organisation[] {
	const collection = context.getNodeParameter('organisations', itemIndex, {}) as { organisation?: IDataObject[] };
	return (collection.organisation ?? [])
		.map((entry) => ({ id: String(entry.id ?? '').trim(), name: String(entry.name ?? '').trim() }))
		.filter((organisation) => organisation.id !== '')
		.map((organisation) => ({ ...organisation, name: organisation.name || organisation.id }));
}

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function incomingMessage(context: IExecuteFunctions, json: IDataObject, itemIndex: number): IncomingMessage {
	const message: IncomingMessage = {
		messageId: String(json.messageId ?? ''),
		waId: stringOrNull(json.waId),
		userId: stringOrNull(json.userId),
		profileName: stringOrNull(json.profileName),
		kind: String(json.kind ?? ''),
		text: typeof (json.text as IDataObject | null)?.body === 'string' ? { body: (json.text as IDataObject).body as string } : null,
		choice: typeof (json.choice as IDataObject | null)?.id === 'string' ? { id: (json.choice as IDataObject).id as string, title: stringOrNull((json.choice as IDataObject).title) } : null,
	};
	if (!message.messageId || !message.kind || (!message.waId && !message.userId)) {
		throw new NodeOperationError(context.getNode(), 'Input 1 is not a WhatsApp message', {
			itemIndex,
			description: 'Connect the WhatsApp Inbox Trigger to input 1 (Message): its items have messageId, kind and waId or userId',
		});
	}
	return message;
}

function emit(outputs: INodeExecutionData[][], decision: Decision, item: INodeExecutionData, message: IncomingMessage, itemIndex: number): void {
	const pairedItem = { item: itemIndex };
	const summary = { outcome: decision.outcome, state: decision.state, intent: decision.intent, language: decision.language };
	const to = message.waId ?? message.userId ?? '';
	if (decision.document) {
		outputs[DOCUMENT].push({ json: { ...item.json, inbox: { ...decision.document, ...summary } }, binary: item.binary, pairedItem });
	}
	for (const row of decision.saves) {
		const { id, nudge, ...columns } = row;
		outputs[SAVE].push({ json: { rowId: id, ...columns, nudge: nudgeColumn(nudge), messageId: message.messageId, decision: summary }, pairedItem });
	}
	if (decision.reply) {
		outputs[REPLY].push({ json: { to, text: decision.reply, replyToMessageId: message.messageId, messageId: message.messageId, decision: summary }, pairedItem });
	}
	if (decision.choices) {
		outputs[CHOICES].push({ json: { to, ...decision.choices, messageId: message.messageId, decision: summary } as unknown as IDataObject, pairedItem });
	}
	if (decision.answer) {
		const { waId, userId } = message;
		const { documentMessageId, choice, language, texts } = decision.answer;
		outputs[ANSWER].push({ json: { to, waId, userId, messageId: message.messageId, answer: { documentMessageId, choice }, language, texts, decision: summary } as unknown as IDataObject, pairedItem });
	}
	if (decision.picker) {
		outputs[PICKER].push({ json: { to, ...decision.picker, messageId: message.messageId, decision: summary }, pairedItem });
	}
}
