import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { awaitWorkerReply } from './workerJob';

/**
 * HEIC/HEIF → JPEG in worker threads, so that decoding a 12 MP photo (seconds of synchronous WASM) never blocks
 * n8n's event loop. A small pool: workers start when needed, each loads heic-convert (libheif compiled to WASM) once
 * and converts many files, and ends after a while without work. Jobs beyond the pool size wait in turn.
 *
 * Limits, per worker:
 * - `maxMemoryMb` caps the V8 heap (resourceLimits.maxOldGenerationSizeMb): what jpeg-js's encoder builds in
 *   JavaScript. It does not cover libheif's WASM memory nor the typed arrays holding the input, the RGBA frame
 *   (width × height × 4 bytes) and the JPEG: those are bounded by the pixel limit of the file check, made before any
 *   decoding, and the WASM memory by libheif-js's build (it cannot grow beyond 2 GB; libheif then fails the decode).
 *   WASM memory never shrinks, so a worker that grew beyond `maxWasmMb` for a large photo is ended after its job.
 * - A time limit per conversion, counted from when a worker takes the job (the first job of a new worker includes
 *   loading the decoder). A conversion over it ends its worker; a worker that dies (out of memory, crash) fails its
 *   job with an error that says so. Either way the next job starts a new worker.
 */
export interface HeicPoolOptions {
	/** Most workers at once (default: the CPU count less one for n8n's own thread, between 1 and 2). */
	maxWorkers?: number;
	/** V8 heap limit of each worker, in MB (default 1024). */
	maxMemoryMb?: number;
	/** A worker whose WASM memory exceeds this after a job, in MB, is ended rather than kept (default 256). */
	maxWasmMb?: number;
	/** How long a worker without work is kept, in ms (default 30 s). */
	idleMs?: number;
}

export const DEFAULT_HEIC_TIMEOUT_MS = 60_000;

/** Each worker may hold hundreds of MB for a large photo, so a few are enough; one core is left to n8n's event loop. */
function defaultWorkerCount(): number {
	return Math.min(2, Math.max(1, availableParallelism() - 1));
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// libheif reports why a decode failed with console.log: kept for the error message rather than printed.
const diagnostics = [];
console.log = console.warn = console.error = (...args) => {
	for (const arg of args) {
		const text = typeof arg === 'string' ? arg : arg && typeof arg.message === 'string' ? arg.message : '';
		if (text) diagnostics.push(text);
	}
};
const convert = require(workerData.heicConvert);
const libheif = workerData.libheif ? require(workerData.libheif) : undefined;
parentPort.on('message', async ({ input, quality }) => {
	diagnostics.length = 0;
	let reply;
	try {
		reply = { jpeg: await convert({ buffer: input, format: 'JPEG', quality: quality / 100 }) };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		reply = { error: diagnostics.length > 0 ? message + ' (' + diagnostics.join('; ') + ')' : message };
	}
	reply.wasmBytes = libheif && libheif.HEAPU8 ? libheif.HEAPU8.byteLength : 0;
	// The JPEG's memory is moved, not copied, when it is the whole of its buffer (a large Buffer always is).
	const jpeg = reply.jpeg;
	parentPort.postMessage(reply, jpeg && jpeg.byteOffset === 0 && jpeg.byteLength === jpeg.buffer.byteLength ? [jpeg.buffer] : []);
});
`;

type Reply = ({ jpeg: Uint8Array } | { error: string }) & { wasmBytes: number };

interface Job {
	input: Uint8Array<ArrayBuffer>;
	quality: number;
	timeoutMs: number;
	resolve: (jpeg: Buffer) => void;
	reject: (error: Error) => void;
}

interface PooledWorker {
	worker: Worker;
	idleTimer?: NodeJS.Timeout;
}

/** Where the workers load the decoder from, resolved here so that it works wherever the package is installed. */
function decoderPaths(): { heicConvert: string; libheif?: string } {
	const heicConvert = require.resolve('heic-convert');
	try {
		// The libheif module heic-decode uses, to read its WASM memory size; optional, as it is an implementation detail.
		const heicDecode = require.resolve('heic-decode', { paths: [dirname(heicConvert)] });
		return { heicConvert, libheif: require.resolve('libheif-js/wasm-bundle', { paths: [dirname(heicDecode)] }) };
	} catch {
		return { heicConvert };
	}
}

export class HeicWorkerPool {
	readonly maxWorkers: number;
	private readonly maxMemoryMb: number;
	private readonly maxWasmBytes: number;
	private readonly idleMs: number;
	private readonly workers = new Set<PooledWorker>();
	private readonly idle: PooledWorker[] = [];
	private readonly queue: Job[] = [];
	private paths?: ReturnType<typeof decoderPaths>;

	constructor(options: HeicPoolOptions = {}) {
		this.maxWorkers = options.maxWorkers ?? defaultWorkerCount();
		this.maxMemoryMb = options.maxMemoryMb ?? 1024;
		this.maxWasmBytes = (options.maxWasmMb ?? 256) * 1024 * 1024;
		this.idleMs = options.idleMs ?? 30_000;
		if (!Number.isInteger(this.maxWorkers) || this.maxWorkers < 1) throw new RangeError(`maxWorkers must be a positive integer, got ${this.maxWorkers}`);
	}

	/** Workers currently alive (busy or idle). */
	get workerCount(): number {
		return this.workers.size;
	}

	/**
	 * The HEIF file `input` as a JPEG of quality 1–100. `input` is moved to the worker (its buffer is transferred, so
	 * the caller must not use it afterwards) and must carry a major brand heic-convert accepts.
	 */
	convert(input: Uint8Array<ArrayBuffer>, quality: number, timeoutMs = DEFAULT_HEIC_TIMEOUT_MS): Promise<Buffer> {
		return new Promise<Buffer>((resolve, reject) => {
			this.queue.push({ input, quality, timeoutMs, resolve, reject });
			this.dispatch();
		});
	}

	/** Ends every worker; waiting jobs are refused. */
	async close(): Promise<void> {
		for (const job of this.queue.splice(0)) job.reject(new Error('the HEIC conversion pool was closed'));
		await Promise.all([...this.workers].map((slot) => this.retire(slot)));
	}

	private dispatch(): void {
		while (this.queue.length > 0) {
			const slot = this.idle.pop() ?? (this.workers.size < this.maxWorkers ? this.spawn() : undefined);
			if (!slot) return;
			const job = this.queue.shift();
			if (job) void this.run(slot, job);
		}
	}

	private spawn(): PooledWorker {
		this.paths ??= decoderPaths();
		const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.paths, resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb } });
		const slot: PooledWorker = { worker };
		// Failures during a job are reported by the job; these keep the pool right whatever happens between jobs.
		worker.on('error', () => undefined);
		worker.on('exit', () => this.forget(slot));
		this.workers.add(slot);
		return slot;
	}

	private async run(slot: PooledWorker, job: Job): Promise<void> {
		clearTimeout(slot.idleTimer);
		slot.worker.ref();
		try {
			// Replies arrive as events on a later turn, so listening right after posting misses nothing.
			slot.worker.postMessage({ input: job.input, quality: job.quality }, [job.input.buffer]);
			const answer = await awaitWorkerReply<Reply>(slot.worker, 'HEIC conversion', job.timeoutMs);
			if ('error' in answer) job.reject(new Error(answer.error));
			else job.resolve(Buffer.from(answer.jpeg.buffer, answer.jpeg.byteOffset, answer.jpeg.byteLength));
			if (answer.wasmBytes > this.maxWasmBytes) void this.retire(slot);
			else this.park(slot);
		} catch (error) {
			// Timed out, out of memory or crashed: this worker is done; the next job starts a new one.
			void this.retire(slot);
			job.reject(error as Error);
		}
		this.dispatch();
	}

	/** Idle: does not keep the process alive, and ends after `idleMs` without work. */
	private park(slot: PooledWorker): void {
		slot.worker.unref();
		slot.idleTimer = setTimeout(() => void this.retire(slot), this.idleMs).unref();
		this.idle.push(slot);
	}

	private async retire(slot: PooledWorker): Promise<void> {
		this.forget(slot);
		await slot.worker.terminate();
	}

	private forget(slot: PooledWorker): void {
		clearTimeout(slot.idleTimer);
		this.workers.delete(slot);
		const at = this.idle.indexOf(slot);
		if (at >= 0) this.idle.splice(at, 1);
	}
}

/** The pool every conversion of this package uses. */
export const heicWorkers = new HeicWorkerPool();
