import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { SUPPLIER_INVOICE_SOURCES } from '../../../../src/qonto/constants';
import { assertRequestSize } from '../../../../src/qonto/files';
import { IDEMPOTENCY_NAMESPACES } from '../../../../src/qonto/idempotency';
import { buildMultipartBody } from '../../../../src/qonto/multipart';
import { interpretBulkUpload, normalizeSupplierInvoice, supplierInvoiceUploadParts } from '../../../../src/qonto/supplierInvoices';
import { uploadFileOptions } from '../common';
import { type ExecutionState, idempotencyKeyFor, jsonParameter, readInputFile } from '../../helpers';
import { qontoRequest } from '../../transport';

const SOURCE_NAMES: Record<string, string> = {
	generic_upload: 'Generic Upload',
	integration: 'Integration',
	pay_by_invoice: 'Pay by Invoice',
	supplier_invoices: 'Supplier Invoices',
	transaction_attachment: 'Transaction Attachment',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file (JPEG, PNG or PDF)',
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: 'Leave empty to derive it from the item',
		description:
			'Qonto creates one invoice per key (for 30 minutes). Empty: a UUID derived from the WhatsApp message ID and the organization ID of the item (fields messageId and organizationId), else from the SHA-256 of the file and the organization, so a retried execution cannot create a duplicate.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...uploadFileOptions,
			{
				displayName: 'Meta (JSON)',
				name: 'meta',
				type: 'json',
				default: '{"integration_type": "whatsapp", "connector": "n8n"}',
				description: 'Metadata stored with the invoice',
			},
			{
				displayName: 'Skip Attachment Matcher',
				name: 'skipAttachmentMatcher',
				type: 'boolean',
				default: true,
				description:
					"Whether Qonto should skip its own matching of the invoice to a transaction. Turn on when the workflow attaches the file itself (otherwise Qonto may attach it too, or to another transaction).",
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'options',
				options: SUPPLIER_INVOICE_SOURCES.map((value) => ({ name: SOURCE_NAMES[value] ?? value, value })),
				default: 'integration',
				description: 'Where Qonto records the invoice as coming from',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['supplierInvoice'], operation: ['upload'] } }, properties);

/**
 * POST /v2/supplier_invoices/bulk with ONE invoice (so the 15 MB request limit holds). Qonto answers 200 even when
 * the invoice failed; its `errors[]` entry becomes a real error (code, detail, pointer).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const file = await readInputFile(this, itemIndex, binaryPropertyName, options.maxFileSizeMb, typeof options.fileName === 'string' ? options.fileName : undefined);
	const { key } = await idempotencyKeyFor(this, itemIndex, state, IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, file.bytes);

	const multipart = buildMultipartBody(
		supplierInvoiceUploadParts({
			file: file.bytes,
			fileName: file.fileName,
			contentType: file.type.mimeType,
			idempotencyKey: key,
			source: typeof options.source === 'string' ? options.source : null,
			meta: jsonParameter(this, itemIndex, options.meta, 'Meta'),
			skipAttachmentMatcher: typeof options.skipAttachmentMatcher === 'boolean' ? options.skipAttachmentMatcher : undefined,
		}),
	);
	assertRequestSize(multipart.body.length, file.bytes.length);

	let invoice: Record<string, unknown> = {};
	await qontoRequest(this, itemIndex, {
		method: 'POST',
		path: '/v2/supplier_invoices/bulk',
		multipart,
		check: (body, traceId) => {
			const result = interpretBulkUpload(body, traceId);
			if (!result.ok) return result.failure;
			invoice = result.invoice;
			return null;
		},
	});
	const item = this.getInputData()[itemIndex];
	return [{ json: { ...normalizeSupplierInvoice(invoice), idempotency_key: key } as IDataObject, ...(item?.binary ? { binary: item.binary } : {}) }];
}
