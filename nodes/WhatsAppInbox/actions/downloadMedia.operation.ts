import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { sleep, updateDisplayOptions } from 'n8n-workflow';

import { ReasonedError } from '../../../src/common/failure';
import { downloadMedia, mediaFileName, type MediaDownloadIo } from '../../../src/whatsapp/download';
import { sha256Hex } from '../../../src/whatsapp/media';
import { fetchMediaMetadata, openMediaDownload } from '../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '={{ $json.document.mediaId }}',
		required: true,
	},
	{
		displayName: 'Max File Size (MB)',
		name: 'maxFileSizeMb',
		type: 'number',
		typeOptions: { minValue: 0.001, numberPrecision: 3 },
		default: 15,
		description: 'Files declared larger are refused without downloading; a download that grows larger is aborted. 1 MB = 1024 × 1024 bytes.',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '={{ $json.document.fileName ?? "" }}',
		description: 'Name given to the file; when empty, one is made from the media ID and type',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['downloadMedia'] } }, properties);

/**
 * The file of a document or photo message as binary data, with its id, name, size and SHA-256 under `media`.
 * When to retry, re-fetch the URL or refuse the file is decided in src/whatsapp/download.ts; this only does the I/O.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const mediaId = String(this.getNodeParameter('mediaId', itemIndex)).trim();
	if (!mediaId) throw new ReasonedError('missing_media_id', 'No media ID given', {}, 'Map Media ID to the trigger output, e.g. {{ $json.document.mediaId }}');
	const maxBytes = Math.round(Number(this.getNodeParameter('maxFileSizeMb', itemIndex, 15)) * 1024 * 1024);
	const binaryProperty = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data'));

	const io: MediaDownloadIo = {
		fetchMetadata: async () => await fetchMediaMetadata(this, itemIndex, mediaId),
		open: async (url) => await openMediaDownload(this, itemIndex, url),
		sleep,
	};
	const { bytes, metadata } = await downloadMedia(mediaId, maxBytes, io);

	const fileName = mediaFileName(String(this.getNodeParameter('fileName', itemIndex, '') ?? ''), mediaId, metadata.mimeType);
	const binary = await this.helpers.prepareBinaryData(bytes, fileName, metadata.mimeType ?? 'application/octet-stream');
	const input = this.getInputData()[itemIndex];
	return [
		{
			json: { ...input.json, media: { mediaId, fileName, declaredMimeType: metadata.mimeType, fileSize: bytes.length, sha256: sha256Hex(bytes) } },
			binary: { ...input.binary, [binaryProperty]: binary },
		},
	];
}
