import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { extension as extensionForMime } from 'mime-types';

import { ReasonedError } from '../../src/common/failure';
import { backoffDelayMs, DEFAULT_RETRY } from '../../src/common/retry';
import { readStreamWithLimit } from '../../src/common/stream';
import {
	assertDeclaredSizeWithinLimit,
	checksumMatches,
	isExpiredUrlStatus,
	parseMediaMetadata,
	sha256Hex,
	type MediaMetadata,
} from '../../src/whatsapp/media';
import { graphRequest, graphSettings, openMediaStream } from './transport';

const MAX_DOWNLOAD_ATTEMPTS = 4;

async function fetchMetadata(context: IExecuteFunctions, itemIndex: number, mediaId: string): Promise<MediaMetadata> {
	const { phoneNumberId } = await graphSettings(context);
	const body = await graphRequest(context, itemIndex, 'GET', `/${encodeURIComponent(mediaId)}`, { qs: { phone_number_id: phoneNumberId } });
	return parseMediaMetadata(body);
}

/**
 * Metadata → size check (before any download) → download with the bearer token. The media URL lives five minutes:
 * an expired one is fetched again from the media id. A download that grows past the limit is aborted.
 */
export async function downloadMedia(context: IExecuteFunctions, itemIndex: number, mediaId: string, maxBytes: number) {
	let metadata = await fetchMetadata(context, itemIndex, mediaId);
	assertDeclaredSizeWithinLimit(metadata, maxBytes);

	let lastProblem = '';
	for (let attempt = 0; attempt < MAX_DOWNLOAD_ATTEMPTS; attempt++) {
		const response = await openMediaStream(context, itemIndex, metadata.url).catch((error: Error) => error);
		if (response instanceof Error) {
			lastProblem = response.message;
		} else if (isExpiredUrlStatus(response.statusCode)) {
			response.body.destroy?.();
			lastProblem = `the download URL answered HTTP ${response.statusCode}`;
			metadata = await fetchMetadata(context, itemIndex, mediaId);
			assertDeclaredSizeWithinLimit(metadata, maxBytes);
			continue;
		} else if (response.statusCode >= 400) {
			response.body.destroy?.();
			lastProblem = `the download URL answered HTTP ${response.statusCode}`;
		} else {
			const bytes = await readStreamWithLimit(response.body, maxBytes);
			const intact = checksumMatches(bytes, metadata.sha256) !== false && (metadata.fileSize === null || metadata.fileSize === bytes.length);
			if (intact) return { bytes, metadata };
			lastProblem = `the downloaded file (${bytes.length} bytes) does not match its declared size or checksum`;
		}
		await sleep(backoffDelayMs(attempt, DEFAULT_RETRY));
	}
	throw new ReasonedError('download_failed', `Could not download media ${mediaId}: ${lastProblem}`, { mediaId });
}

export function mediaFileName(requested: string, mediaId: string, mimeType: string | null): string {
	const trimmed = requested.trim();
	if (trimmed) return trimmed;
	const extension = mimeType ? extensionForMime(mimeType) : false;
	return extension ? `whatsapp-${mediaId}.${extension}` : `whatsapp-${mediaId}`;
}

export async function downloadMediaItem(
	context: IExecuteFunctions,
	itemIndex: number,
	input: INodeExecutionData,
): Promise<INodeExecutionData> {
	const mediaId = String(context.getNodeParameter('mediaId', itemIndex)).trim();
	if (!mediaId) throw new ReasonedError('missing_media_id', 'No media ID given', {}, 'Map Media ID to the trigger output, e.g. {{ $json.document.mediaId }}');
	const maxBytes = Math.round(Number(context.getNodeParameter('maxFileSizeMb', itemIndex, 15)) * 1024 * 1024);
	const binaryProperty = String(context.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	const { bytes, metadata } = await downloadMedia(context, itemIndex, mediaId, maxBytes);
	const fileName = mediaFileName(String(context.getNodeParameter('fileName', itemIndex, '') ?? ''), mediaId, metadata.mimeType);
	const binary = await context.helpers.prepareBinaryData(bytes, fileName, metadata.mimeType ?? 'application/octet-stream');
	return {
		json: {
			...input.json,
			media: { mediaId, fileName, declaredMimeType: metadata.mimeType, fileSize: bytes.length, sha256: sha256Hex(bytes) },
		},
		binary: { ...input.binary, [binaryProperty]: binary },
		pairedItem: { item: itemIndex },
	};
}
