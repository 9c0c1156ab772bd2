// Packs this package the way it is published and installs it like n8n installs a community package, so that e2e
// tests see node types named `n8n-nodes-qonto-whatsapp.<node>` exactly as users do.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { runtimePaths } from './runtime';
import { REPO_ROOT, TMP_DIR, npmEnv, runProcess, tail } from './util';

export interface PackedPackage {
	name: string;
	version: string;
	/** The tarball made by `npm pack` (in .tmp/pack/). */
	tarball: string;
	/** sha256 of the tarball (first 16 hex digits): the cache key of the installed copy. */
	hash: string;
	/** A folder whose node_modules holds the package and its runtime dependencies (link it as <user folder>/.n8n/nodes/node_modules). */
	nodesDir: string;
	/** The installed package folder. */
	packageDir: string;
	/** The node and credential files the package declares (package.json "n8n"), relative to the package. */
	declaredNodes: string[];
	declaredCredentials: string[];
}

interface RepoPackageJson {
	name: string;
	version: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

// The installed copies live OUTSIDE the repository on purpose: Node resolves a module by walking up from the file's real
// path, so a copy under the repo would silently pick up the repo's node_modules (its devDependencies, and a second
// n8n-workflow) — exactly the mistakes (a missing runtime dependency) this install is meant to reveal. Under the OS temp
// folder the package sees only its own dependencies and, like in a real n8n, n8n's node_modules (via n8n's NODE_PATH).
const CACHE_ROOT = path.join(os.tmpdir(), `n8n-nodes-qonto-whatsapp-e2e-${process.getuid?.() ?? 'user'}`);
const KEEP_CACHED = 3;

let packedThisProcess: Promise<PackedPackage> | undefined;

/**
 * `npm pack`s the built package (run `npm run build` first) into .tmp/pack/ and installs the tarball with its runtime
 * dependencies (`npm install <tgz> --omit=dev --omit=peer --ignore-scripts`, on Node 24) into a cached folder keyed by
 * the tarball's hash, so every n8n instance of a run (and later runs with the same build) reuse it. Then it requires
 * every declared node and credential file on Node 24 from there, the way n8n will, and throws with the error if one
 * fails (n8n would skip the whole package silently and every webhook would answer 404).
 */
export function packPackage(): Promise<PackedPackage> {
	packedThisProcess ??= doPack().catch((e) => {
		packedThisProcess = undefined;
		throw e;
	});
	return packedThisProcess;
}

async function doPack(): Promise<PackedPackage> {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as RepoPackageJson;
	const declaredNodes = pkg.n8n?.nodes ?? [];
	const declaredCredentials = pkg.n8n?.credentials ?? [];
	const missing = [...declaredNodes, ...declaredCredentials].filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist')) || missing.length > 0) {
		throw new Error(`The package is not built (missing: ${missing.join(', ') || 'dist/'}): run \`npm run build\` first.`);
	}
	const rt = runtimePaths();
	const packDir = path.join(TMP_DIR, 'pack');
	fs.mkdirSync(packDir, { recursive: true });
	const logFile = path.join(packDir, 'pack.log');

	// Pack into a private folder (several test runs may share this checkout), then keep the tarball under a
	// content-addressed name.
	const scratch = fs.mkdtempSync(path.join(packDir, '.packing-'));
	const packed = await runProcess('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
		cwd: REPO_ROOT,
		env: npmEnv(),
		timeoutMs: 120_000,
		logFile,
	});
	const json = packed.output.slice(packed.output.indexOf('['));
	if (packed.code !== 0 || !json.startsWith('[')) {
		fs.rmSync(scratch, { recursive: true, force: true });
		throw new Error(`npm pack failed (exit ${packed.code}):\n${tail(packed.output, 40)}`);
	}
	const filename = (JSON.parse(json) as Array<{ filename: string }>)[0].filename;
	const hash = crypto.createHash('sha256').update(fs.readFileSync(path.join(scratch, filename))).digest('hex').slice(0, 16);
	const tarball = path.join(packDir, filename.replace(/\.tgz$/, `-${hash}.tgz`));
	fs.renameSync(path.join(scratch, filename), tarball);
	fs.rmSync(scratch, { recursive: true, force: true });

	const nodesDir = path.join(CACHE_ROOT, `nodes-${hash}`);
	const packageDir = path.join(nodesDir, 'node_modules', pkg.name);
	const result: PackedPackage = { name: pkg.name, version: pkg.version, tarball, hash, nodesDir, packageDir, declaredNodes, declaredCredentials };
	if (fs.existsSync(path.join(nodesDir, '.complete'))) {
		const now = new Date();
		fs.utimesSync(nodesDir, now, now); // marks it as recently used for pruneCache
		return result;
	}

	// Install into a scratch folder, then rename: a concurrent or interrupted run never sees a half-installed copy.
	fs.mkdirSync(CACHE_ROOT, { recursive: true });
	const work = fs.mkdtempSync(path.join(CACHE_ROOT, `.installing-${hash}-`));
	fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	const env = npmEnv({ PATH: `${rt.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: rt.nodeDir });
	const [cmd, pre] = rt.npmCli ? [rt.node, [rt.npmCli]] : ['npm', []];
	const installed = await runProcess(
		cmd,
		[...pre, 'install', tarball, '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
		{ cwd: work, env, timeoutMs: 10 * 60_000, logFile },
	);
	if (installed.code !== 0) {
		fs.rmSync(work, { recursive: true, force: true });
		throw new Error(`Installing ${path.basename(tarball)} into an n8n nodes folder failed (exit ${installed.code}):\n${tail(installed.output, 40)}`);
	}

	// Require every declared file on Node 24 the way n8n does (n8n-workflow comes from n8n's own node_modules).
	const files = [...declaredNodes, ...declaredCredentials];
	const checkScript = `
		const path = require('path'); const failures = [];
		for (const f of ${JSON.stringify(files)}) {
			try { require(path.join(${JSON.stringify(path.join(work, 'node_modules', pkg.name))}, f)); }
			catch (e) { failures.push(f + ': ' + (e && e.stack || e)); }
		}
		if (failures.length) { console.error(failures.join('\\n\\n')); process.exit(1); }`;
	const check = await runProcess(rt.node, ['-e', checkScript], {
		cwd: work,
		env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(rt.n8nDir, 'node_modules') },
		timeoutMs: 120_000,
		logFile,
	});
	if (check.code !== 0) {
		fs.rmSync(work, { recursive: true, force: true });
		throw new Error(
			`A node or credential file of ${pkg.name} fails to load once installed as a community package (n8n would skip the whole package and its webhooks would answer 404). Is a runtime dependency missing from "dependencies"?\n${tail(check.output, 60)}`,
		);
	}
	fs.writeFileSync(path.join(work, '.complete'), new Date().toISOString());
	try {
		fs.renameSync(work, nodesDir);
	} catch {
		// Another process installed the same hash meanwhile: keep theirs.
		fs.rmSync(work, { recursive: true, force: true });
		if (!fs.existsSync(path.join(nodesDir, '.complete'))) throw new Error(`could not install into ${nodesDir}`);
	}
	pruneCache(nodesDir);
	return result;
}

/** Keeps the most recent few installed copies. */
function pruneCache(current: string): void {
	try {
		const dirs = fs
			.readdirSync(CACHE_ROOT)
			.filter((d) => d.startsWith('nodes-'))
			.map((d) => path.join(CACHE_ROOT, d))
			.filter((d) => d !== current)
			.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
		// Older ones, and only if untouched for an hour (a parallel run may still use one).
		for (const d of dirs.slice(KEEP_CACHED - 1)) {
			if (Date.now() - fs.statSync(d).mtimeMs > 3_600_000) fs.rmSync(d, { recursive: true, force: true });
		}
	} catch {
		/* best effort */
	}
}
