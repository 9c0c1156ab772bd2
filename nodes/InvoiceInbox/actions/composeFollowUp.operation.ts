import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { textOf } from '../../../src/common/guards';
import { personOf } from '../../../src/conversation/directory';
import { decideFollowUp, lastMessageAt } from '../../../src/conversation/followUp';
import { chooseLanguage, isLanguage } from '../../../src/conversation/languages';
import { mergeTexts } from '../../../src/conversation/texts';
import { jsonParameter, memberRowsParameter, recordsParameter, senderParameters, textsParameter } from './common';

const show = { show: { operation: ['composeFollowUp'] } };

export const OUTPUT_NAMES = ['Text', 'Template', 'Not Told'] as const;

export const description: INodeProperties[] = [
	{
		displayName:
			'Tells the sender which payment their document was attached to: a text within 24 hours of their last message, else the template below if you set one, else nothing (the <b>Not Told</b> output says why, for the ledger).',
		name: 'followUpNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Transaction',
		name: 'transaction',
		type: 'json',
		default: '={{ $json.transaction }}',
		required: true,
		displayOptions: show,
		description: 'The Qonto transaction the document was attached to',
	},
	...senderParameters(show, { waId: '={{ $json.waId }}', userId: '={{ $json.userId }}' }),
	{
		displayName: 'Last Message At',
		name: 'lastMessageAt',
		type: 'string',
		default: '',
		displayOptions: show,
		description: 'When the sender last wrote (ISO time). Empty: read from Recent Claims.',
	},
	{
		displayName: 'Recent Claims',
		name: 'claims',
		type: 'json',
		default: '[]',
		displayOptions: show,
		description: 'Rows of "whatsapp_claims" (one per message received), to find when the sender last wrote',
	},
	{
		displayName: 'Members',
		name: 'members',
		type: 'json',
		default: '[]',
		displayOptions: show,
		description: 'Rows of "whatsapp_members", for the language the sender chose (else the one of their phone number)',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: '',
		displayOptions: show,
		description: 'The language code (en, fr, es, de or it); empty: from Members or the phone number',
	},
	textsParameter(show),
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: '',
		displayOptions: show,
		description: 'A template approved for your WhatsApp account whose body takes the merchant, the amount and the date ({{1}}, {{2}}, {{3}}). Empty: no message after 24 hours.',
	},
	{ displayName: 'Template Language Code', name: 'templateLanguageCode', type: 'string', default: 'en', displayOptions: show },
];

/** Text, template or nothing, for each attached document (src/conversation/followUp.ts). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = OUTPUT_NAMES.map(() => []);
	const items = this.getInputData();
	const now = new Date();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const parameter = (name: string) => this.getNodeParameter(name, itemIndex, '') as unknown;
		const sender = { waId: textOf(parameter('waId')), userId: textOf(parameter('userId')) };
		const members = memberRowsParameter(this, 'members', 'Members', itemIndex);
		const given = textOf(parameter('language'));
		const language = isLanguage(given) ? given : chooseLanguage(personOf(members, sender).language, sender.waId, 'en');
		const texts = mergeTexts(jsonParameter(this, 'texts', 'Texts', itemIndex))[language];
		const last = textOf(parameter('lastMessageAt')) || lastMessageAt(recordsParameter(this, 'claims', 'Recent Claims', itemIndex), sender);
		const template = { name: textOf(parameter('templateName')), languageCode: textOf(parameter('templateLanguageCode')) || 'en' };
		const followUp = decideFollowUp({ transaction: jsonParameter(this, 'transaction', 'Transaction', itemIndex), language, texts, lastMessageAt: last, template, now });
		const base: IDataObject = { ...items[itemIndex].json, recipient: sender.waId || sender.userId };
		const pairedItem = { item: itemIndex };
		if (followUp.send === 'text') outputs[0].push({ json: { ...base, replyText: followUp.text }, pairedItem });
		else if (followUp.send === 'template') outputs[1].push({ json: { ...base, template: { ...followUp.template } } as IDataObject, pairedItem });
		else outputs[2].push({ json: { ...base, notTold: followUp.reason }, pairedItem });
	}
	return outputs;
}
