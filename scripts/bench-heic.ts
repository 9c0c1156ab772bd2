/**
 * How long a 12-megapixel HEIC → JPEG conversion blocks the event loop: heic-convert on the calling thread (as before
 * issue 14) against convertHeifToJpeg, which runs it in a worker thread. Prints the event-loop delay seen by
 * perf_hooks.monitorEventLoopDelay during each conversion; not a test.
 *
 *   npm run bench:heic
 *
 * The 12 MP photo is built at run time (see heic-grid.ts: no HEVC encoder is available here, so it is a 7×3 grid of
 * the receipt's HEVC tile, cropped to 4000×3000, as phones store their photos as grids of tiles).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import heicConvert from 'heic-convert';
import { convertHeifToJpeg } from '../src/files';
import { heicWorkers } from '../src/files/heicWorker';
import { makeGridHeic } from './heic-grid';

const QUALITY = 90;
const RUNS = 3;

export interface Measure {
	ms: number;
	maxDelayMs: number;
	p99DelayMs: number;
	jpeg: Buffer;
}

async function measure(convert: () => Promise<Uint8Array>): Promise<Measure> {
	const delay = monitorEventLoopDelay({ resolution: 1 });
	delay.enable();
	const start = performance.now();
	const jpeg = Buffer.from(await convert());
	const ms = performance.now() - start;
	// The delay is recorded when the sampling timer fires late, so the loop must turn once more before the end.
	await new Promise((resolve) => setTimeout(resolve, 5));
	delay.disable();
	return { ms, maxDelayMs: delay.max / 1e6, p99DelayMs: delay.percentile(99) / 1e6, jpeg };
}

export interface HeicEventLoopRun {
	name: string;
	measure: Measure;
}

/**
 * Converts the 12 MP grid HEIC on this thread (RUNS times), then through convertHeifToJpeg's worker pool (RUNS times,
 * then 4 at once), measuring this thread's event-loop delay during each; checks that both give the same bytes.
 */
export async function measureHeicEventLoop(): Promise<{ heicBytes: number; workers: number; runs: HeicEventLoopRun[] }> {
	const heic = makeGridHeic(4000, 3000);
	const inThread = () => heicConvert({ buffer: heic, format: 'JPEG', quality: QUALITY / 100 });
	const inWorker = () => convertHeifToJpeg(heic, QUALITY);
	await heicConvert({ buffer: heic, format: 'JPEG', quality: 0.5 }); // load the WASM decoder on this thread first
	const runs: HeicEventLoopRun[] = [];
	let reference: Buffer | undefined;
	for (let run = 1; run <= RUNS; run++) {
		const m = await measure(inThread);
		reference ??= m.jpeg;
		runs.push({ name: `on the calling thread #${run}`, measure: m });
	}
	for (let run = 1; run <= RUNS; run++) {
		const m = await measure(inWorker);
		if (!reference?.equals(m.jpeg)) throw new Error('the worker gave other bytes than heic-convert on this thread');
		runs.push({ name: `in a worker #${run}${run === 1 ? ' (starts the worker and loads the decoder)' : ''}`, measure: m });
	}
	runs.push({ name: 'in workers, 4 at once', measure: await measure(() => Promise.all([inWorker(), inWorker(), inWorker(), inWorker()]).then((all) => all[0])) });
	const workers = heicWorkers.maxWorkers;
	await heicWorkers.close();
	return { heicBytes: heic.length, workers, runs };
}

async function main(): Promise<void> {
	const { heicBytes, workers, runs } = await measureHeicEventLoop();
	console.log(`node ${process.version}; HEIC 4000×3000 (${(heicBytes / 1024).toFixed(0)} KB, grid of 21 HEVC tiles) → JPEG quality ${QUALITY}; ${workers} worker(s) in the pool.`);
	console.log('Event-loop delay: perf_hooks.monitorEventLoopDelay, resolution 1 ms, during each conversion. Times in ms.\n');
	console.log('| run | conversion time | event loop max delay | event loop p99 delay |');
	console.log('|---|---|---|---|');
	for (const { name, measure: m } of runs) console.log(`| ${name} | ${m.ms.toFixed(0)} | ${m.maxDelayMs.toFixed(1)} | ${m.p99DelayMs.toFixed(1)} |`);
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
