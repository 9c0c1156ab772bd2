import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { isRecord, textOf } from '../../../../src/common/guards';
import { IDEMPOTENCY_HEADER } from '../../../../src/qonto/constants';
import { assertRequestSize } from '../../../../src/qonto/files';
import { IDEMPOTENCY_NAMESPACES } from '../../../../src/qonto/idempotency';
import { buildMultipartBody } from '../../../../src/qonto/multipart';
import { pathSegment } from '../../../../src/qonto/query';
import { transactionIdProperty } from '../common';
import { type ExecutionState, idempotencyKeyFor } from '../../helpers';
import { qontoDownload, qontoRequest } from '../../transport';
import { requiredId } from '../transaction/get.operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Supplier Invoice ID',
		name: 'supplierInvoiceId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of a supplier invoice already stored in Qonto (e.g. the one the Upload operation returned)',
	},
	transactionIdProperty('The UUID of the transaction (its "ID" field) to attach the invoice\'s file to'),
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: 'Leave empty to derive it from the item',
		description:
			'Required by Qonto; a repeated key (within 30 minutes) attaches nothing new. Empty: the same key Attach to Transaction derives for this WhatsApp message (or file) and transaction, so the same file is never attached twice.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['attachment'], operation: ['attachSupplierInvoice'] } }, properties);

/**
 * Attaches the file of a supplier invoice already in Qonto to a transaction, for a payment that appeared after the
 * invoice was stored: GET /v2/supplier_invoices/{id} (its attachment), GET /v2/attachments/{id} (a fresh signed link),
 * the file from that link, then POST /v2/transactions/{id}/attachments. Qonto has no call that links an existing
 * attachment to a transaction, so the file makes the round trip.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<INodeExecutionData[]> {
	const supplierInvoiceId = requiredId(this, itemIndex, 'supplierInvoiceId', 'Supplier Invoice ID');
	const transactionId = requiredId(this, itemIndex, 'transactionId', 'Transaction ID');

	const invoiceBody = await qontoRequest(this, itemIndex, { method: 'GET', path: `/v2/supplier_invoices/${pathSegment(supplierInvoiceId)}` });
	const invoice = isRecord(invoiceBody) && isRecord(invoiceBody.supplier_invoice) ? invoiceBody.supplier_invoice : {};
	const attachmentId = textOf(invoice.attachment_id) || textOf(invoice.display_attachment_id);
	if (!attachmentId) {
		throw new NodeOperationError(this.getNode(), `Supplier invoice ${supplierInvoiceId} has no file in Qonto`, { itemIndex, description: 'Qonto returned the invoice without an attachment_id.' });
	}
	const attachmentBody = await qontoRequest(this, itemIndex, { method: 'GET', path: `/v2/attachments/${pathSegment(attachmentId)}` });
	const attachment = isRecord(attachmentBody) && isRecord(attachmentBody.attachment) ? attachmentBody.attachment : {};
	const url = textOf(attachment.url);
	if (!url) throw new NodeOperationError(this.getNode(), `Qonto gave no download link for attachment ${attachmentId}`, { itemIndex });
	const file = await qontoDownload(this, itemIndex, url);
	const fileName = textOf(attachment.file_name) || textOf(invoice.file_name) || 'invoice';
	const contentType = textOf(attachment.file_content_type) || file.contentType || 'application/octet-stream';

	const { key } = await idempotencyKeyFor(this, itemIndex, state, IDEMPOTENCY_NAMESPACES.transactionAttachment, file.bytes, transactionId);
	const multipart = buildMultipartBody([{ name: 'file', data: file.bytes, fileName, contentType }]);
	assertRequestSize(multipart.body.length, file.bytes.length);
	await qontoRequest(this, itemIndex, {
		method: 'POST',
		path: `/v2/transactions/${pathSegment(transactionId)}/attachments`,
		multipart,
		headers: { [IDEMPOTENCY_HEADER]: key },
	});
	const json: IDataObject = {
		transaction_id: transactionId,
		supplier_invoice_id: supplierInvoiceId,
		attachment_id: attachmentId,
		attached: true,
		idempotency_key: key,
		file_name: fileName,
		file_content_type: contentType,
		file_size: file.bytes.length,
	};
	return [{ json }];
}
