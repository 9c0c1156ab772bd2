import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeType, INodeTypeDescription, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, setSafeObjectProperty, sleep } from 'n8n-workflow';

import { ReasonedError } from '../../src/common/failure';
import {
	assertInvoiceModel,
	checkModelId,
	extractDocument,
	type MindeeSession,
	type MindeeSettings,
	mindeeSettings,
	mindeeUpload,
	normaliseInference,
	openMindeeSession,
	POLLING_TIMEOUT_LIMITS,
} from '../../src/mindee';
import { failureItem, toNodeError } from '../shared/failure';

export const CREDENTIAL_NAME = 'mindeeExtractionApi';

/** HTTP failures become NodeApiError (with the status), everything else NodeOperationError; the reason code is kept. */
function toMindeeNodeError(node: INode, error: unknown, itemIndex: number): Error {
	if (error instanceof ReasonedError && typeof error.details.httpStatus === 'number' && error.reason !== 'mindee_job_failed') {
		const nodeError = new NodeApiError(node, { message: error.message, ...error.details } as JsonObject, {
			message: error.message,
			description: error.hint,
			httpCode: String(error.details.httpStatus),
			itemIndex,
		});
		nodeError.context.reason = error.reason;
		nodeError.context.details = error.details;
		return nodeError;
	}
	return toNodeError(node, error, itemIndex);
}

async function extractItem(
	context: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
	session: MindeeSession,
	settings: MindeeSettings,
): Promise<INodeExecutionData> {
	const binaryProperty = String(context.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	const binary = context.helpers.assertBinaryData(itemIndex, binaryProperty);
	const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, binaryProperty);
	const upload = mindeeUpload(bytes, binary.fileName);
	const modelId = checkModelId(String(context.getNodeParameter('modelId', itemIndex, '') ?? '').trim() || settings.modelId);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const outputField = String(options.outputField ?? 'document').trim() || 'document';

	const outcome = await extractDocument(session, { bytes, fileName: upload.fileName }, {
		modelId,
		confidence: options.confidence === true ? true : undefined,
		pollingTimeoutSeconds: Number(context.getNodeParameter('pollingTimeout', itemIndex, POLLING_TIMEOUT_LIMITS.default)),
		baseUrl: settings.baseUrl,
		sleep,
	});
	const record = normaliseInference(outcome.response, { includeRaw: options.includeRaw === true });
	assertInvoiceModel(record, outcome.response, { modelId, jobId: outcome.jobId });
	const json: IDataObject = { ...item.json };
	setSafeObjectProperty(json, outputField, record);
	return { json, binary: item.binary, pairedItem: { item: itemIndex } };
}

/**
 * Reads one receipt or invoice per item with a Mindee V2 extraction model (official SDK) and adds the normalised
 * data (supplier, number, dates, amounts in minor units, taxes, confidence) to the item. The file stays attached.
 */
export class MindeeInvoiceExtract implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mindee Invoice Extract',
		name: 'mindeeInvoiceExtract',
		icon: { light: 'file:mindeeInvoiceExtract.svg', dark: 'file:mindeeInvoiceExtract.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Extract receipt or invoice data',
		description: 'Read a receipt or invoice with a Mindee extraction model: supplier, number, dates, amounts and taxes',
		defaults: { name: 'Mindee Invoice Extract' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Not an AI tool (binary in). `usableAsTool: false` does not compile with n8n-workflow 2.41; leaving it out means "not a tool".
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		properties: [
			{
				displayName: 'Input Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				hint: 'The name of the input binary field containing the file. After Invoice File Check, "original" holds an unconverted HEIC/HEIF photo, which Mindee reads directly.',
			},
			{
				displayName: 'Model ID',
				name: 'modelId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 12345678-1234-1234-1234-123456789abc',
				description: 'The Mindee extraction model to use; leave empty to use the model ID of the credential',
			},
			{
				displayName: 'Polling Timeout (Seconds)',
				name: 'pollingTimeout',
				type: 'number',
				default: 120,
				typeOptions: { minValue: POLLING_TIMEOUT_LIMITS.min, maxValue: POLLING_TIMEOUT_LIMITS.max },
				description: `How long to wait for Mindee to finish one document, from upload to result (${POLLING_TIMEOUT_LIMITS.min} to ${POLLING_TIMEOUT_LIMITS.max})`,
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Confidence Scores',
						name: 'confidence',
						type: 'boolean',
						default: false,
						description:
							"Whether to ask Mindee for a confidence label per field (Certain, High, Medium, Low), which needs the Automation feature of the Mindee plan. When off, the model's own setting applies.",
					},
					{
						displayName: 'Include Raw Response',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description: 'Whether to add the full Mindee response under "raw" in the output field',
					},
					{
						displayName: 'Output Field',
						name: 'outputField',
						type: 'string',
						default: 'document',
						description: 'The field of the output item that receives the extracted data; the rest of the item is kept',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		let settings: MindeeSettings | undefined;
		let session: MindeeSession | undefined;
		try {
			for (let i = 0; i < items.length; i++) {
				try {
					settings ??= mindeeSettings(await this.getCredentials(CREDENTIAL_NAME));
					session ??= await openMindeeSession({ apiKey: settings.apiKey, baseUrl: settings.baseUrl });
					returnData.push(await extractItem(this, i, items[i], session, settings));
				} catch (error) {
					if (this.continueOnFail()) {
						returnData.push(failureItem(error, i));
						continue;
					}
					throw toMindeeNodeError(this.getNode(), error, i);
				}
			}
		} finally {
			await session?.close();
		}
		return [returnData];
	}
}
