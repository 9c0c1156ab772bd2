import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { buildChoices, type ListRow, sentMessageId } from '../../../src/whatsapp/outgoing';
import { jsonParameter } from '../../shared/jsonParameter';
import { postMessage } from '../transport';
import { recipientOf, withWhatsAppResult } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'The question. Reply buttons show only their titles, so put the details here. Up to 1024 characters with 1 to 3 choices, 4096 with more.',
	},
	{
		displayName: 'Button',
		name: 'button',
		type: 'string',
		default: 'Choose',
		description: 'The label of the button that opens the list (4 to 10 choices); up to 20 characters',
	},
	{
		displayName: 'Choices',
		name: 'choices',
		type: 'json',
		default: '[\n  { "id": "yes", "title": "Yes" },\n  { "id": "no", "title": "No" }\n]',
		required: true,
		description:
			'A list of 1 to 10 objects with "ID", "title" and optionally "description". 1 to 3 are sent as reply buttons (titles cut to 20 characters, no description), 4 to 10 as a list (titles cut to 24, descriptions to 72). The tapped ID comes back to the trigger.',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['sendChoices'] } }, properties);

const CHOICES_EXAMPLE = 'Give a list like [{"id": "yes", "title": "Yes"}, {"id": "no", "title": "No"}], or map one, e.g. {{ $json.choices }}';

/** The Choices parameter as rows; ids may be numbers, an empty description is none. */
function choicesOf(context: IExecuteFunctions, itemIndex: number): ListRow[] {
	const fail = (message: string) => new NodeOperationError(context.getNode(), message, { itemIndex, description: CHOICES_EXAMPLE });
	const value = jsonParameter(context, 'choices', 'Choices', itemIndex);
	if (!Array.isArray(value)) throw fail('Choices must be a list');
	return value.map((entry: unknown, index) => {
		const choice = (typeof entry === 'object' && entry !== null ? entry : {}) as { id?: unknown; title?: unknown; description?: unknown };
		const id = typeof choice.id === 'number' ? String(choice.id) : choice.id;
		if (typeof id !== 'string' || id === '' || typeof choice.title !== 'string' || choice.title.trim() === '') {
			throw fail(`Choice ${index + 1} has no "id" and "title"`);
		}
		const description = typeof choice.description === 'string' && choice.description !== '' ? choice.description : undefined;
		return { id, title: choice.title, ...(description ? { description } : {}) };
	});
}

/** A question with 1 to 10 answers to tap; the tapped choice comes back to the trigger as a button or list reply. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const recipient = recipientOf(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const message = {
		body: String(this.getNodeParameter('body', itemIndex, '')),
		button: String(this.getNodeParameter('button', itemIndex, '')).trim() || 'Choose',
		rows: choicesOf(this, itemIndex),
		header: (options.header as string) || undefined,
		footer: (options.footer as string) || undefined,
	};
	if (message.body.trim() === '') throw new NodeOperationError(this.getNode(), 'No Body given', { itemIndex, description: 'WhatsApp refuses buttons and lists without a text' });
	let body: ReturnType<typeof buildChoices>;
	try {
		body = buildChoices(recipient, message, { replyToMessageId: (options.replyToMessageId as string) || undefined, alwaysList: options.alwaysList === true });
	} catch (error) {
		// Too many choices, or ids WhatsApp would refuse: say so before anything is sent.
		if (error instanceof RangeError) throw new NodeOperationError(this.getNode(), error.message, { itemIndex, description: CHOICES_EXAMPLE });
		throw error;
	}
	// Not idempotent: a retry after a lost answer would show the sender the question twice.
	const response = await postMessage(this, itemIndex, body, false);
	const kind = body.interactive.type === 'button' ? 'buttons' : 'list';
	return withWhatsAppResult(this, itemIndex, { operation: 'sendChoices', to: recipient, kind, messageId: sentMessageId(response) });
}
