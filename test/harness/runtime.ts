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

let cached: RuntimePaths | undefined;

/** The runtime's paths; throws with the install command when it is not installed. */
export function runtimePaths(): RuntimePaths {
	if (cached) return cached;
	const script = path.join(REPO_ROOT, 'scripts', 'n8n-runtime.mjs');
	let out: string;
	try {
		out = execFileSync(process.execPath, [script, 'path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
	} catch (e) {
		const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
		throw new Error(
			`The pinned n8n runtime is not installed: run \`npm run n8n:install\` (node scripts/n8n-runtime.mjs install; ~5 min the first time).\n${stderr}`,
		);
	}
	cached = JSON.parse(out) as RuntimePaths;
	return cached;
}
