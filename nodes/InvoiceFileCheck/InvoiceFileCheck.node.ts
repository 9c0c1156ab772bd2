import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, setSafeObjectProperty } from 'n8n-workflow';

import { DEFAULT_JPEG_QUALITY, MEBIBYTE, processInvoiceFile, type OutputFile, type ProcessedFile } from '../../src/files';
import { failureItem } from '../shared/failure';

const whenConverting = { show: { convertHeif: [true] } };

/**
 * Checks one receipt or invoice file per item from its bytes (never from the declared mime type or name) and routes
 * it to "Accepted" (ready for Mindee and Qonto, HEIC/HEIF converted to JPEG) or "Rejected" (reason + sentence for the sender).
 */
export class InvoiceFileCheck implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Invoice File Check',
		name: 'invoiceFileCheck',
		icon: { light: 'file:invoiceFileCheck.svg', dark: 'file:invoiceFileCheck.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ "Up to " + $parameter["maxFileSizeMb"] + " MB" }}',
		description: 'Check a receipt or invoice file (JPEG, PNG, PDF, HEIC, HEIF) and convert HEIC/HEIF photos to JPEG for Qonto',
		defaults: { name: 'Invoice File Check' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Accepted', 'Rejected'],
		// Not an AI tool (binary in). `usableAsTool: false` does not compile: n8n-workflow 2.41 types it `true | {replacements}`, and leaving it out means "not a tool".
		properties: [
			{
				displayName: 'Input Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				hint: 'The name of the input binary field containing the file to check',
			},
			{
				displayName: 'Max File Size (MB)',
				name: 'maxFileSizeMb',
				type: 'number',
				default: 15,
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				description: 'Largest accepted file as sent, in binary megabytes (1 MB = 1024 × 1024 bytes; 15 MB = 15 728 640 bytes)',
			},
			{
				displayName: 'Convert HEIC/HEIF to JPEG',
				name: 'convertHeif',
				type: 'boolean',
				default: true,
				description: 'Whether to convert HEIC and HEIF photos to JPEG, the format Qonto accepts',
			},
			{
				displayName: 'JPEG Quality',
				name: 'jpegQuality',
				type: 'number',
				default: DEFAULT_JPEG_QUALITY,
				typeOptions: { minValue: 1, maxValue: 100 },
				displayOptions: whenConverting,
				description: 'Quality of the converted JPEG, from 1 to 100; lowered automatically if the JPEG would exceed the size limit',
			},
			{
				displayName: 'Keep Original Binary',
				name: 'keepOriginal',
				type: 'boolean',
				default: true,
				displayOptions: whenConverting,
				description: 'Whether to keep the unconverted HEIC/HEIF file in its own binary field, e.g. for extraction with Mindee',
			},
			{
				displayName: 'Original Binary Field',
				name: 'originalPropertyName',
				type: 'string',
				default: 'original',
				displayOptions: { show: { convertHeif: [true], keepOriginal: [true] } },
				description: 'Binary field that receives the unconverted file (named with a .heic extension)',
			},
			{
				displayName: 'Output Binary Field',
				name: 'outputPropertyName',
				type: 'string',
				default: 'data',
				description: 'Binary field that receives the file for Qonto; the same name as the input replaces it',
			},
			{
				displayName: 'Result Field',
				name: 'resultField',
				type: 'string',
				default: 'fileCheck',
				description: 'JSON field that receives the verdict (type, size, sha256, pages or dimensions; or reason and message). Leave empty to merge it into the top level of the item.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Max Image Megapixels',
						name: 'maxMegapixels',
						type: 'number',
						default: 100, // DEFAULT_CHECK_OPTIONS.maxPixels / 1e6 (the linter wants a literal)
						typeOptions: { minValue: 1 },
						description: 'Images with more pixels are rejected before decoding (guard against decompression bombs)',
					},
					{
						displayName: 'Max Image Side (Pixels)',
						name: 'maxSide',
						type: 'number',
						default: 20000, // DEFAULT_CHECK_OPTIONS.maxSide
						typeOptions: { minValue: 1 },
						description: 'Images wider or taller than this are rejected before decoding',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const accepted: INodeExecutionData[] = [];
		const rejected: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const item = items[i];
			try {
				const inputField = this.getNodeParameter('binaryPropertyName', i) as string;
				const convertHeif = this.getNodeParameter('convertHeif', i) as boolean;
				const options = this.getNodeParameter('options', i, {}) as { maxMegapixels?: number; maxSide?: number };
				const resultField = this.getNodeParameter('resultField', i, 'fileCheck') as string;
				const outputField = this.getNodeParameter('outputPropertyName', i, 'data') as string;

				const input = this.helpers.assertBinaryData(i, inputField);
				const bytes = await this.helpers.getBinaryDataBuffer(i, inputField);
				const processed = await processInvoiceFile(bytes, {
					fileName: input.fileName,
					maxBytes: Math.round((this.getNodeParameter('maxFileSizeMb', i) as number) * MEBIBYTE),
					maxPixels: options.maxMegapixels === undefined ? undefined : options.maxMegapixels * 1e6,
					maxSide: options.maxSide,
					convertHeif,
					jpegQuality: convertHeif ? (this.getNodeParameter('jpegQuality', i) as number) : undefined,
				});
				const json = withResult(item.json, resultField, processed);
				if (!('output' in processed)) {
					// The sender's file goes on untouched, for logs or a manual look.
					rejected.push({ json, binary: item.binary, pairedItem: { item: i } });
					continue;
				}
				const binary: Record<string, IBinaryData> = { ...item.binary };
				// Bytes as sent keep their stored binary (only the name and type are corrected); a converted JPEG or a file
				// whose appended data was cut is stored anew.
				const toBinary = async (file: OutputFile): Promise<IBinaryData> =>
					file.asSent ? relabel(input, file) : await this.helpers.prepareBinaryData(Buffer.from(file.bytes), file.fileName, file.mimeType);
				setSafeObjectProperty(binary, outputField, await toBinary(processed.output));
				if (processed.original && (this.getNodeParameter('keepOriginal', i) as boolean)) {
					setSafeObjectProperty(binary, this.getNodeParameter('originalPropertyName', i) as string, await toBinary(processed.original));
				}
				accepted.push({ json, binary, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					// On the Rejected side, so that the sender still gets an answer; the shared `{error, details}` shape is what
					// n8n's "continue (using error output)" recognises.
					rejected.push({ ...failureItem(error, i), binary: item.binary });
					continue;
				}
				if (error instanceof NodeOperationError) throw error;
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
		}
		return [accepted, rejected];
	}
}

function relabel(binary: IBinaryData, file: OutputFile): IBinaryData {
	return { ...binary, fileName: file.fileName, fileExtension: file.extension, mimeType: file.mimeType };
}

function withResult(json: IDataObject, field: string, processed: ProcessedFile): IDataObject {
	const result: IDataObject = { ...processed.result };
	const out: IDataObject = { ...json };
	if (field.trim() === '') Object.assign(out, result);
	else setSafeObjectProperty(out, field, result);
	return out;
}
