import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { IDEMPOTENCY_HEADER } from '../../../../src/qonto/constants';
import { assertRequestSize } from '../../../../src/qonto/files';
import { IDEMPOTENCY_NAMESPACES } from '../../../../src/qonto/idempotency';
import { buildMultipartBody } from '../../../../src/qonto/multipart';
import { pathSegment } from '../../../../src/qonto/query';
import { uploadFileOptions, transactionIdProperty } from '../common';
import { type ExecutionState, idempotencyKeyFor, readInputFile } from '../../helpers';
import { qontoRequest } from '../../transport';
import { requiredId } from '../transaction/get.operation';

const properties: INodeProperties[] = [
	transactionIdProperty('The UUID of the transaction (its "ID" field), e.g. the one the Transaction Match node chose'),
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file (JPEG, PNG or PDF only)',
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: 'Leave empty to derive it from the item',
		description:
			'Required by Qonto; a repeated key (within 30 minutes) attaches nothing new. Empty: a UUID derived from the WhatsApp message ID (or the SHA-256 of the file), the organization and the transaction, distinct from the upload key.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...uploadFileOptions,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['attachment'], operation: ['attachToTransaction'] } }, properties);

/**
 * POST /v2/transactions/{id}/attachments: one multipart part named `file`, the X-Qonto-Idempotency-Key header.
 * Qonto answers 200 with an empty body and processes the file in the background.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<INodeExecutionData[]> {
	const transactionId = requiredId(this, itemIndex, 'transactionId', 'Transaction ID');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const file = await readInputFile(this, itemIndex, binaryPropertyName, options.maxFileSizeMb, typeof options.fileName === 'string' ? options.fileName : undefined);
	const { key } = await idempotencyKeyFor(this, itemIndex, state, IDEMPOTENCY_NAMESPACES.transactionAttachment, file.bytes, transactionId);
	const multipart = buildMultipartBody([{ name: 'file', data: file.bytes, fileName: file.fileName, contentType: file.type.mimeType }]);
	assertRequestSize(multipart.body.length, file.bytes.length);

	const body = await qontoRequest(this, itemIndex, {
		method: 'POST',
		path: `/v2/transactions/${pathSegment(transactionId)}/attachments`,
		multipart,
		headers: { [IDEMPOTENCY_HEADER]: key },
	});
	const attachment = (body as { attachment?: IDataObject } | null)?.attachment ?? null;
	const item = this.getInputData()[itemIndex];
	const json: IDataObject = {
		transaction_id: transactionId,
		attached: true,
		idempotency_key: key,
		file_name: file.fileName,
		file_content_type: file.type.mimeType,
		file_size: file.bytes.length,
		attachment,
	};
	return [{ json, ...(item?.binary ? { binary: item.binary } : {}) }];
}
