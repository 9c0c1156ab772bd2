import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { findEarlierCopy } from '../../../src/conversation/ledger';
import { ledgerRowsOnSecondInput } from './common';

const show = { show: { operation: ['checkSameFile'] } };

export const INPUT_NAMES = ['File', 'Stored Documents'] as const;
export const OUTPUT_NAMES = ['New File', 'Same File'] as const;

export const description: INodeProperties[] = [
	{
		displayName:
			'Input 1 takes the checked files (Invoice File Check), input 2 the rows of the "whatsapp_documents" Data Table with their sha256. A file already stored for the organisation by another message goes to Same File (with <code>earlierCopy</code>), any other to New File.',
		name: 'sameFileNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'SHA-256',
		name: 'sha256',
		type: 'string',
		default: '={{ $json.fileCheck.sha256 }}',
		required: true,
		displayOptions: show,
		description: 'Of the file as sent',
	},
	{
		displayName: 'Organisation ID',
		name: 'organisationId',
		type: 'string',
		default: "={{ $('Route Message').item.json.inbox.organisation.id }}",
		required: true,
		displayOptions: show,
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: "={{ $('Route Message').item.json.messageId }}",
		required: true,
		displayOptions: show,
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const files = this.getInputData(0);
	const rows = ledgerRowsOnSecondInput(this);
	const [newFiles, sameFiles]: INodeExecutionData[][] = [[], []];
	files.forEach((item, itemIndex) => {
		const file = {
			sha256: String(this.getNodeParameter('sha256', itemIndex, '')),
			organisationId: String(this.getNodeParameter('organisationId', itemIndex, '')),
			messageId: String(this.getNodeParameter('messageId', itemIndex, '')),
		};
		if (!/^[0-9a-f]{64}$/i.test(file.sha256)) {
			throw new NodeOperationError(this.getNode(), 'No SHA-256 for this file', { itemIndex, description: 'Map SHA-256 to the file check result, e.g. {{ $json.fileCheck.sha256 }}' });
		}
		const earlierCopy = findEarlierCopy(rows, file);
		if (earlierCopy) sameFiles.push({ json: { ...item.json, earlierCopy: { ...earlierCopy } }, pairedItem: { item: itemIndex } });
		else newFiles.push({ ...item, pairedItem: { item: itemIndex } });
	});
	return [newFiles, sameFiles];
}
