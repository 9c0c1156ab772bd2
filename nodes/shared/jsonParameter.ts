import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** A JSON parameter: an expression gives the value itself, typed text is parsed (a clear error when it is not JSON). */
export function jsonParameter(context: IExecuteFunctions, name: string, label: string, itemIndex = 0): unknown {
	const raw = context.getNodeParameter(name, itemIndex, '') as unknown;
	if (typeof raw !== 'string') return raw;
	if (raw.trim() === '') return null;
	try {
		return JSON.parse(raw);
	} catch {
		throw new NodeOperationError(context.getNode(), `${label} is not valid JSON`, { itemIndex });
	}
}
