import { addDays } from 'date-fns';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { LANGUAGES, isLanguage } from '../../../src/conversation/languages';
import { activationCsv, activationPage, buildActivationLink, qrCodePng, safeFileName, type ActivationLink } from '../../../src/conversation/links';
import { DEFAULT_TEXTS } from '../../../src/conversation/texts';
import { activationSecret } from './common';

const show = { show: { operation: ['createActivationLinks'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Input items are Qonto memberships (Qonto node: Membership → Get Many). Each member gets a WhatsApp link and a QR code whose pre-filled message activates their WhatsApp for this organisation.',
		name: 'linksNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Organisation ID',
		name: 'organisationId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: show,
		description: 'The Qonto organisation slug, exactly as in the Organisations of the Route Message node',
	},
	{
		displayName: 'Organisation Name',
		name: 'organisationName',
		type: 'string',
		default: '',
		displayOptions: show,
		description: 'Shown in the pre-filled message and on the page',
	},
	{
		displayName: 'Business WhatsApp Number',
		name: 'businessNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +33 6 12 34 56 78',
		displayOptions: show,
		description: 'The phone number of your WhatsApp inbox, in international format',
	},
	{
		displayName: 'Valid for (Days)',
		name: 'validDays',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 365 },
		default: 14,
		displayOptions: show,
		description: 'After this, a link that was not used is refused and the member needs a new one',
	},
	{
		displayName: 'Only Active Memberships',
		name: 'onlyActive',
		type: 'boolean',
		default: true,
		displayOptions: show,
		description: 'Whether to skip memberships whose Qonto status is not "active" (revoked, invited…)',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'perMember',
		displayOptions: show,
		options: [
			{ name: 'One Item per Member', value: 'perMember', description: 'Link, code and a QR code PNG (binary "qrCode") per member' },
			{ name: 'One Page for All', value: 'page', description: 'One item with an HTML page of every link and QR code (field "html"), plus the page and a CSV as files' },
		],
	},
	{
		displayName: 'Message Language',
		name: 'language',
		type: 'options',
		default: 'en',
		displayOptions: show,
		options: LANGUAGES.map((value) => ({ name: value.toUpperCase(), value })),
		description: 'Language of the pre-filled message the member sends',
	},
	{
		displayName: 'Message Template',
		name: 'messageTemplate',
		type: 'string',
		default: '',
		displayOptions: show,
		placeholder: 'e.g. Hello! I want to send my receipts to {organisation}. My activation code: {code}',
		description: 'Leave empty for the built-in text of the chosen language. {code} is required (added at the end when missing).',
	},
];

interface Membership {
	id: string;
	name: string;
	status: string;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[]];
	const secret = await activationSecret(this);
	const links: Array<ActivationLink & { qrPng: Buffer; itemIndex: number }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const membership = readMembership(this, items[itemIndex].json, itemIndex);
		if (this.getNodeParameter('onlyActive', itemIndex, true) && membership.status !== 'active') continue;
		const language = this.getNodeParameter('language', itemIndex, 'en');
		const organisationId = (this.getNodeParameter('organisationId', itemIndex) as string).trim();
		const link = buildActivationLink(
			{
				businessNumber: this.getNodeParameter('businessNumber', itemIndex) as string,
				organisationId,
				organisationName: (this.getNodeParameter('organisationName', itemIndex, '') as string) || organisationId,
				membershipId: membership.id,
				memberName: membership.name,
				expiresAt: addDays(new Date(), Number(this.getNodeParameter('validDays', itemIndex, 14))),
				messageTemplate: (this.getNodeParameter('messageTemplate', itemIndex, '') as string) || DEFAULT_TEXTS[isLanguage(language) ? language : 'en'].activationMessage,
			},
			secret,
		);
		links.push({ ...link, qrPng: await qrCodePng(link.url), itemIndex });
	}

	if (this.getNodeParameter('output', 0, 'perMember') === 'page') {
		const organisationName = (this.getNodeParameter('organisationName', 0, '') as string) || (this.getNodeParameter('organisationId', 0) as string);
		const html = await activationPage(links, { organisationName });
		const csv = activationCsv(links);
		const slug = safeFileName(organisationName, 'organisation');
		return [
			[
				{
					json: { organisationName, count: links.length, links: links.map(({ qrPng: _png, itemIndex: _index, ...link }) => link), html },
					binary: {
						page: await this.helpers.prepareBinaryData(Buffer.from(html, 'utf8'), `activation-links-${slug}.html`, 'text/html'),
						csv: await this.helpers.prepareBinaryData(Buffer.from(csv, 'utf8'), `activation-links-${slug}.csv`, 'text/csv'),
					},
					pairedItem: items.map((_item, index) => ({ item: index })),
				},
			],
		];
	}
	const output: INodeExecutionData[] = [];
	for (const { qrPng, itemIndex, ...link } of links) {
		output.push({
			json: { ...link },
			binary: { qrCode: await this.helpers.prepareBinaryData(qrPng, `${safeFileName(link.memberName, 'member')}.png`, 'image/png') },
			pairedItem: { item: itemIndex },
		});
	}
	return [output];
}

function readMembership(context: IExecuteFunctions, json: IDataObject, itemIndex: number): Membership {
	const id = typeof json.id === 'string' ? json.id : '';
	if (!id) {
		throw new NodeOperationError(context.getNode(), `Item ${itemIndex + 1} is not a Qonto membership (no "id")`, {
			itemIndex,
			description: 'Feed this operation with the Qonto node: Membership → Get Many',
		});
	}
	const name = [json.first_name, json.last_name].filter((part) => typeof part === 'string' && part.trim()).join(' ') || id;
	return { id, name, status: typeof json.status === 'string' ? json.status : 'active' };
}
