import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Every operation: `description` (its parameters, shown for it alone) and `execute` for one item. */
export type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

/** Shared by the operations that write to a sender; one parameter, so its value survives switching operation. */
export const recipientProperty: INodeProperties = {
	displayName: 'Recipient',
	name: 'recipient',
	type: 'string',
	default: '={{ $json.waId }}',
	required: true,
	displayOptions: { show: { operation: ['react', 'sendText', 'sendTemplate', 'sendOrganisationPicker', 'sendChoices'] } },
	description: "The recipient's WhatsApp ID (phone number in international format, digits only)",
};

export const messageIdProperty: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '={{ $json.messageId }}',
	required: true,
	displayOptions: { show: { operation: ['react', 'markAsRead'] } },
	description: 'The ID of the received message (wamid…)',
};

/**
 * The one Options collection of the sending operations. Each operation brings its own options (shown for it through
 * `/operation`); they are listed alphabetically, as n8n lists collection options.
 */
export function messageOptionsProperty(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { operation: ['sendText', 'sendTemplate', 'sendOrganisationPicker', 'sendChoices'] } },
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/**
 * Options that several operations take, defined once: a name listed twice in one collection would show twice when
 * both entries apply.
 */
export const sharedMessageOptions: INodeProperties[] = [
	{
		displayName: 'Always a List',
		name: 'alwaysList',
		type: 'boolean',
		default: false,
		description: 'Whether to send even 1 to 3 choices as a list, whose rows show their descriptions (reply buttons show titles only)',
		displayOptions: { show: { '/operation': ['sendChoices'] } },
	},
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		description: 'A small grey line under the message; up to 60 characters',
		displayOptions: { show: { '/operation': ['sendOrganisationPicker', 'sendChoices'] } },
	},
	{
		displayName: 'Header',
		name: 'header',
		type: 'string',
		default: '',
		description: 'A bold line above the message; up to 60 characters',
		displayOptions: { show: { '/operation': ['sendOrganisationPicker', 'sendChoices'] } },
	},
	{
		displayName: 'Reply To Message ID',
		name: 'replyToMessageId',
		type: 'string',
		default: '',
		description: 'Quote this message in the reply',
		displayOptions: { show: { '/operation': ['sendText', 'sendChoices'] } },
	},
];

/** The recipient without a leading "+"; an empty one is refused before anything is sent. */
export function recipientOf(context: IExecuteFunctions, itemIndex: number): string {
	const recipient = String(context.getNodeParameter('recipient', itemIndex)).replace(/^\+/, '').trim();
	if (!recipient) {
		throw new NodeOperationError(context.getNode(), 'No recipient given', { itemIndex, description: 'Map Recipient to the sender, e.g. {{ $json.waId }}' });
	}
	return recipient;
}

/** The input item with what WhatsApp answered under `whatsapp`; the input's own fields stay as they were. */
export function withWhatsAppResult(context: IExecuteFunctions, itemIndex: number, result: IDataObject): INodeExecutionData[] {
	return [{ json: { ...context.getInputData()[itemIndex].json, whatsapp: result } }];
}
