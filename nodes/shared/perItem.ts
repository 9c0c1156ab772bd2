import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failureItem, toNodeError } from './failure';

/**
 * n8n's per-item loop: `executeItem` runs once per input item, every output item is paired with its input, and a
 * failure becomes an error item (when the node continues on fail) or an error naming the item.
 */
export async function executePerItem(
	context: IExecuteFunctions,
	executeItem: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await executeItem(itemIndex);
			for (const result of results) returnData.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (context.continueOnFail()) {
				returnData.push(failureItem(error, itemIndex));
				continue;
			}
			throw toNodeError(context.getNode(), error, itemIndex);
		}
	}
	return [returnData];
}
