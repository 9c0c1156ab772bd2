import type { Worker } from 'node:worker_threads';

/**
 * The reply of a worker thread to the job it was just given, with a time limit. Whatever ends the wait, the listeners
 * are removed, so a worker that lives on can take the next job. On timeout the worker is terminated (synchronous WASM
 * or JavaScript cannot be interrupted any other way); when it fails or stops, the error says so. After a rejection the
 * worker is not usable any more: the caller discards it.
 */
export function awaitWorkerReply<T>(worker: Worker, task: string, timeoutMs: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const onMessage = (message: T) => settle(() => resolve(message));
		const onError = (error: Error) => settle(() => reject(new Error(`the ${task} worker failed: ${error.message}`, { cause: error })));
		const onExit = (code: number) => settle(() => reject(new Error(`the ${task} worker stopped (exit code ${code})`)));
		const timer = setTimeout(() => {
			settle(() => reject(new Error(`${task} took longer than ${timeoutMs} ms`)));
			void worker.terminate();
		}, timeoutMs);
		function settle(done: () => void): void {
			clearTimeout(timer);
			worker.off('message', onMessage).off('error', onError).off('exit', onExit);
			done();
		}
		worker.once('message', onMessage).once('error', onError).once('exit', onExit);
	});
}
