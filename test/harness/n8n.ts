// Starts a real, throwaway n8n (the pinned runtime) with given workflows and credentials, and reads its executions.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { packPackage, type PackedPackage } from './package';
import { runtimePaths, type RuntimePaths } from './runtime';
import { TMP_DIR, currentTestFileHasFailed, freePort, isAlive, killGroup, pollUntil, readText, runProcess, sleep, tail } from './util';

// ---------------------------------------------------------------------------------------------------------------
// types

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position?: [number, number];
	parameters?: Record<string, unknown>;
	webhookId?: string;
	credentials?: Record<string, { id: string; name: string }>;
	disabled?: boolean;
	[key: string]: unknown;
}

export interface WorkflowJson {
	/** n8n ids are 16 characters [A-Za-z0-9]; one is generated when missing. */
	id?: string;
	name?: string;
	nodes: WorkflowNode[];
	connections?: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

/** n8n's import format; `data` holds the plain values (n8n encrypts them on import). */
export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface StartOptions {
	workflows?: WorkflowJson[];
	credentials?: CredentialJson[];
	/** Extra environment for n8n (and its CLI); a value of undefined removes one of the harness' defaults. */
	env?: Record<string, string | undefined>;
	/** Install this package into the instance's .n8n/nodes (default true). */
	installPackage?: boolean;
	/** Which imported workflows to publish (activate): 'all' (default), 'none', or a list of workflow ids. */
	publish?: 'all' | 'none' | string[];
	/** Part of the user folder's name, to find it under .tmp/ (default "n8n"). */
	label?: string;
	/** Time limits in ms. Defaults: cli 120 s per command, start 180 s (until ready), activation 120 s. */
	timeouts?: { cliMs?: number; startMs?: number; activationMs?: number };
}

/** A production webhook as n8n registered it. */
export interface RegisteredWebhook {
	workflowId: string;
	node: string;
	method: string;
	/** The path after /webhook/. */
	path: string;
	url: string;
}

interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	triggers: Array<{ nodeId: string; status: string; errorMessage?: string | null }>;
}

export type ExecutionStatus = 'new' | 'running' | 'success' | 'error' | 'crashed' | 'canceled' | 'waiting' | 'unknown';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: ExecutionStatus;
	mode: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	[key: string]: unknown;
}

export interface NodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	error?: { message?: string; description?: string; [key: string]: unknown };
	data?: { main?: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, unknown> }> | null> };
	[key: string]: unknown;
}

export interface Execution extends ExecutionSummary {
	data?: {
		resultData?: {
			runData?: Record<string, NodeRun[]>;
			lastNodeExecuted?: string;
			error?: { message?: string; [key: string]: unknown };
		};
		[key: string]: unknown;
	};
}

export interface N8nInstance {
	/** e.g. http://127.0.0.1:41234 */
	baseUrl: string;
	port: number;
	userFolder: string;
	/** Ids of the imported workflows, in the order given. */
	workflowIds: string[];
	/** Every production webhook n8n registered. */
	webhooks: RegisteredWebhook[];
	/** Node types of this package that n8n loaded (e.g. "n8n-nodes-qonto-whatsapp.whatsAppInboxTrigger"); [] if not installed. */
	packageNodeTypes: string[];
	/** The installed package, when installPackage was not false. */
	package?: PackedPackage;
	/** Owner session cookie and a public API key (all scopes). */
	auth: { cookie: string; apiKey: string; email: string; password: string };
	/**
	 * URL of a production webhook: by node name (unique among registered webhooks), by {workflowId, node[, method]}, or
	 * by path ("my-path", "/webhook/my-path" or "<webhookId>/webhook").
	 */
	webhookUrl(ref: string | { workflowId?: string; node: string; method?: string }): string;
	/** Finished (not running) executions of a workflow, oldest first, without data. */
	listExecutions(workflowId: string): Promise<ExecutionSummary[]>;
	/** Waits until at least `count` executions of the workflow have finished; returns them all (with data), oldest first. */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number): Promise<Execution[]>;
	/** One execution with its data (resultData.runData…). */
	getExecution(id: string): Promise<Execution>;
	/** Public API call (/api/v1 + path) with the API key; returns parsed JSON, throws on a non-2xx status. */
	api<T = unknown>(apiPath: string, init?: RequestInit): Promise<T>;
	/** Internal REST call (/rest + path) with the owner cookie; returns the raw response. */
	rest(restPath: string, init?: RequestInit): Promise<Response>;
	/** Everything n8n and its CLI printed so far. */
	logs(): string;
	/** Stops n8n (SIGTERM, then SIGKILL of its process group) and removes the user folder unless kept (see below). */
	stop(opts?: { keep?: boolean }): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// constants

const ENCRYPTION_KEY = 'e2e-harness-encryption-key-0123456789abcdef';
const OWNER = { email: 'owner@harness.test', password: 'Harness-Passw0rd1', firstName: 'Harness', lastName: 'Owner' };
const FINISHED: ReadonlySet<string> = new Set(['success', 'error', 'crashed', 'canceled', 'waiting']);
const live = new Set<{ stop: N8nInstance['stop'] }>();

/**
 * Excerpts of an n8n log that say a community package (or one of its files) could not be loaded: unique blocks of a
 * few lines, at most `max`. With `packageName`, package-level messages about other packages are ignored.
 */
export function findPackageLoadErrors(log: string, packageName?: string, max = 3): string[] {
	const lines = stripAnsi(log).split('\n');
	const patterns = [/Failed to load package "/, /Skipping package/, /Cannot find module/, /Unrecognized node type/, /Unknown node type/];
	const packageLevel = /Unrecognized node type|Unknown node type|Failed to load package|Skipping package/;
	const hits = new Set<string>();
	for (let i = 0; i < lines.length && hits.size < max; i++) {
		const line = lines[i];
		if (!patterns.some((p) => p.test(line))) continue;
		if (packageName && packageLevel.test(line) && !line.includes(packageName)) continue;
		hits.add(lines.slice(i, i + 6).join('\n'));
		i += 5;
	}
	return [...hits];
}

export function stripAnsi(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/** The items a node produced in an execution (first run, given output), as plain JSON. */
export function nodeOutput(execution: Execution, nodeName: string, output = 0, runIndex = 0): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs) {
		const ran = Object.keys(execution.data?.resultData?.runData ?? {}).join(', ');
		throw new Error(`node "${nodeName}" did not run in execution ${execution.id} (nodes that ran: ${ran || 'none'})`);
	}
	return (runs[runIndex]?.data?.main?.[output] ?? []).map((item) => item.json);
}

/** A one-line summary of why an execution failed (undefined if it has no error). */
export function executionError(execution: Execution): string | undefined {
	const rd = execution.data?.resultData;
	if (!rd?.error) return undefined;
	return `${rd.lastNodeExecuted ? `[${rd.lastNodeExecuted}] ` : ''}${rd.error.message ?? JSON.stringify(rd.error)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// start

/**
 * Starts n8n: throwaway user folder under .tmp/, free loopback ports, hermetic environment, credentials and workflows
 * imported and published with the CLI while n8n is stopped, then `n8n start`, readiness, activation of every published
 * workflow, owner + API key, package-load check and registered webhooks. On failure it stops n8n, keeps the folder and
 * throws with the log tail.
 */
export async function startN8n(options: StartOptions = {}): Promise<N8nInstance> {
	const rt = runtimePaths();
	const pkg = options.installPackage === false ? undefined : await packPackage();
	const timeouts = { cliMs: 120_000, startMs: 180_000, activationMs: 120_000, ...options.timeouts };

	fs.mkdirSync(TMP_DIR, { recursive: true });
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
	const userFolder = fs.mkdtempSync(path.join(TMP_DIR, `${options.label ?? 'n8n'}-${stamp}-`));
	const dotN8n = path.join(userFolder, '.n8n');
	fs.mkdirSync(dotN8n, { recursive: true });
	const logFile = path.join(userFolder, 'n8n.log');
	fs.writeFileSync(logFile, '');
	if (pkg) {
		const nodes = path.join(dotN8n, 'nodes');
		fs.mkdirSync(nodes, { recursive: true });
		fs.writeFileSync(path.join(nodes, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
		fs.symlinkSync(path.join(pkg.nodesDir, 'node_modules'), path.join(nodes, 'node_modules'), 'dir');
	}

	const workflows = (options.workflows ?? []).map(normaliseWorkflow);
	const workflowIds = workflows.map((w) => w.id as string);
	const publish = options.publish ?? 'all';
	const published = publish === 'all' ? workflowIds : publish === 'none' ? [] : publish;

	const port = await freePort();
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const env = n8nEnv(rt, userFolder, port, brokerPort, options.env ?? {});

	let child: ChildProcess | undefined;
	let watchdog: ChildProcess | undefined;
	let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	let stopped: Promise<void> | undefined;
	let failed = false;
	const logs = () => readText(logFile);
	const fail = (what: string, cause?: unknown): Error => {
		failed = true;
		const reason = cause instanceof Error ? `${cause.message}\n` : cause ? `${String(cause)}\n` : '';
		return new Error(
			`[n8n harness] ${what}\n${reason}user folder (kept): ${userFolder}\n----- n8n log, last lines -----\n${tail(stripAnsi(logs()), 80)}\n-----`,
		);
	};

	const stop = (opts: { keep?: boolean } = {}): Promise<void> => {
		stopped ??= (async () => {
			live.delete(instanceRef);
			if (child?.pid && !exited) {
				killGroup(child.pid, 'SIGTERM');
				const deadline = Date.now() + 20_000;
				while (!exited && isAlive(child.pid) && Date.now() < deadline) await sleep(100);
			}
			killGroup(child?.pid, 'SIGKILL'); // the task runner and anything else left in n8n's process group
			if (watchdog?.pid) killGroup(watchdog.pid, 'SIGKILL');
			const keep = opts.keep ?? (process.env.KEEP_N8N === '1' || failed || currentTestFileHasFailed());
			if (keep) {
				process.stderr.write(`[n8n harness] kept the n8n user folder: ${userFolder} (log: ${logFile})\n`);
			} else {
				await sleep(200);
				fs.rmSync(userFolder, { recursive: true, force: true, maxRetries: 3 });
			}
		})();
		return stopped;
	};
	const instanceRef = { stop };
	live.add(instanceRef);

	const cli = async (args: string[]) => {
		const r = await runProcess(rt.node, [rt.n8nBin, ...args], { cwd: userFolder, env, timeoutMs: timeouts.cliMs, logFile });
		if (r.code !== 0) throw fail(`\`n8n ${args.join(' ')}\` failed (exit ${r.signal ?? r.code})`, tail(stripAnsi(r.output), 40));
		// The CLI loads the installed packages too: a package that does not load is reported here, before n8n starts.
		const loadErrors = pkg ? findPackageLoadErrors(r.output, pkg.name) : [];
		if (loadErrors.length) throw fail(`the package ${pkg?.name} did not load (seen in \`n8n ${args[0]}\`):\n${loadErrors.join('\n...\n')}`);
		return r;
	};

	try {
		// --- import and publish, with n8n stopped (the DB is only read at start) ---
		const importDir = path.join(userFolder, 'import');
		fs.mkdirSync(importDir);
		if (options.credentials?.length) {
			fs.writeFileSync(path.join(importDir, 'credentials.json'), JSON.stringify(options.credentials, null, 2));
			await cli(['import:credentials', `--input=${path.join(importDir, 'credentials.json')}`]);
		}
		if (workflows.length) {
			fs.writeFileSync(path.join(importDir, 'workflows.json'), JSON.stringify(workflows, null, 2));
			await cli(['import:workflow', `--input=${path.join(importDir, 'workflows.json')}`]);
		}
		for (const id of published) await cli(['publish:workflow', `--id=${id}`]);

		// --- start ---
		const startedAt = Date.now();
		const out = fs.openSync(logFile, 'a');
		fs.appendFileSync(logFile, `\n$ n8n start   (port ${port}, task broker port ${brokerPort})\n`);
		child = spawn(rt.node, [rt.n8nBin, 'start'], { cwd: userFolder, env, stdio: ['ignore', out, out], detached: true });
		fs.closeSync(out);
		child.on('exit', (code, signal) => (exited = { code, signal }));
		child.unref();
		watchdog = startWatchdog(child.pid as number);
		const died = () => (exited ? fail(`n8n exited during start (${exited.signal ?? `code ${exited.code}`})`) : undefined);

		await pollUntil(
			async () => {
				const r = await fetch(`${baseUrl}/healthz/readiness`);
				return r.status === 200 ? true : undefined;
			},
			{ timeoutMs: timeouts.startMs, intervalMs: 200, what: `${baseUrl}/healthz/readiness`, abort: died },
		).catch((e) => {
			throw failed ? e : fail('n8n did not become ready', e);
		});
		const readyMs = Date.now() - startedAt;

		// --- package loaded? (n8n skips a package whose files fail to load, with only a log line) ---
		const loadErrors = pkg ? findPackageLoadErrors(logs(), pkg.name) : [];
		if (loadErrors.length) throw fail(`the package ${pkg?.name} did not load cleanly:\n${loadErrors.join('\n...\n')}`);

		// --- owner + API key, so that tests can read executions ---
		const auth = await bootstrapOwner(baseUrl).catch((e) => {
			throw fail('owner / API key setup failed', e);
		});
		const rest = (restPath: string, init: RequestInit = {}) =>
			fetch(`${baseUrl}/rest${restPath}`, { ...init, headers: { 'content-type': 'application/json', cookie: auth.cookie, ...(init.headers as Record<string, string>) } });

		// --- every published workflow activated, or a clear reason why not ---
		// n8n 2.x activates published workflows asynchronously after start (a publication outbox); its state is at
		// GET /rest/workflows/<id>/publication-status. With the publication service off, the log says "Activated workflow".
		const pending = new Set(published);
		let activationFailure: Error | undefined;
		await pollUntil(
			async () => {
				for (const id of [...pending]) {
					const r = await rest(`/workflows/${id}/publication-status`);
					if (r.status === 404) {
						if (new RegExp(`Activated workflow .*\\(ID: ${id}\\)`).test(stripAnsi(logs()))) pending.delete(id);
						continue;
					}
					const body = (await r.json()) as { data?: PublicationStatus };
					const st = body.data;
					if (st?.status === 'published') pending.delete(id);
					else if (st?.status === 'partial' || st?.status === 'failed') {
						const errors = st.triggers.filter((t) => t.status === 'failed').map((t) => `node ${t.nodeId}: ${t.errorMessage ?? '?'}`);
						activationFailure = fail(
							`workflow ${id} was not activated (${st.status}): ${errors.join('; ')} — an unknown node type usually means the package did not load`,
						);
						return undefined;
					}
				}
				return pending.size === 0 ? true : undefined;
			},
			{
				timeoutMs: timeouts.activationMs,
				intervalMs: 200,
				what: `activation of workflows ${published.join(', ')}`,
				abort: () => activationFailure ?? died(),
			},
		).catch((e) => {
			throw failed ? e : fail(`published workflows were not activated (still pending: ${[...pending].join(', ')})`, e);
		});

		let packageNodeTypes: string[] = [];
		if (pkg) {
			const r = await fetch(`${baseUrl}/types/nodes.json`, { headers: { cookie: auth.cookie } });
			if (r.status !== 200) throw fail(`GET /types/nodes.json answered ${r.status}`);
			const types = (await r.json()) as Array<{ name: string }>;
			packageNodeTypes = [...new Set(types.map((t) => t.name).filter((n) => n.startsWith(`${pkg.name}.`)))];
			if (pkg.declaredNodes.length > 0 && packageNodeTypes.length === 0) {
				throw fail(`n8n loaded none of the ${pkg.declaredNodes.length} node(s) that ${pkg.name} declares`);
			}
		}

		// --- production webhooks, as n8n registered them ---
		const webhooks = (await readWebhooks(rt, dotN8n, baseUrl).catch((e) => {
			throw fail('could not read the registered webhooks', e);
		})).filter((w) => published.includes(w.workflowId));
		for (const w of webhooks) {
			await pollUntil(
				async () => {
					const r = await fetch(w.url, { method: 'OPTIONS', headers: { origin: baseUrl } });
					return (r.headers.get('access-control-allow-methods') ?? '').split(/,\s*/).includes(w.method) ? true : undefined;
				},
				{ timeoutMs: 30_000, intervalMs: 100, what: `webhook ${w.method} ${w.url} to answer`, abort: died },
			).catch((e) => {
				throw failed ? e : fail('a registered webhook does not answer', e);
			});
		}
		fs.appendFileSync(logFile, `\n[harness] ready: readiness after ${readyMs} ms, everything after ${Date.now() - startedAt} ms\n`);

		const api = async <T>(apiPath: string, init: RequestInit = {}): Promise<T> => {
			const r = await fetch(`${baseUrl}/api/v1${apiPath}`, {
				...init,
				headers: { accept: 'application/json', 'content-type': 'application/json', 'X-N8N-API-KEY': auth.apiKey, ...(init.headers as Record<string, string>) },
			});
			const text = await r.text();
			if (!r.ok) throw new Error(`GET /api/v1${apiPath} answered ${r.status}: ${text.slice(0, 500)}`);
			return JSON.parse(text) as T;
		};
		const listExecutions = async (workflowId: string): Promise<ExecutionSummary[]> => {
			const all: ExecutionSummary[] = [];
			let cursor: string | null = null;
			do {
				const q = new URLSearchParams({ workflowId, limit: '250' });
				if (cursor) q.set('cursor', cursor);
				const page: { data: ExecutionSummary[]; nextCursor: string | null } = await api(`/executions?${q}`);
				all.push(...page.data);
				cursor = page.nextCursor;
			} while (cursor);
			return all.map((e) => ({ ...e, id: String(e.id) })).sort((a, b) => Number(a.id) - Number(b.id));
		};
		const getExecution = (id: string) => api<Execution>(`/executions/${encodeURIComponent(id)}?includeData=true`);
		const waitForExecutions = async (workflowId: string, count: number, timeoutMs = 60_000): Promise<Execution[]> => {
			let seen: ExecutionSummary[] = [];
			const done = await pollUntil(
				async () => {
					seen = await listExecutions(workflowId);
					const finished = seen.filter((e) => FINISHED.has(e.status));
					return finished.length >= count ? finished : undefined;
				},
				{ timeoutMs, intervalMs: 250, what: `${count} finished execution(s) of workflow ${workflowId}`, abort: () => (exited ? fail('n8n exited') : undefined) },
			).catch((e) => {
				const statuses = seen.map((s) => `${s.id}:${s.status}`).join(' ') || 'none';
				throw new Error(`${(e as Error).message}; executions seen: ${statuses}\n----- n8n log, last lines -----\n${tail(stripAnsi(logs()), 60)}`);
			});
			return Promise.all(done.map((e) => getExecution(e.id)));
		};
		const webhookUrl = (ref: string | { workflowId?: string; node: string; method?: string }): string => {
			const byNode = (node: string, workflowId?: string, method?: string) =>
				webhooks.filter((w) => w.node === node && (!workflowId || w.workflowId === workflowId) && (!method || w.method === method.toUpperCase()));
			if (typeof ref === 'object') {
				const hits = byNode(ref.node, ref.workflowId, ref.method);
				if (!hits.length) throw new Error(`no registered webhook for ${JSON.stringify(ref)}; registered: ${describeWebhooks(webhooks)}`);
				return hits[0].url;
			}
			const hits = byNode(ref);
			if (hits.length) {
				if (new Set(hits.map((h) => `${h.workflowId}/${h.path}`)).size > 1) {
					throw new Error(`node name "${ref}" is ambiguous; pass {workflowId, node}. Registered: ${describeWebhooks(webhooks)}`);
				}
				return hits[0].url;
			}
			return `${baseUrl}/webhook/${ref.replace(/^\/+/, '').replace(/^webhook\//, '')}`;
		};

		return {
			baseUrl,
			port,
			userFolder,
			workflowIds,
			webhooks,
			packageNodeTypes,
			package: pkg,
			auth,
			webhookUrl,
			listExecutions,
			waitForExecutions,
			getExecution,
			api,
			rest,
			logs,
			stop,
		};
	} catch (e) {
		failed = true;
		await stop({ keep: true });
		throw e;
	}
}

/** Stops every instance that is still running (for an afterAll safety net). */
export async function stopAllN8n(): Promise<void> {
	await Promise.all([...live].map((i) => i.stop()));
}

// ---------------------------------------------------------------------------------------------------------------
// internals

function normaliseWorkflow(w: WorkflowJson, index: number): WorkflowJson {
	return {
		name: `Harness workflow ${index + 1}`,
		connections: {},
		settings: { executionOrder: 'v1' },
		...w,
		id: w.id ?? newWorkflowId(),
		active: false,
		nodes: w.nodes.map((n, i) => ({ id: n.id ?? crypto.randomUUID(), position: n.position ?? [i * 220, 0], parameters: n.parameters ?? {}, ...n })),
	};
}

function newWorkflowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

/** The hermetic environment (docs: n8n-runtime.md): nothing inherited but PATH, no telemetry, no outbound calls. */
function n8nEnv(rt: RuntimePaths, userFolder: string, port: number, brokerPort: number, extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
	const env: Record<string, string | undefined> = {
		PATH: `${rt.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
		HOME: userFolder,
		LANG: 'C.UTF-8',
		TZ: 'UTC',
		GENERIC_TIMEZONE: 'UTC',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'false', // no install UI; the nodes folder is still loaded
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		EXECUTIONS_DATA_PRUNE: 'false',
		...extra,
	};
	return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A tiny process that kills n8n's process group if the test process disappears without calling stop(). */
function startWatchdog(n8nPid: number): ChildProcess {
	const script = `
		const [parent, group] = process.argv.slice(1).map(Number);
		const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
		setInterval(() => {
			if (!alive(group)) process.exit(0);
			if (!alive(parent)) { try { process.kill(-group, 'SIGKILL'); } catch {} process.exit(0); }
		}, 1000);`;
	const w = spawn(process.execPath, ['-e', script, String(process.pid), String(n8nPid)], { stdio: 'ignore', detached: true });
	w.unref();
	return w;
}

async function bootstrapOwner(baseUrl: string): Promise<N8nInstance['auth']> {
	const call = async (p: string, init: RequestInit = {}, cookie?: string) => {
		const r = await fetch(`${baseUrl}${p}`, {
			...init,
			headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
		});
		const text = await r.text();
		if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${p} answered ${r.status}: ${text.slice(0, 300)}`);
		const setCookie = typeof r.headers.getSetCookie === 'function' ? r.headers.getSetCookie() : [r.headers.get('set-cookie') ?? ''];
		return { json: JSON.parse(text) as { data: unknown }, cookie: setCookie.map((c) => c.split(';')[0]).filter(Boolean).join('; ') };
	};
	const setup = await call('/rest/owner/setup', { method: 'POST', body: JSON.stringify(OWNER) });
	if (!setup.cookie) throw new Error('owner setup returned no session cookie');
	const scopes = (await call('/rest/api-keys/scopes', {}, setup.cookie)).json.data as string[];
	const key = await call('/rest/api-keys', { method: 'POST', body: JSON.stringify({ label: 'e2e-harness', scopes, expiresAt: null }) }, setup.cookie);
	const apiKey = (key.json.data as { rawApiKey?: string }).rawApiKey;
	if (!apiKey) throw new Error('API key creation returned no rawApiKey');
	return { cookie: setup.cookie, apiKey, email: OWNER.email, password: OWNER.password };
}

/** Reads n8n's webhook table (sqlite) with Node 24's built-in sqlite module: the exact registered paths and methods. */
async function readWebhooks(rt: RuntimePaths, dotN8n: string, baseUrl: string): Promise<RegisteredWebhook[]> {
	const script = `
		const { DatabaseSync } = require('node:sqlite');
		const db = new DatabaseSync(process.argv[1], { readOnly: true });
		const rows = db.prepare('SELECT workflowId, webhookPath, method, node FROM webhook_entity ORDER BY workflowId, node, method').all();
		console.log(JSON.stringify(rows));`;
	const r = await runProcess(rt.node, ['--no-warnings', '-e', script, path.join(dotN8n, 'database.sqlite')], { timeoutMs: 30_000 });
	if (r.code !== 0) throw new Error(`reading webhook_entity failed: ${r.output}`);
	const rows = JSON.parse(r.output.trim().split('\n').pop() ?? '[]') as Array<{ workflowId: string; webhookPath: string; method: string; node: string }>;
	return rows.map((row) => ({
		workflowId: row.workflowId,
		node: row.node,
		method: row.method,
		path: row.webhookPath,
		url: `${baseUrl}/webhook/${row.webhookPath}`,
	}));
}

function describeWebhooks(webhooks: RegisteredWebhook[]): string {
	return webhooks.map((w) => `${w.method} ${w.path} (${w.workflowId} / ${w.node})`).join('; ') || 'none';
}
