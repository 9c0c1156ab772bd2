/**
 * How a WhatsApp media file is downloaded, apart from the HTTP that carries it (the node passes that in).
 * Meta's media URL lives five minutes, so an expired one is fetched again from the media id; other failed tries wait
 * with the shared backoff; a file is kept only when it matches the size and checksum Meta declared for it.
 */
import { extension as extensionForMime } from 'mime-types';

import { ReasonedError } from '../common/failure';
import { backoffDelayMs, DEFAULT_RETRY } from '../common/retry';
import { assertDeclaredSizeWithinLimit, checksumMatches, isExpiredUrlStatus, type MediaMetadata } from './media';

export interface DownloadPolicy {
	/** Tries in all, a try that only found the URL expired included. */
	maxAttempts: number;
	/** Pause before the second try; doubles on every further one. */
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_DOWNLOAD_POLICY: DownloadPolicy = { maxAttempts: 4, baseDelayMs: DEFAULT_RETRY.baseDelayMs, maxDelayMs: DEFAULT_RETRY.maxDelayMs };

/** Why one try did not give the file. */
export interface FailedAttempt {
	/** Ends the final error message: "Could not download media <id>: <problem>". */
	problem: string;
	/** The URL no longer works: a fresh one has to come from the media id. */
	urlExpired: boolean;
}

export type NextStep = { action: 'refetchMetadata' } | { action: 'wait'; delayMs: number } | { action: 'giveUp' };

/** What to do after the failed try number `attempt` (counted from 0). */
export function nextStepAfter(failure: FailedAttempt, attempt: number, policy: DownloadPolicy = DEFAULT_DOWNLOAD_POLICY): NextStep {
	if (attempt + 1 >= policy.maxAttempts) return { action: 'giveUp' };
	// A fresh URL works at once: waiting would only bring it closer to expiring again.
	if (failure.urlExpired) return { action: 'refetchMetadata' };
	return { action: 'wait', delayMs: backoffDelayMs(attempt, policy) };
}

/** The failure an HTTP status of the download means; null when the body is the file. */
export function failureOfStatus(statusCode: number): FailedAttempt | null {
	if (statusCode < 400) return null;
	return { problem: `the download URL answered HTTP ${statusCode}`, urlExpired: isExpiredUrlStatus(statusCode) };
}

/**
 * Null when the bytes are the file Meta declared. A size or checksum Meta did not give (or gave in a form that cannot
 * be compared) is not held against the file.
 */
export function integrityFailure(bytes: Buffer, metadata: MediaMetadata): FailedAttempt | null {
	const checksumAgrees = checksumMatches(bytes, metadata.sha256) !== false;
	const sizeAgrees = metadata.fileSize === null || metadata.fileSize === bytes.length;
	if (checksumAgrees && sizeAgrees) return null;
	return { problem: `the downloaded file (${bytes.length} bytes) does not match its declared size or checksum`, urlExpired: false };
}

/** An answer to the download request whose body has not been read yet. */
export interface OpenedDownload {
	statusCode: number;
	/** Reads the body, aborting as soon as it grows past `maxBytes`; that failure is final, never retried. */
	read(maxBytes: number): Promise<Buffer>;
	/** Drops a body that will not be read. */
	discard(): void;
}

/** The I/O a download needs; the node provides it through its transport, tests with fakes. */
export interface MediaDownloadIo {
	/** GET /{media-id}: a fresh download URL with the declared type, size and checksum. */
	fetchMetadata(): Promise<MediaMetadata>;
	/** Rejects when no answer arrives (refused, reset, timed out). */
	open(url: string): Promise<OpenedDownload>;
	sleep(ms: number): Promise<void>;
}

export interface DownloadedMedia {
	bytes: Buffer;
	metadata: MediaMetadata;
}

type AttemptResult = { ok: true; bytes: Buffer } | { ok: false; failure: FailedAttempt };

async function attemptDownload(io: MediaDownloadIo, metadata: MediaMetadata, maxBytes: number): Promise<AttemptResult> {
	let opened: OpenedDownload;
	try {
		opened = await io.open(metadata.url);
	} catch (error) {
		return { ok: false, failure: { problem: error instanceof Error ? error.message : String(error), urlExpired: false } };
	}
	const refused = failureOfStatus(opened.statusCode);
	if (refused) {
		opened.discard();
		return { ok: false, failure: refused };
	}
	const bytes = await opened.read(maxBytes);
	const damaged = integrityFailure(bytes, metadata);
	return damaged ? { ok: false, failure: damaged } : { ok: true, bytes };
}

/**
 * Metadata → size check (before any byte is downloaded) → download, tried again as `policy` says. Every metadata
 * fetch is checked against the limit, so a re-fetch cannot sneak a larger file in.
 */
export async function downloadMedia(mediaId: string, maxBytes: number, io: MediaDownloadIo, policy: DownloadPolicy = DEFAULT_DOWNLOAD_POLICY): Promise<DownloadedMedia> {
	const fetchWithinLimit = async () => {
		const metadata = await io.fetchMetadata();
		assertDeclaredSizeWithinLimit(metadata, maxBytes);
		return metadata;
	};
	let metadata = await fetchWithinLimit();
	for (let attempt = 0; ; attempt++) {
		const result = await attemptDownload(io, metadata, maxBytes);
		if (result.ok) return { bytes: result.bytes, metadata };
		const next = nextStepAfter(result.failure, attempt, policy);
		if (next.action === 'giveUp') {
			throw new ReasonedError('download_failed', `Could not download media ${mediaId}: ${result.failure.problem}`, { mediaId });
		}
		if (next.action === 'refetchMetadata') metadata = await fetchWithinLimit();
		else await io.sleep(next.delayMs);
	}
}

/** The name given, else one made from the media id and the extension of its type. */
export function mediaFileName(requested: string, mediaId: string, mimeType: string | null): string {
	const trimmed = requested.trim();
	if (trimmed) return trimmed;
	const extension = mimeType ? extensionForMime(mimeType) : false;
	return extension ? `whatsapp-${mediaId}.${extension}` : `whatsapp-${mediaId}`;
}
