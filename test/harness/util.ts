// Small helpers shared by the end-to-end harness: paths, processes, ports, polling, log excerpts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The repository root (this file is test/harness/util.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Git-ignored scratch folder for packed tarballs, n8n user folders and logs. */
export const TMP_DIR = path.join(REPO_ROOT, '.tmp');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (the OS picks it; there is a small window before the caller binds it). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

/** The last `lines` lines of a text, for error messages. */
export function tail(text: string, lines = 60): string {
	const all = text.split('\n');
	return all.slice(Math.max(0, all.length - lines)).join('\n');
}

export function readText(file: string): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/**
 * Environment for child npm processes: the caller's minus the npm_* variables an enclosing `npm run` exports (they carry
 * the repo's own npm config, e.g. ignore-scripts, into other folders), keeping registry, cache, TLS and proxy settings.
 */
export function npmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const keep =
		/^npm_config_(registry|.*:registry|cache|userconfig|globalconfig|cafile|ca|cert|key|strict_ssl|proxy|https_proxy|http_proxy|noproxy|no_proxy|fetch_.*|maxsockets|.*_auth.*|.*_authtoken)$/i;
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !keep.test(k)) continue;
		env[k] = v;
	}
	return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	output: string;
	ms: number;
}

/**
 * Runs a program to completion with a time limit, collecting stdout+stderr (interleaved). Optionally appends the output to
 * `logFile`. Never rejects on a non-zero exit: the caller decides.
 */
export function runProcess(
	command: string,
	args: string[],
	opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; logFile?: string },
): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		let output = '';
		const collect = (chunk: Buffer) => {
			output += chunk.toString('utf8');
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid, 'SIGKILL');
		}, opts.timeoutMs);
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (timedOut) output += `\n[harness] killed after ${opts.timeoutMs} ms (time limit)\n`;
			if (opts.logFile) {
				fs.appendFileSync(opts.logFile, `\n$ ${[command, ...args].join(' ')}   (${Date.now() - started} ms, exit ${signal ?? code})\n${output}`);
			}
			resolve({ code, signal, output, ms: Date.now() - started });
		});
	});
}

/** Sends a signal to a whole process group (a child started with detached: true leads its own group). */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			/* already gone */
		}
	}
}

export function isAlive(pid: number | undefined): boolean {
	if (!pid) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Polls `probe` every `intervalMs` until it returns a value other than undefined, or throws `describe()` after
 * `timeoutMs`. `abort` may return an Error to stop early (e.g. the n8n process died).
 */
export async function pollUntil<T>(
	probe: () => Promise<T | undefined> | T | undefined,
	opts: { timeoutMs: number; intervalMs?: number; what: string; abort?: () => Error | undefined },
): Promise<T> {
	const deadline = Date.now() + opts.timeoutMs;
	let lastError: unknown;
	for (;;) {
		const aborted = opts.abort?.();
		if (aborted) throw aborted;
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (e) {
			lastError = e;
		}
		if (Date.now() >= deadline) {
			const why = lastError ? ` (last error: ${(lastError as Error).message ?? String(lastError)})` : '';
			throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${why}`);
		}
		await sleep(opts.intervalMs ?? 250);
	}
}

/**
 * Best effort: has a test (or hook) of the running jest test file failed so far? Reads jest-circus' own state, which it
 * keeps on the test file's global under a private symbol. Returns false when that cannot be read.
 */
export function currentTestFileHasFailed(): boolean {
	try {
		const sym = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL');
		if (!sym) return false;
		const state = (globalThis as unknown as Record<symbol, CircusState | undefined>)[sym];
		if (!state) return false;
		if ((state.unhandledErrors?.length ?? 0) > 0) return true;
		if ((state.currentlyRunningTest?.errors?.length ?? 0) > 0) return true;
		const visit = (block: CircusBlock | undefined): boolean =>
			!!block?.children?.some((child) => (child.type === 'test' ? (child.errors?.length ?? 0) > 0 : visit(child)));
		return visit(state.rootDescribeBlock);
	} catch {
		return false;
	}
}

interface CircusBlock {
	type?: string;
	errors?: unknown[];
	children?: CircusBlock[];
}
interface CircusState {
	unhandledErrors?: unknown[];
	currentlyRunningTest?: CircusBlock;
	rootDescribeBlock?: CircusBlock;
}

/**
 * Runs one of the throwaway-server scripts (scripts/postgres.mjs, scripts/redis.mjs) and returns the JSON it prints on
 * its last line (progress goes to stderr); throws with its output when it fails.
 */
export async function runServiceScript(script: string, args: string[], opts: { timeoutMs: number; logFile?: string }): Promise<Record<string, unknown>> {
	const r = await runProcess(process.execPath, [path.join(REPO_ROOT, 'scripts', script), ...args], opts);
	if (r.code !== 0) throw new Error(`node scripts/${script} ${args.join(' ')} failed (exit ${r.signal ?? r.code}):\n${tail(r.output, 40)}`);
	return JSON.parse(r.output.trim().split('\n').filter((line) => line.startsWith('{')).pop() ?? '{}') as Record<string, unknown>;
}
