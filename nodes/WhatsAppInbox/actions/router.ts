import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { executePerItem } from '../../shared/perItem';
import type { OperationExecute } from './common';
import * as downloadMedia from './downloadMedia.operation';
import * as markAsRead from './markAsRead.operation';
import * as react from './react.operation';
import * as sendChoices from './sendChoices.operation';
import * as sendOrganisationPicker from './sendOrganisationPicker.operation';
import * as sendTemplate from './sendTemplate.operation';
import * as sendText from './sendText.operation';

/** operation → execute; a Map so that a parameter value never indexes an object. */
const OPERATIONS = new Map<string, OperationExecute>([
	['downloadMedia', downloadMedia.execute],
	['markAsRead', markAsRead.execute],
	['react', react.execute],
	['sendChoices', sendChoices.execute],
	['sendOrganisationPicker', sendOrganisationPicker.execute],
	['sendTemplate', sendTemplate.execute],
	['sendText', sendText.execute],
]);

/** One operation call per input item, through the shared per-item loop (pairing, continue on fail). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executePerItem(this, async (itemIndex) => {
		const operation = this.getNodeParameter('operation', itemIndex) as string;
		const execute = OPERATIONS.get(operation);
		if (!execute) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`, { itemIndex });
		return await execute.call(this, itemIndex);
	});
}
