#!/usr/bin/env node
// A throwaway local Redis for n8n's queue mode (EXECUTIONS_MODE=queue) in the end-to-end tests and benchmarks. Plain
// Node, no dependencies. The harness (test/harness/redis.ts) drives it through this command line.
//
//   node scripts/redis.mjs install                        install Debian's redis-server package when it is missing
//   node scripts/redis.mjs start [--dir D] [--watch PID]  a server on a free 127.0.0.1 port, its files in D (default a
//                                                         new folder in the OS temp dir); prints the connection as JSON
//                                                         on its last line. --watch: stop it and remove D when process
//                                                         PID dies without stopping it.
//   node scripts/redis.mjs stop --dir D [--keep]          shutdown, then remove D (kept with --keep)
//   node scripts/redis.mjs check                          start + stop, with the time of each step
//
// Why it is done this way (see shared/docs/n8n-queue-mode.md §1): no systemd and no init script (Debian's post-install
// start is refused in containers, and a machine's own Redis must stay untouched): the redis-server binary on a folder
// of our own, loopback only, protected mode, no persistence (Bull's queue is only needed while n8n runs).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { HOST, aptInstall, commandLine, fmt, freePort, isAlive, logger, run, startWatchdog, step as timedStep, tailOf, watch } from './local-service.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const STATE_FILE = 'server.json';
const log = logger('redis');
const step = (timings, name, fn) => timedStep(log, timings, name, fn);

/** redis-server: REDIS_SERVER, else on the PATH or in /usr/bin (Debian's package). */
function findServer() {
	if (process.env.REDIS_SERVER) return fs.existsSync(process.env.REDIS_SERVER) ? process.env.REDIS_SERVER : undefined;
	const onPath = run('sh', ['-c', 'command -v redis-server'], { check: false }).output.trim();
	return onPath || (fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
}

/** The server binary, installed with apt-get (sudo when not root) when it is missing. Idempotent. */
function ensureInstalled(timings = {}) {
	const found = findServer();
	if (found) return found;
	if (process.env.REDIS_SERVER) throw new Error(`REDIS_SERVER=${process.env.REDIS_SERVER} does not exist`);
	aptInstall(log, timings, { packages: ['redis-server'], what: 'Redis', missing: 'No redis-server (or set REDIS_SERVER to its path)' });
	const installed = findServer();
	if (!installed) throw new Error('apt-get installed redis-server, but the redis-server program is still missing');
	return installed;
}

const paths = (dir) => ({ pidFile: path.join(dir, 'redis.pid'), logFile: path.join(dir, 'redis.log'), state: path.join(dir, STATE_FILE) });

function readPid(dir) {
	try {
		return Number(fs.readFileSync(paths(dir).pidFile, 'utf8').trim()) || undefined;
	} catch {
		return undefined;
	}
}

/** One command in Redis' inline protocol; resolves with the first reply line (e.g. "+PONG"), rejects on errors. */
function command(port, line, timeoutMs = 2000) {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ host: HOST, port });
		let reply = '';
		const done = (fn, value) => {
			socket.destroy();
			fn(value);
		};
		socket.setTimeout(timeoutMs, () => done(reject, new Error(`no answer to ${line} within ${timeoutMs} ms`)));
		socket.on('error', (e) => done(reject, e));
		socket.on('connect', () => socket.write(`${line}\r\n`));
		socket.on('data', (chunk) => {
			reply += chunk.toString('utf8');
			if (reply.includes('\r\n')) done(resolve, reply.split('\r\n')[0]);
		});
		// SHUTDOWN closes the connection without a reply.
		socket.on('end', () => done(resolve, reply));
	});
}

/** Starts redis-server daemonised on a free loopback port (another port if that one was taken meanwhile), until PONG. */
async function start({ dir, watchPid } = {}) {
	const timings = {};
	const server = ensureInstalled(timings);
	dir = path.resolve(dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-redis-')));
	fs.mkdirSync(dir, { recursive: true });
	const { pidFile, logFile, state: stateFile } = paths(dir);
	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		const started = Date.now();
		fs.rmSync(pidFile, { force: true });
		// No persistence (--save '', no AOF): a test queue; protected mode and loopback only: nobody else may reach it.
		run(server, ['--bind', HOST, '--port', String(port), '--protected-mode', 'yes', '--daemonize', 'yes', '--pidfile', pidFile, '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', logFile]);
		const deadline = Date.now() + 15_000;
		let pong = false;
		while (!pong && Date.now() < deadline) {
			pong = (await command(port, 'PING').catch(() => '')) === '+PONG';
			if (!pong) await new Promise((resolve) => setTimeout(resolve, 100));
		}
		timings.start = Date.now() - started;
		if (pong && readPid(dir)) {
			log(`start: ${fmt(timings.start)} (port ${port})`);
			const version = (run(server, ['--version'], { check: false }).output.match(/v=(\S+)/) ?? [])[1] ?? '?';
			const info = { host: HOST, port, dir, logFile, version, pid: readPid(dir), timings };
			fs.writeFileSync(stateFile, `${JSON.stringify(info, null, 2)}\n`);
			if (watchPid) startWatchdog(SCRIPT, dir, watchPid);
			return info;
		}
		const why = tailOf(logFile, 20);
		if (attempt >= 3 || !/address already in use/i.test(why)) throw new Error(`redis-server did not answer PING on port ${port}:\n${why}`);
		log(`port ${port} was taken, trying another one`);
	}
}

/** SHUTDOWN NOSAVE (SIGTERM if it does not answer), then removes the folder unless `keep`. */
async function stop(dir, { keep = false } = {}) {
	const timings = {};
	const pid = readPid(dir);
	if (pid) {
		const started = Date.now();
		const state = JSON.parse(fs.readFileSync(paths(dir).state, 'utf8'));
		await command(state.port, 'SHUTDOWN NOSAVE').catch(() => process.kill(pid, 'SIGTERM'));
		while (Date.now() - started < 10_000 && isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
		if (isAlive(pid)) process.kill(pid, 'SIGKILL');
		fs.rmSync(paths(dir).pidFile, { force: true });
		timings.stop = Date.now() - started;
		log(`stop: ${fmt(timings.stop)}`);
	}
	if (!keep) step(timings, 'remove folder', () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
	return { dir, kept: keep, timings };
}

async function main() {
	const { command: cmd, flag, has, print } = commandLine();
	switch (cmd) {
		case 'install':
			log(`server: ${ensureInstalled()}`);
			return;
		case 'start':
			print(await start({ dir: flag('--dir'), watchPid: flag('--watch') ? Number(flag('--watch')) : undefined }));
			return;
		case 'stop':
			if (!flag('--dir')) throw new Error('stop needs --dir <folder>');
			print(await stop(flag('--dir'), { keep: has('--keep') }));
			return;
		case 'watch': {
			const dir = flag('--dir');
			let stopping;
			await watch(Number(flag('--pid')), { running: () => Boolean(readPid(dir)), stop: () => (stopping = stop(dir)) });
			await stopping;
			return;
		}
		case 'check': {
			const started = Date.now();
			const info = await start();
			const ready = Date.now() - started;
			const stopped = await stop(info.dir);
			const all = { ...info.timings, ...stopped.timings };
			log(`Redis ${info.version}: ready after ${fmt(ready)}, everything after ${fmt(Date.now() - started)} (${Object.entries(all).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})`);
			return;
		}
		default:
			process.stderr.write('usage: node scripts/redis.mjs install | start [--dir D] [--watch PID] | stop --dir D [--keep] | check\n');
			process.exitCode = 2;
	}
}

main().catch((e) => {
	log(e.message);
	process.exit(1);
});
