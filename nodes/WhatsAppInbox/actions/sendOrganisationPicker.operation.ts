import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { buildOrganisationPicker, DEFAULT_PICKER_TEXTS, type PickerOrganisation, readPickerOrganisations } from '../../../src/whatsapp/organisationPicker';
import { sentMessageId } from '../../../src/whatsapp/outgoing';
import { postMessage } from '../transport';
import { recipientOf, withWhatsAppResult } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Organisations',
		name: 'organisations',
		type: 'json',
		default: '={{ $json.organisations }}',
		required: true,
		description: 'A list of objects with "ID" and "name" (and optionally "description"). Names are cut to 24 characters; lists longer than 10 are paged.',
	},
	{
		displayName: 'Page',
		name: 'page',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		description: 'Which page to send when there are more than 10 organisations (the "more" row of a page asks for the next one)',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['sendOrganisationPicker'] } }, properties);

/** This operation's entries in the shared Options collection: the texts of the list (Header and Footer are in sharedMessageOptions). */
export const messageOptions = updateDisplayOptions({ show: { '/operation': ['sendOrganisationPicker'] } }, [
	{ displayName: 'Body', name: 'body', type: 'string', default: 'Which Qonto organisation should receive your documents?' },
	{ displayName: 'Button Label', name: 'button', type: 'string', default: 'Choose', description: 'Up to 20 characters' },
	{ displayName: 'More Row Title', name: 'moreTitle', type: 'string', default: 'More organisations…' },
	{ displayName: 'Section Title', name: 'sectionTitle', type: 'string', default: 'Organisations' },
]);

const LIST_EXAMPLE = 'Give a list of objects like [{"id": "…", "name": "…"}]';

function organisationsOf(context: IExecuteFunctions, itemIndex: number): PickerOrganisation[] {
	const reading = readPickerOrganisations(context.getNodeParameter('organisations', itemIndex));
	if (reading.ok) return reading.organisations;
	const fail = (message: string, description?: string) => new NodeOperationError(context.getNode(), message, { itemIndex, description });
	switch (reading.reason) {
		case 'invalid_json':
			throw fail('Organisations is not valid JSON', `${LIST_EXAMPLE}, or map a list, e.g. {{ $json.organisations }} (${reading.detail})`);
		case 'not_a_list':
			throw fail('Organisations must be a list', LIST_EXAMPLE);
		case 'entry_without_id_or_name':
			throw fail(`Organisation ${reading.position} has no "id" and "name"`);
	}
}

/** An interactive list of Qonto organisations; the sender's choice comes back as a list reply to the trigger. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const recipient = recipientOf(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const organisations = organisationsOf(this, itemIndex);
	if (organisations.length === 0) throw new NodeOperationError(this.getNode(), 'There are no organisations to choose from', { itemIndex });
	// Options left empty keep the default texts.
	const texts = {
		...DEFAULT_PICKER_TEXTS,
		...Object.fromEntries(Object.entries(options).filter(([, value]) => typeof value === 'string' && value !== '')),
	};
	const picker = buildOrganisationPicker(recipient, organisations, this.getNodeParameter('page', itemIndex, 1) as number, texts);
	// Not idempotent: a retry after a lost answer would show the sender the list twice.
	const response = await postMessage(this, itemIndex, picker.body, false);
	return withWhatsAppResult(this, itemIndex, { operation: 'sendOrganisationPicker', to: recipient, messageId: sentMessageId(response), page: picker.page.page, pageCount: picker.page.pageCount });
}
