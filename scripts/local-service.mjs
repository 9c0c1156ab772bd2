// What scripts/postgres.mjs and scripts/redis.mjs share: running a program, installing a Debian package when its
// binaries are missing, a free loopback port, and a watchdog that stops a throwaway server whose owner died. Plain
// Node, no dependencies.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const HOST = '127.0.0.1';
export const isRoot = process.getuid?.() === 0;

/** A logger to stderr with the service's name (stdout carries the JSON result). */
export const logger = (name) => (msg) => process.stderr.write(`[${name}] ${msg}\n`);
export const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a program to completion; throws with its output on failure (or returns it when `check` is false). */
export function run(cmd, args, { check = true, timeoutMs = 120_000, cwd, env, stdio } = {}) {
	const r = spawnSync(cmd, args, { cwd, env: env ?? cleanEnv(), encoding: 'utf8', timeout: timeoutMs, stdio: stdio ?? ['ignore', 'pipe', 'pipe'] });
	const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
	if (check && (r.error || r.status !== 0)) {
		throw new Error(`\`${[cmd, ...args].join(' ')}\` failed (${r.error?.message ?? `exit ${r.signal ?? r.status}`})${output ? `:\n${output}` : ''}`);
	}
	return { status: r.status, output };
}

/** The caller's environment without PG* variables (they would redirect psql and pg_ctl elsewhere). */
function cleanEnv() {
	return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^PG/.test(k))), LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
}

/** Times one step and logs it. */
export function step(log, timings, name, fn) {
	const started = Date.now();
	const result = fn();
	timings[name] = Date.now() - started;
	log(`${name}: ${fmt(timings[name])}`);
	return result;
}

/**
 * Installs Debian packages with apt-get (through sudo when not root), for a server whose binaries are missing. Fails
 * with the command to run by hand when that is not possible.
 */
export function aptInstall(log, timings, { packages, what, missing }) {
	const manual = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`;
	if (!fs.existsSync('/usr/bin/apt-get')) throw new Error(`${missing} and no apt-get to install ${what}: install it yourself.`);
	let prefix = [];
	if (!isRoot) {
		if (run('sh', ['-c', 'command -v sudo'], { check: false }).status !== 0) {
			throw new Error(`${what} is not installed, and installing it needs root (no sudo here). As root, run: ${manual}`);
		}
		// Without a terminal sudo must not wait for a password nobody can type.
		prefix = process.stdin.isTTY ? ['sudo'] : ['sudo', '-n'];
	}
	log(`${missing}: installing ${packages.join(' ')} with apt-get${prefix.length ? ` through ${prefix.join(' ')}` : ''}`);
	const apt = (args) => {
		const [cmd, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
		try {
			run(cmd, rest, { timeoutMs: 15 * 60_000, stdio: ['inherit', 'pipe', 'pipe'] });
		} catch (e) {
			throw new Error(`Installing ${what} failed; run it yourself: ${isRoot ? '' : 'sudo '}${manual}\n${e.message}`);
		}
	};
	step(log, timings, 'apt-get update', () => apt(['update']));
	step(log, timings, `apt-get install ${packages.join(' ')}`, () => apt(['install', '-y', '--no-install-recommends', ...packages]));
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, HOST, () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

export function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** A detached `node <script> watch --dir D --pid P`: the script's own watch command stops the server if P dies. */
export function startWatchdog(script, dir, pid) {
	const child = spawn(process.execPath, [script, 'watch', '--dir', dir, '--pid', String(pid)], { stdio: 'ignore', detached: true });
	child.unref();
}

/** Polls every second until the server is gone (`running()` false: its owner stopped it) or `pid` died (then `stop()`). */
export async function watch(pid, { running, stop }) {
	for (;;) {
		await new Promise((resolve) => setTimeout(resolve, 1000));
		if (!running()) return;
		if (!isAlive(pid)) {
			stop();
			return;
		}
	}
}

export function tailOf(file, lines) {
	try {
		return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/** The command line both scripts share: `<command> [--flag value]…`; returns the command and a flag reader. */
export function commandLine() {
	const [command, ...argv] = process.argv.slice(2);
	const flag = (name) => {
		const i = argv.indexOf(name);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	return { command, flag, has: (name) => argv.includes(name), print: (value) => process.stdout.write(`${JSON.stringify(value)}\n`) };
}
