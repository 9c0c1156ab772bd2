import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { buildOrganisationPicker, DEFAULT_PICKER_TEXTS, type PickerOrganisation } from '../../src/whatsapp/organisationPicker';
import { buildMarkAsRead, buildReaction, buildText } from '../../src/whatsapp/outgoing';
import { failureItem, toNodeError } from '../shared/failure';
import { downloadMediaItem } from './downloadMedia';
import { DEFAULT_TIMEOUT_SECONDS, graphRequest, graphSettings } from './transport';

/** The three reactions the invoice inbox speaks with, plus free choice. */
const REACTIONS: Record<string, string> = { processing: '🔎', stored: '✅', failed: '❌', remove: '' };

const to = (operations: string[]) => ({ show: { operation: operations } });

export class WhatsAppInbox implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Inbox',
		name: 'whatsAppInbox',
		icon: 'file:whatsAppInbox.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Download documents sent to your WhatsApp number, react to messages and answer senders',
		defaults: { name: 'WhatsApp Inbox' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppCloudApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'downloadMedia',
				options: [
					{ name: 'Download Media', value: 'downloadMedia', action: 'Download media of a message', description: 'Download the file of a document or photo message, refusing files over the size limit before downloading' },
					{ name: 'Mark as Read', value: 'markAsRead', action: 'Mark a message as read', description: 'Show blue ticks, optionally with a typing indicator while the document is processed' },
					{ name: 'React', value: 'react', action: 'React to a message', description: 'Put an emoji reaction on a message, or remove it' },
					{ name: 'Send Organisation Picker', value: 'sendOrganisationPicker', action: 'Send an organisation picker', description: 'Send an interactive list of Qonto organisations to choose from' },
					{ name: 'Send Text', value: 'sendText', action: 'Send a text message', description: 'Send a text message to a sender (within 24 hours of their last message)' },
				],
			},
			{
				displayName: 'Recipient',
				name: 'recipient',
				type: 'string',
				default: '={{ $json.waId }}',
				required: true,
				displayOptions: to(['react', 'sendText', 'sendOrganisationPicker']),
				description: "The recipient's WhatsApp ID (phone number in international format, digits only)",
			},
			{
				displayName: 'Message ID',
				name: 'messageId',
				type: 'string',
				default: '={{ $json.messageId }}',
				required: true,
				displayOptions: to(['react', 'markAsRead']),
				description: 'The ID of the received message (wamid…)',
			},
			{
				displayName: 'Reaction',
				name: 'reaction',
				type: 'options',
				default: 'processing',
				displayOptions: to(['react']),
				options: [
					{ name: 'Custom Emoji', value: 'custom' },
					{ name: 'Failed (Cross Mark)', value: 'failed' },
					{ name: 'Processing (Magnifying Glass)', value: 'processing' },
					{ name: 'Remove Reaction', value: 'remove' },
					{ name: 'Stored (Check Mark)', value: 'stored' },
				],
			},
			{
				displayName: 'Emoji',
				name: 'emoji',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { operation: ['react'], reaction: ['custom'] } },
				placeholder: 'e.g. 👍',
			},
			{
				displayName: 'Text',
				name: 'text',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				required: true,
				displayOptions: to(['sendText']),
				description: 'Up to 4096 characters; longer texts are cut',
			},
			{
				displayName: 'Organisations',
				name: 'organisations',
				type: 'json',
				default: '={{ $json.organisations }}',
				required: true,
				displayOptions: to(['sendOrganisationPicker']),
				description: 'A list of objects with "ID" and "name" (and optionally "description"). Names are cut to 24 characters; lists longer than 10 are paged.',
			},
			{
				displayName: 'Page',
				name: 'page',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				displayOptions: to(['sendOrganisationPicker']),
				description: 'Which page to send when there are more than 10 organisations (the "more" row of a page asks for the next one)',
			},
			{
				displayName: 'Media ID',
				name: 'mediaId',
				type: 'string',
				default: '={{ $json.document.mediaId }}',
				required: true,
				displayOptions: to(['downloadMedia']),
			},
			{
				displayName: 'Max File Size (MB)',
				name: 'maxFileSizeMb',
				type: 'number',
				typeOptions: { minValue: 0.001, numberPrecision: 3 },
				default: 15,
				displayOptions: to(['downloadMedia']),
				description: 'Files declared larger are refused without downloading; a download that grows larger is aborted. 1 MB = 1024 × 1024 bytes.',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				displayOptions: to(['downloadMedia']),
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '={{ $json.document.fileName ?? "" }}',
				displayOptions: to(['downloadMedia']),
				description: 'Name given to the file; when empty, one is made from the media ID and type',
			},
			{
				displayName: 'Show Typing Indicator',
				name: 'typingIndicator',
				type: 'boolean',
				default: true,
				displayOptions: to(['markAsRead']),
				description: 'Whether to show "typing…" to the sender until the next reply or for 25 seconds',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: DEFAULT_TIMEOUT_SECONDS,
				description: 'How long to wait for WhatsApp to answer each request (and for a media download to arrive) before retrying or failing',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: to(['sendText', 'sendOrganisationPicker']),
				options: [
					{ displayName: 'Body', name: 'body', type: 'string', default: 'Which Qonto organisation should receive your documents?', displayOptions: { show: { '/operation': ['sendOrganisationPicker'] } } },
					{ displayName: 'Button Label', name: 'button', type: 'string', default: 'Choose', description: 'Up to 20 characters', displayOptions: { show: { '/operation': ['sendOrganisationPicker'] } } },
					{ displayName: 'Footer', name: 'footer', type: 'string', default: '', displayOptions: { show: { '/operation': ['sendOrganisationPicker'] } } },
					{ displayName: 'Header', name: 'header', type: 'string', default: '', displayOptions: { show: { '/operation': ['sendOrganisationPicker'] } } },
					{ displayName: 'More Row Title', name: 'moreTitle', type: 'string', default: 'More organisations…', displayOptions: { show: { '/operation': ['sendOrganisationPicker'] } } },
					{ displayName: 'Preview URL', name: 'previewUrl', type: 'boolean', default: false, description: 'Whether to show a preview of the first link in the text', displayOptions: { show: { '/operation': ['sendText'] } } },
					{ displayName: 'Reply To Message ID', name: 'replyToMessageId', type: 'string', default: '', description: 'Quote this message in the reply', displayOptions: { show: { '/operation': ['sendText'] } } },
					{ displayName: 'Section Title', name: 'sectionTitle', type: 'string', default: 'Organisations', displayOptions: { show: { '/operation': ['sendOrganisationPicker'] } } },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				if (operation === 'downloadMedia') {
					returnData.push(await downloadMediaItem(this, i, items[i]));
					continue;
				}
				const result = await sendMessage(this, i, operation);
				returnData.push({ json: { ...items[i].json, whatsapp: result }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push(failureItem(error, i));
					continue;
				}
				throw toNodeError(this.getNode(), error, i);
			}
		}
		return [returnData];
	}
}

function parseOrganisations(context: IExecuteFunctions, itemIndex: number): PickerOrganisation[] {
	const raw = context.getNodeParameter('organisations', itemIndex);
	const value = typeof raw === 'string' ? JSON.parse(raw) : raw;
	if (!Array.isArray(value)) {
		throw new NodeOperationError(context.getNode(), 'Organisations must be a list', { itemIndex, description: 'Give a list of objects like [{"id": "…", "name": "…"}]' });
	}
	return value.map((entry: IDataObject, index) => {
		const id = entry?.id ?? entry?.organizationId ?? entry?.organisationId;
		const name = entry?.name ?? entry?.legal_name;
		if ((typeof id !== 'string' && typeof id !== 'number') || typeof name !== 'string') {
			throw new NodeOperationError(context.getNode(), `Organisation ${index + 1} has no "id" and "name"`, { itemIndex });
		}
		return { id: String(id), name, description: typeof entry.description === 'string' ? entry.description : undefined };
	});
}

async function sendMessage(context: IExecuteFunctions, itemIndex: number, operation: string): Promise<IDataObject> {
	const { phoneNumberId } = await graphSettings(context);
	const messagesPath = `/${encodeURIComponent(phoneNumberId)}/messages`;
	// Reactions and read receipts are idempotent (a new reaction replaces the old); texts and lists are not.
	const idempotent = operation === 'react' || operation === 'markAsRead';
	const post = async (body: object) => await graphRequest(context, itemIndex, 'POST', messagesPath, { body: body as IDataObject, idempotent });
	const sentId = (response: IDataObject) => ((response.messages as IDataObject[] | undefined)?.[0]?.id as string | undefined) ?? null;

	if (operation === 'markAsRead') {
		const messageId = context.getNodeParameter('messageId', itemIndex) as string;
		const response = await post(buildMarkAsRead(messageId, context.getNodeParameter('typingIndicator', itemIndex, true) as boolean));
		return { operation, messageId, success: response.success === true };
	}
	const recipient = String(context.getNodeParameter('recipient', itemIndex)).replace(/^\+/, '').trim();
	if (!recipient) {
		throw new NodeOperationError(context.getNode(), 'No recipient given', { itemIndex, description: 'Map Recipient to the sender, e.g. {{ $json.waId }}' });
	}

	if (operation === 'react') {
		const messageId = context.getNodeParameter('messageId', itemIndex) as string;
		const choice = context.getNodeParameter('reaction', itemIndex) as string;
		const emoji = choice === 'custom' ? (context.getNodeParameter('emoji', itemIndex) as string) : REACTIONS[choice];
		const response = await post(buildReaction(recipient, messageId, emoji));
		return { operation, to: recipient, reactedTo: messageId, emoji, messageId: sentId(response) };
	}
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (operation === 'sendText') {
		const text = context.getNodeParameter('text', itemIndex) as string;
		const body = buildText(recipient, text, { previewUrl: options.previewUrl === true, replyToMessageId: (options.replyToMessageId as string) || undefined });
		return { operation, to: recipient, messageId: sentId(await post(body)) };
	}
	if (operation === 'sendOrganisationPicker') {
		const organisations = parseOrganisations(context, itemIndex);
		if (organisations.length === 0) throw new NodeOperationError(context.getNode(), 'There are no organisations to choose from', { itemIndex });
		const texts = {
			...DEFAULT_PICKER_TEXTS,
			...Object.fromEntries(Object.entries(options).filter(([, value]) => typeof value === 'string' && value !== '')),
		};
		const picker = buildOrganisationPicker(recipient, organisations, context.getNodeParameter('page', itemIndex, 1) as number, texts);
		const response = await post(picker.body);
		return { operation, to: recipient, messageId: sentId(response), page: picker.page.page, pageCount: picker.page.pageCount };
	}
	throw new NodeOperationError(context.getNode(), `The operation "${operation}" is not supported`, { itemIndex });
}
