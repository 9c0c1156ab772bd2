import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { textOf } from '../../../src/common/guards';
import { LANGUAGES, isLanguage } from '../../../src/conversation/languages';
import { DEFAULT_NUDGE_MAX_AGE_DAYS, planNudges } from '../../../src/conversation/nudges';
import { mergeTexts } from '../../../src/conversation/texts';
import { jsonParameter, memberRowsParameter, recordsParameter } from './common';

const show = { show: { operation: ['planNudges'] } };

export const OUTPUT_NAMES = ['List', 'Template', 'Not Sent'] as const;

export const description: INodeProperties[] = [
	{
		displayName:
			"One item per member of the organisation: <b>List</b> (their own card payments without a receipt, as a WhatsApp list, within 24 hours of their last message), <b>Template</b> (after 24 hours, when you set a template) or <b>Not Sent</b> with the reason. A payment is a member's when Qonto's <code>initiator_id</code> is their membership. Save each item's <code>nudge</code> in the member's row: a pick from the list is checked against it.",
		name: 'nudgesNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{ displayName: 'Organisation ID', name: 'organisationId', type: 'string', default: '', required: true, displayOptions: show },
	{
		displayName: 'Payments',
		name: 'payments',
		type: 'json',
		default: '[]',
		displayOptions: show,
		description: "The organisation's card payments without attachments (the Qonto node's transactions)",
	},
	{ displayName: 'Members', name: 'members', type: 'json', default: '[]', displayOptions: show, description: 'Rows of "whatsapp_members" for the organisation' },
	{ displayName: 'Recent Claims', name: 'claims', type: 'json', default: '[]', displayOptions: show, description: 'Rows of "whatsapp_claims" of the last 24 hours, to know who can get a list' },
	{
		displayName: 'Max Age (Days)',
		name: 'maxAgeDays',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_NUDGE_MAX_AGE_DAYS,
		displayOptions: show,
		description: 'Card payments older than this are not listed',
	},
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: '',
		displayOptions: show,
		description:
			'A template approved for your WhatsApp account whose body takes the number of payments ({{1}}) and which has one quick-reply button ("Show them"). Empty: members who have not written for 24 hours get nothing.',
	},
	{ displayName: 'Template Language Code', name: 'templateLanguageCode', type: 'string', default: 'en', displayOptions: show },
	{
		displayName: 'Default Language',
		name: 'defaultLanguage',
		type: 'options',
		options: LANGUAGES.map((value) => ({ name: value, value })),
		default: 'en',
		displayOptions: show,
		description: "Used when the member chose no language and their phone number's country has none of ours",
	},
	{
		displayName: 'Texts',
		name: 'texts',
		type: 'json',
		default: '{}',
		displayOptions: show,
		description: "Per language, texts that replace the built-in ones (the same JSON as Route Message's Texts)",
	},
];

/** One nudge decision per member of the organisation (src/conversation/nudges.ts); runs once for all its input. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = OUTPUT_NAMES.map(() => []);
	if (this.getInputData().length === 0) return outputs;
	const defaultLanguage = this.getNodeParameter('defaultLanguage', 0, 'en');
	const plans = planNudges({
		organisationId: textOf(this.getNodeParameter('organisationId', 0, '') as unknown),
		payments: recordsParameter(this, 'payments', 'Payments'),
		members: memberRowsParameter(this, 'members', 'Members'),
		claims: recordsParameter(this, 'claims', 'Recent Claims'),
		now: new Date(),
		maxAgeDays: Number(this.getNodeParameter('maxAgeDays', 0, DEFAULT_NUDGE_MAX_AGE_DAYS)) || DEFAULT_NUDGE_MAX_AGE_DAYS,
		template: { name: textOf(this.getNodeParameter('templateName', 0, '') as unknown), languageCode: textOf(this.getNodeParameter('templateLanguageCode', 0, 'en') as unknown) || 'en' },
		texts: mergeTexts(jsonParameter(this, 'texts', 'Texts')),
		defaultLanguage: isLanguage(defaultLanguage) ? defaultLanguage : 'en',
	});
	const pairedItem = { item: 0 };
	for (const plan of plans) {
		const json = { ...plan, nudge: JSON.stringify(plan.nudge) } as unknown as IDataObject;
		const output = plan.send === 'list' ? 0 : plan.send === 'template' ? 1 : 2;
		outputs[output].push({ json, pairedItem });
	}
	return outputs;
}
