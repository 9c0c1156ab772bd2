import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ExecutionState } from '../helpers';

/** Every operation: `description` (its parameters, shown for its resource and operation) and `execute` for one item. */
export type OperationExecute = (this: IExecuteFunctions, itemIndex: number, state: ExecutionState) => Promise<INodeExecutionData[]>;

export interface OperationModule {
	description: INodeProperties[];
	execute: OperationExecute;
}

/** Return All + Limit, shown for one resource/operation. */
export function returnAllAndLimit(resource: string, operation: string): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show: { resource: [resource], operation: [operation] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { resource: [resource], operation: [operation], returnAll: [false] } },
		},
	];
}

/** The items of a list, one output item each. */
export function toItems(records: readonly object[]): INodeExecutionData[] {
	return records.map((record) => ({ json: { ...record } as INodeExecutionData['json'] }));
}

/** The options every file upload to Qonto shares (supplier invoice upload, attach to transaction). */
export const uploadFileOptions: INodeProperties[] = [
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		description: 'Name shown in Qonto; default the binary file name. The extension is corrected to the real file type.',
	},
	{
		displayName: 'Max File Size (MB)',
		name: 'maxFileSizeMb',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 3 },
		default: 0,
		description:
			"A limit stricter than Qonto's own, for the file alone; 0 for none. Qonto takes at most 15 MB per request, the file and the form around it (a few hundred bytes): larger requests are refused before sending, naming the room left for the file. 1 MB = 1024 × 1024 bytes.",
	},
];

/** The transaction a Get or an attachment operation works on; `description` says what fits there. */
export function transactionIdProperty(description: string): INodeProperties {
	return {
		displayName: 'Transaction ID',
		name: 'transactionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. df346899-3595-421a-8b26-f9d9616ce496',
		description,
	};
}
