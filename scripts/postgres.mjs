#!/usr/bin/env node
// A throwaway local PostgreSQL for the end-to-end tests and benchmarks that run n8n with DB_TYPE=postgresdb. Plain
// Node, no dependencies. The harness (test/harness/postgres.ts) drives it through this command line.
//
//   node scripts/postgres.mjs install                       install Debian's server packages when they are missing
//   node scripts/postgres.mjs start [--dir D] [--watch PID]  new cluster (in D, default a new folder in the OS temp dir;
//                                                           an existing cluster in D is started again), on a free
//                                                           127.0.0.1 port, with a role and database "n8n"; prints the
//                                                           connection as JSON on its last line. --watch: stop and
//                                                           remove it when process PID dies without stopping it.
//   node scripts/postgres.mjs stop --dir D [--keep]         fast shutdown, then remove D (kept with --keep)
//   node scripts/postgres.mjs check                         start + stop, with the time of each step
//
// Why it is done this way (see shared/docs/n8n-queue-mode.md §1):
// - no systemd and no Debian cluster tooling (pg_ctlcluster): initdb and pg_ctl of /usr/lib/postgresql/<v>/bin on a
//   folder of our own, so that nothing of the machine's own PostgreSQL (if any) is touched;
// - Postgres refuses to run as root: as root, initdb and pg_ctl run as the "postgres" OS user the Debian package
//   creates (runuser), and the folder is made its own. It lives in the OS temp dir, which that user can reach (a
//   repository under /root could not be);
// - trust authentication, loopback only: a test database, never a real one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { HOST, aptInstall, commandLine, fmt, freePort, isRoot, logger, run, startWatchdog, step as timedStep, tailOf, watch } from './local-service.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const ROLE = 'n8n';
const STATE_FILE = 'server.json';

const log = logger('postgres');
const step = (timings, name, fn) => timedStep(log, timings, name, fn);

// ---------------------------------------------------------------------------------------------------------------
// binaries

/** The newest /usr/lib/postgresql/<v>/bin holding a server (Debian's layout), or POSTGRES_BIN_DIR. */
function findBinDir() {
	const candidates = process.env.POSTGRES_BIN_DIR
		? [process.env.POSTGRES_BIN_DIR]
		: safeReaddir('/usr/lib/postgresql')
				.filter((v) => /^\d+$/.test(v))
				.sort((a, b) => Number(b) - Number(a))
				.map((v) => `/usr/lib/postgresql/${v}/bin`);
	return candidates.find((dir) => ['postgres', 'initdb', 'pg_ctl', 'psql'].every((b) => fs.existsSync(path.join(dir, b))));
}

function safeReaddir(dir) {
	try {
		return fs.readdirSync(dir);
	} catch {
		return [];
	}
}

/** The server binaries, installed with apt-get (sudo when not root) when they are missing. Idempotent. */
function ensureInstalled(timings = {}) {
	const found = findBinDir();
	if (found) return found;
	if (process.env.POSTGRES_BIN_DIR) throw new Error(`POSTGRES_BIN_DIR=${process.env.POSTGRES_BIN_DIR} holds no postgres, initdb, pg_ctl and psql`);
	aptInstall(log, timings, {
		packages: ['postgresql'],
		what: 'PostgreSQL',
		missing: 'No PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin/postgres; or set POSTGRES_BIN_DIR to the folder holding postgres, initdb, pg_ctl and psql)',
	});
	const installed = findBinDir();
	if (!installed) throw new Error('apt-get installed postgresql, but /usr/lib/postgresql/<version>/bin/postgres is still missing');
	return installed;
}

// ---------------------------------------------------------------------------------------------------------------
// running as the postgres OS user when we are root

let postgresUser;
/** uid/gid of the "postgres" OS user (created by Debian's postgresql-common). */
function postgresIds() {
	if (postgresUser) return postgresUser;
	const line = run('getent', ['passwd', 'postgres'], { check: false }).output;
	const [, , uid, gid] = line.split(':');
	if (!uid) throw new Error('Running as root, but there is no "postgres" OS user to run PostgreSQL as (Debian\'s postgresql package creates it).');
	postgresUser = { uid: Number(uid), gid: Number(gid) };
	return postgresUser;
}

/** A server program, as the postgres OS user when we are root (Postgres refuses root), else as ourselves. */
function runServerTool(binDir, tool, args, opts) {
	const program = path.join(binDir, tool);
	if (!isRoot) return run(program, args, opts);
	if (fs.existsSync('/usr/sbin/runuser') || fs.existsSync('/sbin/runuser')) return run('runuser', ['-u', 'postgres', '--', program, ...args], opts);
	const quoted = [program, ...args].map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(' ');
	return run('su', ['postgres', '-s', '/bin/sh', '-c', quoted], opts);
}

// ---------------------------------------------------------------------------------------------------------------
// start / stop

const paths = (dir) => ({ data: path.join(dir, 'data'), logFile: path.join(dir, 'postgres.log'), state: path.join(dir, STATE_FILE) });

function readState(dir) {
	try {
		return JSON.parse(fs.readFileSync(paths(dir).state, 'utf8'));
	} catch {
		return undefined;
	}
}

/**
 * Starts a cluster in `dir` (a new one in the OS temp dir by default): initdb when it holds none yet, pg_ctl start on
 * a free loopback port (retried on another port if that one was taken meanwhile), then the n8n role and database.
 */
async function start({ dir, watchPid } = {}) {
	const timings = {};
	const binDir = ensureInstalled(timings);
	dir = path.resolve(dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-postgres-')));
	fs.mkdirSync(dir, { recursive: true });
	// The folder holds the data, the log and the socket: the server's own user must own it.
	if (isRoot) fs.chownSync(dir, postgresIds().uid, postgresIds().gid);
	const { data, logFile, state: stateFile } = paths(dir);
	const previous = readState(dir);
	const tool = (name, args, opts) => runServerTool(binDir, name, args, { cwd: dir, ...opts });

	if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
		// --no-sync: nobody needs this cluster to survive a power cut, and syncing every file costs seconds.
		step(timings, 'initdb', () => tool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']));
		// Only loopback TCP and a socket in our folder (not /var/run/postgresql, which may not exist or be writable).
		// The durability settings stay at their defaults on purpose: commit latency is part of the races under test.
		fs.appendFileSync(path.join(data, 'postgresql.conf'), `\n# throwaway test cluster (scripts/postgres.mjs)\nlisten_addresses = '${HOST}'\nunix_socket_directories = '${dir}'\n`);
	}

	let port;
	for (let attempt = 1; ; attempt++) {
		port = await freePort();
		const started = Date.now();
		const r = tool('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`, 'start'], { check: false });
		timings.start = Date.now() - started;
		if (r.status === 0) break;
		const why = `${r.output}\n${tailOf(logFile, 20)}`;
		if (attempt >= 3 || !/could not bind|address already in use/i.test(why)) throw new Error(`pg_ctl start failed:\n${why}`);
		log(`port ${port} was taken, trying another one`);
	}
	log(`start: ${fmt(timings.start)} (port ${port})`);

	const password = previous?.password ?? crypto.randomBytes(12).toString('hex');
	if (!previous) {
		const psql = (sql) => run(path.join(binDir, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', HOST, '-p', String(port), '-U', 'postgres', '-d', 'postgres', ...sql.flatMap((s) => ['-c', s])]);
		step(timings, 'create role and database', () => psql([`CREATE ROLE ${ROLE} LOGIN PASSWORD '${password}'`, `CREATE DATABASE ${ROLE} OWNER ${ROLE}`]));
	}

	const server = { host: HOST, port, database: ROLE, user: ROLE, password, dir, dataDir: data, logFile, binDir, version: path.basename(path.dirname(binDir)), timings };
	fs.writeFileSync(stateFile, `${JSON.stringify(server, null, 2)}\n`);
	if (watchPid) startWatchdog(SCRIPT, dir, watchPid);
	return server;
}

/** Fast shutdown (disconnects clients, no waiting for them), then removes the folder unless `keep`. */
function stop(dir, { keep = false } = {}) {
	const timings = {};
	const state = readState(dir);
	const { data } = paths(dir);
	const binDir = state?.binDir ?? findBinDir();
	if (binDir && fs.existsSync(path.join(data, 'postmaster.pid'))) {
		step(timings, 'stop', () => runServerTool(binDir, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], { cwd: dir }));
	}
	if (!keep) step(timings, 'remove data', () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
	return { dir, kept: keep, timings };
}

// ---------------------------------------------------------------------------------------------------------------
// command line

async function main() {
	const { command, flag, has, print } = commandLine();
	switch (command) {
		case 'install':
			log(`server binaries: ${ensureInstalled()}`);
			return;
		case 'start':
			print(await start({ dir: flag('--dir'), watchPid: flag('--watch') ? Number(flag('--watch')) : undefined }));
			return;
		case 'stop': {
			if (!flag('--dir')) throw new Error('stop needs --dir <folder>');
			print(stop(flag('--dir'), { keep: has('--keep') }));
			return;
		}
		case 'watch':
			// Stopped (and maybe removed) by its owner when postmaster.pid is gone.
			await watch(Number(flag('--pid')), { running: () => fs.existsSync(path.join(paths(flag('--dir')).data, 'postmaster.pid')), stop: () => stop(flag('--dir')) });
			return;
		case 'check': {
			const started = Date.now();
			const server = await start();
			const ready = Date.now() - started;
			const stopped = stop(server.dir);
			const all = { ...server.timings, ...stopped.timings };
			log(`PostgreSQL ${server.version}: ready after ${fmt(ready)}, everything after ${fmt(Date.now() - started)} (${Object.entries(all).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})`);
			return;
		}
		default:
			process.stderr.write('usage: node scripts/postgres.mjs install | start [--dir D] [--watch PID] | stop --dir D [--keep] | check\n');
			process.exitCode = 2;
	}
}

main().catch((e) => {
	log(e.message);
	process.exit(1);
});
