// Where the pinned runtime (Node 24 + n8n, installed by scripts/n8n-runtime.mjs into .n8n-runtime/) lives.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { REPO_ROOT } from './util';

export interface RuntimePaths {
	root: string;
	nodeVersion: string;
	n8nVersion: string;
	/** The Node 24 binary. */
	node: string;
	nodeBinDir: string;
	/** The folder with include/node (npm_config_nodedir for native builds). */
	nodeDir: string;
	/** The folder whose node_modules holds n8n. */
	n8nDir: string;
	n8nPackageDir: string;
	/** n8n's bin script (run it as `<node> <n8nBin> …`). */
	n8nBin: string;
	/** npm's CLI script, to run npm on Node 24 (`<node> <npmCli> …`); null when only `npm` on PATH is known. */
	npmCli: string | null;
}

const cached = new Map<string, RuntimePaths>();

/**
 * The runtime's paths (the pinned n8n, or another installed `n8nVersion`); throws with the install command when it
 * is not installed.
 */
export function runtimePaths(n8nVersion?: string): RuntimePaths {
	const key = n8nVersion ?? 'pinned';
	const known = cached.get(key);
	if (known) return known;
	const script = path.join(REPO_ROOT, 'scripts', 'n8n-runtime.mjs');
	const versionArgs = n8nVersion ? ['--n8n', n8nVersion] : [];
	let out: string;
	try {
		out = execFileSync(process.execPath, [script, 'path', ...versionArgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
	} catch (e) {
		const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
		const command = ['node scripts/n8n-runtime.mjs install', ...versionArgs].join(' ');
		throw new Error(`The n8n runtime is not installed: run \`${command}\` (~5 min the first time).\n${stderr}`);
	}
	const paths = JSON.parse(out) as RuntimePaths;
	cached.set(key, paths);
	return paths;
}
