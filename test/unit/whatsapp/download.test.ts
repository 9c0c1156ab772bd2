import { createHash } from 'node:crypto';
import fc from 'fast-check';

import { ReasonedError } from '../../../src/common/failure';
import {
	DEFAULT_DOWNLOAD_POLICY,
	downloadMedia,
	failureOfStatus,
	integrityFailure,
	mediaFileName,
	nextStepAfter,
	type MediaDownloadIo,
} from '../../../src/whatsapp/download';
import type { MediaMetadata } from '../../../src/whatsapp/media';

const FILE = Buffer.from('%PDF-1.7 a small invoice');
const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const base64 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
const metadataOf = (bytes: Buffer, changes: Partial<MediaMetadata> = {}): MediaMetadata => ({
	id: 'media-1',
	url: 'https://lookaside.example/1',
	mimeType: 'application/pdf',
	sha256: hex(bytes),
	fileSize: bytes.length,
	...changes,
});

describe('what to do after a failed try', () => {
	const failure = { problem: 'the download URL answered HTTP 500', urlExpired: false };
	const expired = { problem: 'the download URL answered HTTP 404', urlExpired: true };

	it('waits with the shared backoff (1 s, 2 s, 4 s) and gives up after the fourth try', () => {
		expect([0, 1, 2, 3].map((attempt) => nextStepAfter(failure, attempt))).toEqual([
			{ action: 'wait', delayMs: 1000 },
			{ action: 'wait', delayMs: 2000 },
			{ action: 'wait', delayMs: 4000 },
			{ action: 'giveUp' },
		]);
	});

	it('fetches a fresh URL at once when the URL expired, but not after the last try', () => {
		expect(nextStepAfter(expired, 0)).toEqual({ action: 'refetchMetadata' });
		expect(nextStepAfter(expired, DEFAULT_DOWNLOAD_POLICY.maxAttempts - 1)).toEqual({ action: 'giveUp' });
	});

	it('reads the status of the download answer: 401, 403, 404 and 410 mean an expired URL', () => {
		expect(failureOfStatus(200)).toBeNull();
		expect(failureOfStatus(302)).toBeNull();
		for (const status of [401, 403, 404, 410]) expect(failureOfStatus(status)).toEqual({ problem: `the download URL answered HTTP ${status}`, urlExpired: true });
		for (const status of [400, 429, 500, 503]) expect(failureOfStatus(status)?.urlExpired).toBe(false);
	});
});

describe('the downloaded file against what Meta declared', () => {
	it('accepts the declared file, with the checksum as hex (media metadata) or base64 (webhooks)', () => {
		expect(integrityFailure(FILE, metadataOf(FILE))).toBeNull();
		expect(integrityFailure(FILE, metadataOf(FILE, { sha256: base64(FILE) }))).toBeNull();
	});

	it('does not hold a missing size or an unreadable checksum against the file', () => {
		expect(integrityFailure(FILE, metadataOf(FILE, { sha256: null, fileSize: null }))).toBeNull();
		expect(integrityFailure(FILE, metadataOf(FILE, { sha256: 'not a checksum' }))).toBeNull();
	});

	it('refuses a file of another size or checksum', () => {
		const problem = `the downloaded file (${FILE.length} bytes) does not match its declared size or checksum`;
		expect(integrityFailure(FILE, metadataOf(FILE, { fileSize: FILE.length + 1 }))).toEqual({ problem, urlExpired: false });
		expect(integrityFailure(FILE, metadataOf(Buffer.from('another file'), { fileSize: FILE.length }))).toEqual({ problem, urlExpired: false });
	});
});

/** One answer of the fake media host: a status with a body, or no answer at all. */
type Answer = { status: number; body?: Buffer } | { unreachable: string };

/** A fake of the node's transport: metadata answers in turn (the last repeats), download answers in turn. */
function fakeIo(metadata: MediaMetadata[], answers: Answer[]) {
	const calls = { metadata: 0, opens: [] as string[], sleeps: [] as number[], discarded: 0 };
	const io: MediaDownloadIo = {
		fetchMetadata: async () => metadata[Math.min(calls.metadata++, metadata.length - 1)],
		open: async (url) => {
			calls.opens.push(url);
			const answer = answers[Math.min(calls.opens.length - 1, answers.length - 1)];
			if ('unreachable' in answer) throw new Error(answer.unreachable);
			return {
				statusCode: answer.status,
				read: async (maxBytes) => {
					const body = answer.body ?? Buffer.alloc(0);
					if (body.length > maxBytes) throw new ReasonedError('file_too_large', 'The file is larger than the limit', { limitBytes: maxBytes });
					return body;
				},
				discard: () => void calls.discarded++,
			};
		},
		sleep: async (ms) => void calls.sleeps.push(ms),
	};
	return { io, calls };
}

describe('downloading a media file', () => {
	const limit = 1024;

	it('downloads the declared file in one try', async () => {
		const { io, calls } = fakeIo([metadataOf(FILE)], [{ status: 200, body: FILE }]);
		await expect(downloadMedia('media-1', limit, io)).resolves.toEqual({ bytes: FILE, metadata: metadataOf(FILE) });
		expect(calls).toEqual({ metadata: 1, opens: ['https://lookaside.example/1'], sleeps: [], discarded: 0 });
	});

	it('fetches a fresh URL when the first has expired, without waiting', async () => {
		const fresh = metadataOf(FILE, { url: 'https://lookaside.example/2' });
		const { io, calls } = fakeIo([metadataOf(FILE), fresh], [{ status: 404 }, { status: 200, body: FILE }]);
		await expect(downloadMedia('media-1', limit, io)).resolves.toEqual({ bytes: FILE, metadata: fresh });
		expect(calls).toEqual({ metadata: 2, opens: ['https://lookaside.example/1', 'https://lookaside.example/2'], sleeps: [], discarded: 1 });
	});

	it('tries four times in all, waiting between tries only, and says what went wrong last', async () => {
		const { io, calls } = fakeIo([metadataOf(FILE)], [{ unreachable: 'socket hang up' }, { status: 200, body: Buffer.from('half') }, { status: 503 }]);
		const failure = downloadMedia('media-1', limit, io);
		await expect(failure).rejects.toThrow('Could not download media media-1: the download URL answered HTTP 503');
		await expect(failure).rejects.toMatchObject({ reason: 'download_failed', details: { mediaId: 'media-1' } });
		expect(calls.opens).toHaveLength(4);
		expect(calls.sleeps).toEqual([1000, 2000, 4000]);
		expect(calls.discarded).toBe(2);
	});

	it('refuses a file declared over the limit without downloading it, also when a fresh URL declares it', async () => {
		const tooLarge = metadataOf(FILE, { fileSize: limit + 1 });
		const first = fakeIo([tooLarge], [{ status: 200, body: FILE }]);
		await expect(downloadMedia('media-1', limit, first.io)).rejects.toMatchObject({ reason: 'file_too_large' });
		expect(first.calls.opens).toHaveLength(0);

		const refetched = fakeIo([metadataOf(FILE), tooLarge], [{ status: 410 }, { status: 200, body: FILE }]);
		await expect(downloadMedia('media-1', limit, refetched.io)).rejects.toMatchObject({ reason: 'file_too_large' });
		expect(refetched.calls.opens).toHaveLength(1);
	});

	it('does not try again when the body grows past the limit', async () => {
		const { io, calls } = fakeIo([metadataOf(FILE, { fileSize: null, sha256: null })], [{ status: 200, body: Buffer.alloc(limit + 1) }]);
		await expect(downloadMedia('media-1', limit, io)).rejects.toMatchObject({ reason: 'file_too_large' });
		expect(calls.opens).toHaveLength(1);
	});

	it('whatever the host answers, tries at most four times, sleeps fewer times than it tries, and returns only the declared file', async () => {
		const answer = fc.oneof(
			fc.constant<Answer>({ status: 200, body: FILE }),
			fc.constant<Answer>({ status: 200, body: Buffer.from('damaged') }),
			fc.constantFrom<Answer>({ status: 401 }, { status: 404 }, { status: 410 }, { status: 429 }, { status: 500 }),
			fc.constant<Answer>({ unreachable: 'ECONNRESET' }),
		);
		await fc.assert(
			fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 6 }), async (answers) => {
				const { io, calls } = fakeIo([metadataOf(FILE)], answers);
				const outcome = await downloadMedia('media-1', limit, io).catch((error: ReasonedError) => error);
				expect(calls.opens.length).toBeLessThanOrEqual(DEFAULT_DOWNLOAD_POLICY.maxAttempts);
				expect(calls.sleeps.length).toBeLessThan(calls.opens.length);
				if (outcome instanceof ReasonedError) expect(outcome.reason).toBe('download_failed');
				else expect(outcome.bytes).toEqual(FILE);
			}),
		);
	});
});

describe('the name of the downloaded file', () => {
	it('keeps the name given, else makes one from the media id and type', () => {
		expect(mediaFileName('  invoice.pdf ', 'media-1', 'application/pdf')).toBe('invoice.pdf');
		expect(mediaFileName('', 'media-1', 'image/jpeg')).toBe('whatsapp-media-1.jpg');
		expect(mediaFileName('', 'media-1', null)).toBe('whatsapp-media-1');
		expect(mediaFileName('', 'media-1', 'application/x-unknown-type')).toBe('whatsapp-media-1');
	});
});
