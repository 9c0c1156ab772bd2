import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { textOf } from '../../../src/common/guards';
import { isLanguage } from '../../../src/conversation/languages';
import { composeQuestion } from '../../../src/conversation/question';
import { mergeTexts } from '../../../src/conversation/texts';
import { jsonParameter, senderParameters, textsParameter } from './common';

const show = { show: { operation: ['composeQuestion'] } };

export const OUTPUT_NAMES = ['Ask', 'Nothing to Ask'] as const;

export const description: INodeProperties[] = [
	{
		displayName:
			'For a document stored but attached to no payment: when the matcher found payments worth asking about (<code>match.candidates</code>), <b>Ask</b> gets the question (buttons up to 3 choices, a list beyond, always with "none of these") and the <code>question</code> to keep in the document\'s ledger row, which is what an answer is checked against.',
		name: 'questionNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{ displayName: 'Document Message ID', name: 'documentMessageId', type: 'string', default: '={{ $json.messageId }}', required: true, displayOptions: show, description: 'The WhatsApp message that brought the document' },
	{ displayName: 'Organisation ID', name: 'organisationId', type: 'string', default: '', required: true, displayOptions: show },
	...senderParameters(show, { waId: '', userId: '' }),
	{
		displayName: 'Candidates',
		name: 'candidates',
		type: 'json',
		default: '[]',
		displayOptions: show,
		description: "Transaction Match's <code>match.candidates</code>: the payments to offer, best first",
	},
	{ displayName: 'Language', name: 'language', type: 'string', default: 'en', displayOptions: show, description: 'The language code (en, fr, es, de or it)' },
	textsParameter(show),
];

/** The question to ask about each stored, unattached document, when there is one (src/conversation/question.ts). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const [ask, nothing]: INodeExecutionData[][] = [[], []];
	const now = new Date();
	this.getInputData().forEach((item, itemIndex) => {
		const parameter = (name: string) => textOf(this.getNodeParameter(name, itemIndex, '') as unknown);
		const given = parameter('language');
		const language = isLanguage(given) ? given : 'en';
		const texts = mergeTexts(jsonParameter(this, 'texts', 'Texts', itemIndex))[language];
		const candidates = jsonParameter(this, 'candidates', 'Candidates', itemIndex);
		const question = composeQuestion({
			documentMessageId: parameter('documentMessageId'),
			organisationId: parameter('organisationId'),
			waId: parameter('waId'),
			userId: parameter('userId'),
			candidates: Array.isArray(candidates) ? candidates : [],
			language,
			texts,
			now,
		});
		const pairedItem = { item: itemIndex };
		if (!question) {
			nothing.push({ json: item.json, pairedItem });
			return;
		}
		const json: IDataObject = {
			...item.json,
			recipient: parameter('waId') || parameter('userId'),
			documentMessageId: parameter('documentMessageId'),
			question: JSON.stringify(question.record),
			...(question.message as unknown as IDataObject),
		};
		ask.push({ json, pairedItem });
	});
	return [ask, nothing];
}
