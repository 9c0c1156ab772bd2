import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { textOf } from '../../../src/common/guards';
import { toMemberRow, type MemberRow } from '../../../src/conversation/directory';
import { refreshMemberships } from '../../../src/conversation/memberships';
import { jsonParameter } from './common';

const show = { show: { operation: ['refreshMembers'] } };

export const OUTPUT_NAMES = ['Unlink', 'Not Activated'] as const;

export const description: INodeProperties[] = [
	{
		displayName:
			'Input: the "whatsapp_members" rows. <b>Unlink</b>: rows whose Qonto membership is gone or no longer active, as they must be saved (no organisation any more: the sender hears their access ended). <b>Not Activated</b>: active memberships no WhatsApp is linked to yet.',
		name: 'refreshNotice',
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
		description: 'The ID the inbox knows the organisation by (its Qonto slug, as in Route Message\'s Organisations)',
	},
	{
		displayName: 'Memberships',
		name: 'memberships',
		type: 'json',
		default: "={{ $('Qonto Memberships').all().map(item => item.json) }}",
		required: true,
		displayOptions: show,
		description: "The organisation's Qonto memberships, all pages (the Qonto node's Membership → Get Many)",
	},
];

/** Who keeps access to the inbox for one organisation (src/conversation/memberships.ts). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const organisationId = textOf(this.getNodeParameter('organisationId', 0, ''));
	if (!organisationId) throw new NodeOperationError(this.getNode(), 'No Organisation ID given');
	const memberships = jsonParameter(this, 'memberships', 'Memberships');
	const rows = items.map((item) => toMemberRow(item.json)).filter((row): row is MemberRow => row !== null);
	const refresh = refreshMemberships(rows, organisationId, memberships);
	const indexOf = (row: MemberRow) => Math.max(0, items.findIndex((item) => Number(item.json.id) === row.id));
	const unlink = refresh.unlink.map(({ row, reason }) => ({ json: { ...row, unlinkReason: reason } as unknown as IDataObject, pairedItem: { item: indexOf(row) } }));
	const notActivated = refresh.notActivated.map((membership) => ({ json: { ...membership, organisationId, ...(refresh.warning ? { warning: refresh.warning } : {}) } as IDataObject, pairedItem: { item: 0 } }));
	return [unlink, notActivated];
}
