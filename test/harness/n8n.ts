// Starts a real, throwaway n8n (the pinned runtime) with given workflows and credentials, and reads its executions.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { packPackage, type PackedPackage } from './package';
import { startPostgres, type PostgresServer } from './postgres';
import { startRedis } from './redis';
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
	/**
	 * n8n's database: 'sqlite' (default, in the user folder) or 'postgres' (DB_TYPE=postgresdb on a throwaway local
	 * PostgreSQL that the instance starts, and removes in stop(); see scripts/postgres.mjs).
	 */
	database?: 'sqlite' | 'postgres';
	/**
	 * Another installed n8n version than the pinned one (`node scripts/n8n-runtime.mjs install --n8n <version>`), for
	 * the 1.x smoke test: workflows are activated with 1.x's CLI, and its webhook URL variable is set.
	 */
	n8nVersion?: string;
	/**
	 * n8n's queue mode (EXECUTIONS_MODE=queue, shared/docs/n8n-queue-mode.md): `n8n start` (main) plus `workers`
	 * `n8n worker` processes (default 2, each `--concurrency` 5) and, with `webhookProcess`, an `n8n webhook` process that
	 * then alone serves the production webhooks (main's are off, as behind a load balancer). On PostgreSQL (implied) and a
	 * throwaway Redis; binary data in the database (queue mode's default). All processes share the user folder, so the
	 * package is installed once for all of them.
	 */
	queue?: { workers?: number; concurrency?: number; webhookProcess?: boolean };
	/** Time limits in ms. Defaults: cli 120 s per command, start 180 s (until ready), activation 120 s. */
	timeouts?: { cliMs?: number; startMs?: number; activationMs?: number };
}

/** A production webhook as n8n registered it. */
export interface RegisteredWebhook {
	workflowId: string;
	node: string;
	method: string;
	/** Where n8n serves it: /form/ for an n8n Form Trigger (v2+), /webhook/ for everything else. */
	endpoint: 'webhook' | 'form';
	/** The path after /webhook/ (or /form/). */
	path: string;
	url: string;
}

/** A Data Table as the public API lists it; columns in table order. */
export interface DataTable {
	id: string;
	name: string;
	columns: Array<{ name: string; type: string }>;
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
			/** What Execution Data nodes saved (n8n's "custom data" of the execution). */
			metadata?: Record<string, string>;
		};
		[key: string]: unknown;
	};
}

export interface N8nInstance {
	/** e.g. http://127.0.0.1:41234 */
	baseUrl: string;
	port: number;
	userFolder: string;
	/** n8n's version, e.g. "2.41.1". */
	version: string;
	/** The database n8n runs on (StartOptions.database; postgres in queue mode). */
	database: 'sqlite' | 'postgres';
	/** Where the production webhooks are served: baseUrl, or the webhook process in queue mode with one. */
	webhookBaseUrl: string;
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
	/** Production URL of an n8n Form Trigger (/form/<path>); throws if that node registered no form. */
	formUrl(workflowId: string, nodeName: string): string;
	/** Finished (not running) executions of a workflow, oldest first, without data. */
	listExecutions(workflowId: string): Promise<ExecutionSummary[]>;
	/** Waits until at least `count` executions of the workflow have finished; returns them all (with data), oldest first. */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number): Promise<Execution[]>;
	/** One execution with its data (resultData.runData…). */
	getExecution(id: string): Promise<Execution>;
	/**
	 * Runs the saved (imported) workflow from one trigger node, as the editor's "Execute workflow" button does
	 * (POST /rest/workflows/<id>/run {triggerToStartFrom: {name}}), and waits for that manual execution to finish.
	 * For triggers that start at once (Manual Trigger…); a trigger that would wait for a test webhook call throws.
	 */
	runManualTrigger(workflowId: string, triggerNodeName: string, timeoutMs?: number): Promise<Execution>;
	/**
	 * Saves a changed version of an imported workflow the way an admin does in the editor (PUT /api/v1/workflows/<id>,
	 * which re-publishes a published workflow), and resolves once that version is live.
	 */
	updateWorkflow(workflow: WorkflowJson): Promise<void>;
	/** Every Data Table the owner can see (public API, all pages). */
	dataTables(): Promise<DataTable[]>;
	/** All rows (all pages, by id) of the Data Table named exactly `name`; throws if there is none. */
	dataTableRows(name: string): Promise<Array<Record<string, unknown>>>;
	/** Public API call (/api/v1 + path) with the API key; returns parsed JSON, throws on a non-2xx status. */
	api<T = unknown>(apiPath: string, init?: RequestInit): Promise<T>;
	/** Internal REST call (/rest + path) with the owner cookie; returns the raw response. */
	rest(restPath: string, init?: RequestInit): Promise<Response>;
	/** Everything n8n's main process and its CLI printed so far; or one queue-mode process (`worker1`, `webhook`…). */
	logs(processName?: string): string;
	/** The running n8n processes (not their task-runner children): `main`, and in queue mode `worker1`…, `webhook`. */
	processes(): Array<{ name: string; pid: number }>;
	/** Queue mode: sends a signal to one worker or webhook process (and its task runner); SIGKILL is a crash. */
	killProcess(name: string, signal?: NodeJS.Signals): Promise<void>;
	/** Queue mode: starts a stopped or killed worker or webhook process again; resolves once it is ready. */
	startProcess(name: string): Promise<void>;
	/** Queue mode: the executions each worker started, by worker name (from the workers' logs). */
	executionsByWorker(): Record<string, string[]>;
	/** Rows of a read-only SQL query on n8n's own database (SQLite or PostgreSQL), for what no API shows. */
	queryDatabase<T = Record<string, unknown>>(sql: string): Promise<T[]>;
	/**
	 * Stops n8n (SIGTERM, keeping the user folder; with `crash`, SIGKILL at once) and runs `n8n start` again on the same
	 * folder, port and environment; resolves once it is as ready as after startN8n (published workflows active,
	 * webhooks answering, auth valid).
	 */
	restart(options?: { crash?: boolean }): Promise<void>;
	/** Stops n8n (SIGTERM, then SIGKILL of its process group) and removes the user folder unless kept (see below). */
	stop(opts?: { keep?: boolean }): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// constants

const ENCRYPTION_KEY = 'e2e-harness-encryption-key-0123456789abcdef';
const OWNER = { email: 'owner@harness.test', password: 'Harness-Passw0rd1', firstName: 'Harness', lastName: 'Owner' };
const FINISHED: ReadonlySet<string> = new Set(['success', 'error', 'crashed', 'canceled', 'waiting']);
const FORM_TRIGGER_TYPE = 'n8n-nodes-base.formTrigger';
/** Triggers that only start when something calls the workflow (not what n8n 1.x can activate). */
const CALLED_ONLY_TRIGGERS: ReadonlySet<string> = new Set(['n8n-nodes-base.executeWorkflowTrigger', 'n8n-nodes-base.errorTrigger', 'n8n-nodes-base.manualTrigger']);
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
 * imported and published with the CLI while n8n is stopped, then `n8n start` (see launch()). On failure it stops n8n,
 * keeps the folder and throws with the log tail.
 */
export async function startN8n(options: StartOptions = {}): Promise<N8nInstance> {
	const rt = runtimePaths(options.n8nVersion);
	const isV1 = rt.n8nVersion.startsWith('1.');
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
	const published = (publish === 'all' ? workflowIds : publish === 'none' ? [] : publish).filter(
		// 1.x runs sub-workflows and error workflows from their saved version; it refuses to activate them.
		(id) => !isV1 || workflows.find((w) => w.id === id)?.nodes.some((node) => !CALLED_ONLY_TRIGGERS.has(node.type) && /trigger$|webhook$/i.test(node.type)),
	);
	const endpointOf = webhookEndpoints(workflows);

	const port = await freePort();
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const queue = options.queue && { workers: options.queue.workers ?? 2, concurrency: options.queue.concurrency ?? 5, webhookProcess: options.queue.webhookProcess ?? false };
	if (queue && options.database === 'sqlite') throw new Error('[n8n harness] queue mode needs PostgreSQL (n8n refuses SQLite there)');
	const database = queue ? 'postgres' : (options.database ?? 'sqlite');
	const workerNames = Array.from({ length: queue?.workers ?? 0 }, (_, i) => `worker${i + 1}`);
	const webhookPort = queue?.webhookProcess ? await freePort() : undefined;
	const webhookBaseUrl = webhookPort ? `http://127.0.0.1:${webhookPort}` : baseUrl;
	const postgres =
		database === 'postgres'
			? await startPostgres({ logFile }).catch((e: Error) => {
					throw new Error(`[n8n harness] could not start PostgreSQL: ${e.message}\nuser folder (kept): ${userFolder}`);
				})
			: undefined;
	const redis = queue
		? await startRedis({ logFile }).catch(async (e: Error) => {
				await postgres?.stop({ keep: true });
				throw new Error(`[n8n harness] could not start Redis: ${e.message}\nuser folder (kept): ${userFolder}`);
			})
		: undefined;
	const versionEnv = isV1 ? { WEBHOOK_URL: `${baseUrl}/`, N8N_DISABLED_MODULES: undefined } : {};
	const queueEnv = redis
		? {
				EXECUTIONS_MODE: 'queue',
				...redis.n8nEnv,
				N8N_WEBHOOK_URL: `${webhookBaseUrl}/`,
				...(webhookPort ? { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' } : {}),
			}
		: {};
	const env = n8nEnv(rt, userFolder, port, brokerPort, postgres?.n8nEnv ?? SQLITE_ENV, { ...versionEnv, ...queueEnv, ...options.env });
	const dbTarget: DatabaseTarget = postgres ?? { sqliteFile: path.join(dotN8n, 'database.sqlite') };

	// The running `n8n start`, and in queue mode the workers and the webhook process, by name.
	let proc: RunningProcess | undefined;
	const queueProcesses = new Map<string, RunningProcess>();
	const queueLogFile = (name: string) => path.join(userFolder, `${name}.log`);
	let stopped: Promise<void> | undefined;
	let failed = false;
	const logs = (processName?: string) => readText(!processName || processName === 'main' ? logFile : queueLogFile(processName));
	const fail = (what: string, cause?: unknown): Error => {
		failed = true;
		const reason = cause instanceof Error ? `${cause.message}\n` : cause ? `${String(cause)}\n` : '';
		return new Error(
			`[n8n harness] ${what}\n${reason}user folder (kept): ${userFolder}\n----- n8n log, last lines -----\n${tail(stripAnsi(logs()), 80)}\n-----`,
		);
	};

	/** Ends the main process (see endProcess). */
	const terminate = async (crash = false) => {
		const p = proc;
		proc = undefined;
		await endProcess(p, crash ? 'SIGKILL' : 'SIGTERM');
	};
	/** Every process of the instance: workers and the webhook process first (they finish their jobs), then main. */
	const terminateAll = async () => {
		const others = [...queueProcesses.values()];
		queueProcesses.clear();
		await Promise.all(others.map((p) => endProcess(p)));
		await terminate();
	};

	const stop = (opts: { keep?: boolean } = {}): Promise<void> => {
		stopped ??= (async () => {
			live.delete(instanceRef);
			await terminateAll();
			const keep = opts.keep ?? (process.env.KEEP_N8N === '1' || failed || currentTestFileHasFailed());
			await postgres?.stop({ keep }).catch((e: Error) => process.stderr.write(`[n8n harness] stopping PostgreSQL failed: ${e.message}\n`));
			await redis?.stop({ keep }).catch((e: Error) => process.stderr.write(`[n8n harness] stopping Redis failed: ${e.message}\n`));
			if (keep) {
				const cluster = postgres ? `; its PostgreSQL cluster, stopped: ${postgres.dir} (node scripts/postgres.mjs start --dir ${postgres.dir})` : '';
				process.stderr.write(`[n8n harness] kept the n8n user folder: ${userFolder} (log: ${logFile})${cluster}\n`);
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

	// Filled by the first launch and kept up to date by restarts (the instance exposes these very objects).
	const auth: N8nInstance['auth'] = { cookie: '', apiKey: '', email: OWNER.email, password: OWNER.password };
	const webhooks: RegisteredWebhook[] = [];
	const packageNodeTypes: string[] = [];
	const rest = (restPath: string, init: RequestInit = {}) =>
		fetch(`${baseUrl}/rest${restPath}`, { ...init, headers: { 'content-type': 'application/json', cookie: auth.cookie, ...(init.headers as Record<string, string>) } });

	/**
	 * `n8n start` on the prepared user folder, then: readiness, package-load check, owner + API key (first launch) or a
	 * still-valid session (restart), activation of every published workflow, loaded package node types, and every
	 * registered production webhook answering.
	 */
	const launch = async (): Promise<void> => {
		const logFrom = logs().length;
		const launchLogs = () => logs().slice(logFrom); // a restart must not match lines of the previous run
		const startedAt = Date.now();
		const current = spawnN8n(rt, ['start'], { cwd: userFolder, env, logFile, note: `port ${port}, task broker port ${brokerPort}` });
		proc = current;
		const died = () => (current.exited ? fail(`n8n exited during start (${current.exited.signal ?? `code ${current.exited.code}`})`) : undefined);
		const wait = <T>(
			problem: string,
			probe: () => Promise<T | undefined> | T | undefined,
			opts: { what: string; timeoutMs: number; abort?: () => Error | undefined },
		) =>
			pollUntil(probe, { intervalMs: 200, abort: died, ...opts }).catch((e) => {
				throw failed ? e : fail(problem, e);
			});

		// Readiness comes before n8n activates the published workflows; the "Editor is now accessible" line comes after it
		// has started doing so (publication reconciler, or the active-workflow manager when that is off).
		await wait(
			'n8n did not become ready',
			async () => {
				const r = await fetch(`${baseUrl}/healthz/readiness`);
				return r.status === 200 && launchLogs().includes('Editor is now accessible') ? true : undefined;
			},
			{ what: `${baseUrl}/healthz/readiness and the "Editor is now accessible" line`, timeoutMs: timeouts.startMs },
		);
		const readyMs = Date.now() - startedAt;

		// --- package loaded? (n8n skips a package whose files fail to load, with only a log line) ---
		const loadErrors = pkg ? findPackageLoadErrors(launchLogs(), pkg.name) : [];
		if (loadErrors.length) throw fail(`the package ${pkg?.name} did not load cleanly:\n${loadErrors.join('\n...\n')}`);

		// --- owner + API key, so that tests can read executions; after a restart the key stays, the session may not ---
		try {
			if (auth.apiKey) auth.cookie = await ensureSession(baseUrl, auth);
			else Object.assign(auth, await bootstrapOwner(baseUrl));
		} catch (e) {
			throw fail(auth.apiKey ? 'login after the restart failed' : 'owner / API key setup failed', e);
		}

		// --- every published workflow activated, or a clear reason why not ---
		// n8n 2.x activates published workflows asynchronously after start (a publication outbox); its state is at
		// GET /rest/workflows/<id>/publication-status. With the publication service off, the log says "Activated workflow".
		const pending = new Set(published);
		let activationFailure: Error | undefined;
		await wait('published workflows were not activated', async () => {
			for (const id of [...pending]) {
				const r = await rest(`/workflows/${id}/publication-status`);
				if (r.status === 404) {
					if (new RegExp(`Activated workflow .*\\(ID: ${id}\\)`).test(stripAnsi(launchLogs()))) pending.delete(id);
					continue;
				}
				const st = ((await r.json()) as { data?: PublicationStatus }).data;
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
		}, { what: `activation of workflows ${published.join(', ')}`, timeoutMs: timeouts.activationMs, abort: () => activationFailure ?? died() });

		if (pkg) {
			const r = await fetch(`${baseUrl}/types/nodes.json`, { headers: { cookie: auth.cookie } });
			if (r.status !== 200) throw fail(`GET /types/nodes.json answered ${r.status}`);
			const types = (await r.json()) as Array<{ name: string }>;
			packageNodeTypes.splice(0, Infinity, ...new Set(types.map((t) => t.name).filter((n) => n.startsWith(`${pkg.name}.`))));
			if (pkg.declaredNodes.length > 0 && packageNodeTypes.length === 0) {
				throw fail(`n8n loaded none of the ${pkg.declaredNodes.length} node(s) that ${pkg.name} declares`);
			}
		}

		// --- queue mode: the workers (and the webhook process) join once main has migrated the DB and activated all ---
		if (queue && queueProcesses.size === 0) {
			const names = [...workerNames, ...(queue.webhookProcess ? ['webhook'] : [])];
			await Promise.all(names.map((name) => startQueueProcess(name)));
		}

		// --- production webhooks, as n8n registered them, each answering ---
		const registered = await readWebhooks(rt, dbTarget, webhookBaseUrl, endpointOf).catch((e) => {
			throw fail('could not read the registered webhooks', e);
		});
		webhooks.splice(0, Infinity, ...registered.filter((w) => published.includes(w.workflowId)));
		for (const w of webhooks) {
			// A CORS preflight lists the methods registered for the path without running the workflow.
			await wait('a registered webhook does not answer', async () => {
				const r = await fetch(w.url, { method: 'OPTIONS', headers: { origin: webhookBaseUrl } });
				return (r.headers.get('access-control-allow-methods') ?? '').split(/,\s*/).includes(w.method) ? true : undefined;
			}, { what: `webhook ${w.method} ${w.url} to answer`, timeoutMs: 30_000 });
		}
		fs.appendFileSync(logFile, `\n[harness] ready: readiness after ${readyMs} ms, everything after ${Date.now() - startedAt} ms\n`);
	};

	/**
	 * Queue mode: one `n8n worker` (its own task-runner broker port, health server and event log, so that a restarted
	 * worker does not take the others' running executions for crashed: n8n-queue-mode.md §9.3) or the `n8n webhook`
	 * process, on the instance's environment; resolves once its /healthz/readiness answers 200.
	 */
	const startQueueProcess = async (name: string): Promise<void> => {
		if (!queue) throw new Error('[n8n harness] not in queue mode');
		const isWorker = name.startsWith('worker');
		if (!isWorker && name !== 'webhook') throw new Error(`[n8n harness] no queue-mode process "${name}"`);
		const healthPort = isWorker ? await freePort() : (webhookPort as number);
		const processEnv = {
			...env,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			...(isWorker
				? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1', N8N_EVENTBUS_LOGWRITER_LOGBASENAME: `n8nEventLog-${name}` }
				: { N8N_PORT: String(healthPort) }),
		};
		const args = isWorker ? ['worker', `--concurrency=${queue.concurrency}`] : ['webhook'];
		const processLog = queueLogFile(name);
		const logFrom = readText(processLog).length;
		const started = spawnN8n(rt, args, { cwd: userFolder, env: processEnv, logFile: processLog, note: `${name}, health port ${healthPort}` });
		queueProcesses.set(name, started);
		await pollUntil(
			async () => ((await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`).catch(() => undefined))?.status === 200 ? true : undefined),
			{ timeoutMs: timeouts.startMs, intervalMs: 200, what: `${name} readiness`, abort: () => (started.exited ? fail(`${name} exited during start (${processLog})`) : undefined) },
		).catch((e) => {
			throw failed ? e : fail(`${name} did not become ready (${processLog}):\n${tail(stripAnsi(readText(processLog)), 30)}`, e);
		});
		const loadErrors = pkg ? findPackageLoadErrors(readText(processLog).slice(logFrom), pkg.name) : [];
		if (loadErrors.length) throw fail(`the package ${pkg?.name} did not load in ${name}:\n${loadErrors.join('\n...\n')}`);
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
		// 1.x has no publish:workflow (and no drafts): activating is setting the workflow active.
		for (const id of published) await cli(isV1 ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`]);
		await launch();
	} catch (e) {
		failed = true;
		await stop({ keep: true });
		throw e;
	}

	const restart = async (options: { crash?: boolean } = {}): Promise<void> => {
		if (stopped) throw new Error('[n8n harness] restart() after stop()');
		await terminate(options.crash);
		await launch();
	};

	const request = async <T>(url: string, init: RequestInit, headers: Record<string, string>): Promise<T> => {
		const r = await fetch(url, { ...init, headers: { accept: 'application/json', 'content-type': 'application/json', ...headers, ...(init.headers as Record<string, string>) } });
		const text = await r.text();
		if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${url.slice(baseUrl.length)} answered ${r.status}: ${text.slice(0, 500)}`);
		return JSON.parse(text) as T;
	};
	const api = <T>(apiPath: string, init: RequestInit = {}) => request<T>(`${baseUrl}/api/v1${apiPath}`, init, { 'X-N8N-API-KEY': auth.apiKey });
	/** Internal REST call that unwraps n8n's {data} envelope and throws on a non-2xx status. */
	const restData = async <T>(restPath: string, init: RequestInit = {}) =>
		(await request<{ data: T }>(`${baseUrl}/rest${restPath}`, init, { cookie: auth.cookie })).data;
	/** Every page of a public API list (cursor pagination, at most 250 per page). */
	const apiPages = async <T>(apiPath: string, query: Record<string, string> = {}): Promise<T[]> => {
		const all: T[] = [];
		let cursor: string | null = null;
		do {
			const q = new URLSearchParams({ ...query, limit: '250', ...(cursor ? { cursor } : {}) });
			const page: { data: T[]; nextCursor: string | null } = await api(`${apiPath}?${q}`);
			all.push(...page.data);
			cursor = page.nextCursor;
		} while (cursor);
		return all;
	};
	const exitedError = () => (proc?.exited ? fail('n8n exited') : undefined);
	const withLogTail = (e: unknown, detail: string) =>
		new Error(`${(e as Error).message}; ${detail}\n----- n8n log, last lines -----\n${tail(stripAnsi(logs()), 60)}`);

	const listExecutions = async (workflowId: string): Promise<ExecutionSummary[]> =>
		(await apiPages<ExecutionSummary>('/executions', { workflowId })).map((e) => ({ ...e, id: String(e.id) })).sort((a, b) => Number(a.id) - Number(b.id));
	const getExecution = (id: string) => api<Execution>(`/executions/${encodeURIComponent(id)}?includeData=true`);
	const waitForExecutions = async (workflowId: string, count: number, timeoutMs = 60_000): Promise<Execution[]> => {
		let seen: ExecutionSummary[] = [];
		const done = await pollUntil(
			async () => {
				seen = await listExecutions(workflowId);
				const finished = seen.filter((e) => FINISHED.has(e.status));
				return finished.length >= count ? finished : undefined;
			},
			{ timeoutMs, intervalMs: 250, what: `${count} finished execution(s) of workflow ${workflowId}`, abort: exitedError },
		).catch((e) => {
			throw withLogTail(e, `executions seen: ${seen.map((s) => `${s.id}:${s.status}`).join(' ') || 'none'}`);
		});
		return Promise.all(done.map((e) => getExecution(e.id)));
	};
	const runManualTrigger = async (workflowId: string, triggerNodeName: string, timeoutMs = 60_000): Promise<Execution> => {
		const wfPath = `/workflows/${encodeURIComponent(workflowId)}`;
		// n8n silently starts from another node when the name matches none, so check it first.
		const { nodes } = await restData<{ nodes: WorkflowNode[] }>(wfPath);
		if (!nodes.some((n) => n.name === triggerNodeName && !n.disabled)) {
			throw new Error(`workflow ${workflowId} has no enabled node "${triggerNodeName}" (nodes: ${nodes.map((n) => n.name).join(', ')})`);
		}
		// The body the editor sends in n8n 2.41 (ManualRunDto): n8n runs the workflow as saved, from that trigger.
		const started = await restData<{ executionId?: string; waitingForWebhook?: boolean }>(`${wfPath}/run`, {
			method: 'POST',
			body: JSON.stringify({ triggerToStartFrom: { name: triggerNodeName } }),
		});
		if (!started.executionId) throw new Error(`"${triggerNodeName}" did not start an execution (${JSON.stringify(started)}): it waits for a test webhook call`);
		let last: Execution | undefined;
		return pollUntil(
			async () => {
				last = await getExecution(started.executionId as string);
				return FINISHED.has(last.status) ? last : undefined;
			},
			{ timeoutMs, intervalMs: 250, what: `manual execution ${started.executionId} of workflow ${workflowId} to finish`, abort: exitedError },
		).catch((e) => {
			throw withLogTail(e, `last status: ${last?.status ?? 'not stored yet'}`);
		});
	};

	const updateWorkflow = async (workflow: WorkflowJson): Promise<void> => {
		const id = encodeURIComponent(workflow.id as string);
		const { name, nodes, connections, settings } = workflow;
		const { versionId } = await api<{ versionId: string }>(`/workflows/${id}`, { method: 'PUT', body: JSON.stringify({ name, nodes, connections, settings }) });
		// n8n 1.x has no versions to publish: the PUT itself re-activates an active workflow before it answers.
		if (isV1) return;
		// Live when the workflow's active version is the saved one and every trigger runs that version (publication is
		// asynchronous in n8n 2.x; a sub-workflow has no trigger to wait for).
		await pollUntil(
			async () => {
				const saved = await api<{ activeVersionId?: string | null }>(`/workflows/${id}`);
				const publication = (await restData<PublicationStatus & { liveVersionId: string | null }>(`/workflows/${id}/publication-status`)) ?? null;
				const triggersLive = !publication || publication.triggers.length === 0 || (publication.status === 'published' && publication.liveVersionId === versionId);
				return saved.activeVersionId === versionId && triggersLive ? true : undefined;
			},
			{ timeoutMs: 30_000, what: `workflow ${workflow.id} to go live again`, abort: exitedError },
		);
	};
	const dataTables = async (): Promise<DataTable[]> =>
		(await apiPages<DataTable & { columns: Array<{ name: string; type: string; index: number }> }>('/data-tables')).map((t) => ({
			id: t.id,
			name: t.name,
			columns: [...t.columns].sort((a, b) => a.index - b.index).map(({ name, type }) => ({ name, type })),
		}));
	const dataTableRows = async (name: string): Promise<Array<Record<string, unknown>>> => {
		// Matched here, exactly: n8n's own name filter is a case-insensitive substring match (LIKE %name%).
		const tables = await dataTables();
		const matches = tables.filter((t) => t.name === name);
		if (matches.length !== 1) {
			throw new Error(`${matches.length} Data Tables are named "${name}" (tables: ${tables.map((t) => t.name).join(', ') || 'none'})`);
		}
		return apiPages(`/data-tables/${matches[0].id}/rows`, { sortBy: 'id:asc' });
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
		return `${webhookBaseUrl}/webhook/${ref.replace(/^\/+/, '').replace(/^webhook\//, '')}`;
	};
	const formUrl = (workflowId: string, nodeName: string): string => {
		const hit = webhooks.find((w) => w.workflowId === workflowId && w.node === nodeName && w.endpoint === 'form');
		if (!hit) throw new Error(`no registered form for workflow ${workflowId}, node "${nodeName}"; registered: ${describeWebhooks(webhooks)}`);
		return hit.url;
	};

	return {
		baseUrl,
		port,
		userFolder,
		version: rt.n8nVersion,
		database,
		webhookBaseUrl,
		workflowIds,
		webhooks,
		packageNodeTypes,
		package: pkg,
		auth,
		webhookUrl,
		formUrl,
		listExecutions,
		waitForExecutions,
		getExecution,
		runManualTrigger,
		updateWorkflow,
		dataTables,
		dataTableRows,
		api,
		rest,
		logs,
		processes: () =>
			([['main', proc], ...queueProcesses] as Array<[string, RunningProcess | undefined]>).flatMap(([name, p]) =>
				p?.child.pid && !p.exited ? [{ name, pid: p.child.pid }] : [],
			),
		killProcess: async (name: string, signal: NodeJS.Signals = 'SIGKILL') => {
			const p = queueProcesses.get(name);
			if (!p) throw new Error(`[n8n harness] no running queue-mode process "${name}" (running: ${[...queueProcesses.keys()].join(', ') || 'none'})`);
			queueProcesses.delete(name);
			await endProcess(p, signal);
		},
		startProcess: async (name: string) => {
			const running = queueProcesses.get(name);
			if (running && !running.exited) throw new Error(`[n8n harness] ${name} is already running`);
			await startQueueProcess(name);
		},
		queryDatabase: <T>(sql: string) => queryN8nDatabase<T>(rt, dbTarget, sql),
		executionsByWorker: () =>
			Object.fromEntries(workerNames.map((name) => [name, [...stripAnsi(logs(name)).matchAll(/Worker started execution (\d+)/g)].map((m) => m[1])])),
		restart,
		stop,
	};
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

const SQLITE_ENV = { DB_TYPE: 'sqlite', DB_SQLITE_POOL_SIZE: '2' };

/** The hermetic environment (docs: n8n-runtime.md): nothing inherited but PATH, no telemetry, no outbound calls. */
function n8nEnv(
	rt: RuntimePaths,
	userFolder: string,
	port: number,
	brokerPort: number,
	databaseEnv: Record<string, string>,
	extra: Record<string, string | undefined>,
): NodeJS.ProcessEnv {
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
		...databaseEnv,
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

/** One running n8n process (start, worker or webhook): the watchdog that kills it if the test process dies, how it ended. */
interface RunningProcess {
	child: ChildProcess;
	watchdog: ChildProcess;
	exited?: { code: number | null; signal: NodeJS.Signals | null };
}

/** `n8n <args>` in its own process group, its output appended to `logFile` (after a line saying what was started). */
function spawnN8n(rt: RuntimePaths, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; note: string }): RunningProcess {
	const out = fs.openSync(opts.logFile, 'a');
	fs.appendFileSync(opts.logFile, `\n$ n8n ${args.join(' ')}   (${opts.note})\n`);
	const child = spawn(rt.node, [rt.n8nBin, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', out, out], detached: true });
	fs.closeSync(out);
	const running: RunningProcess = { child, watchdog: startWatchdog(child.pid as number) };
	child.on('exit', (code, signal) => (running.exited = { code, signal }));
	child.unref();
	return running;
}

/**
 * `signal` (SIGTERM: graceful shutdown) and up to 20 s for the process to end, then SIGKILL of its process group: the
 * task runner and anything else left. SIGKILL at once is a crash: the process dies mid-work, as when the machine or the
 * container is killed.
 */
async function endProcess(p: RunningProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
	if (!p) return;
	if (p.child.pid && !p.exited && signal !== 'SIGKILL') {
		killGroup(p.child.pid, signal);
		const deadline = Date.now() + 20_000;
		while (!p.exited && isAlive(p.child.pid) && Date.now() < deadline) await sleep(100);
	}
	killGroup(p.child.pid, 'SIGKILL');
	killGroup(p.watchdog.pid, 'SIGKILL');
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

/** A JSON call to n8n without the instance's session; returns the body and the session cookie it set, if any. */
async function sessionCall(baseUrl: string, p: string, init: RequestInit = {}, cookie?: string) {
	const r = await fetch(`${baseUrl}${p}`, {
		...init,
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
	});
	const text = await r.text();
	if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${p} answered ${r.status}: ${text.slice(0, 300)}`);
	const setCookie = typeof r.headers.getSetCookie === 'function' ? r.headers.getSetCookie() : [r.headers.get('set-cookie') ?? ''];
	return { json: JSON.parse(text) as { data: unknown }, cookie: setCookie.map((c) => c.split(';')[0]).filter(Boolean).join('; ') };
}

async function bootstrapOwner(baseUrl: string): Promise<N8nInstance['auth']> {
	const setup = await sessionCall(baseUrl, '/rest/owner/setup', { method: 'POST', body: JSON.stringify(OWNER) });
	if (!setup.cookie) throw new Error('owner setup returned no session cookie');
	const scopes = (await sessionCall(baseUrl, '/rest/api-keys/scopes', {}, setup.cookie)).json.data as string[];
	const key = await sessionCall(baseUrl, '/rest/api-keys', { method: 'POST', body: JSON.stringify({ label: 'e2e-harness', scopes, expiresAt: null }) }, setup.cookie);
	const apiKey = (key.json.data as { rawApiKey?: string }).rawApiKey;
	if (!apiKey) throw new Error('API key creation returned no rawApiKey');
	return { cookie: setup.cookie, apiKey, email: OWNER.email, password: OWNER.password };
}

/**
 * The session cookie to use after a restart: the current one while n8n still accepts it (its JWT secret derives from the
 * fixed encryption key, so it normally does), else a new login. The API key is stored in the DB and needs nothing.
 */
async function ensureSession(baseUrl: string, auth: N8nInstance['auth']): Promise<string> {
	const current = await fetch(`${baseUrl}/rest/login`, { headers: { cookie: auth.cookie } });
	if (current.ok) return auth.cookie;
	const login = await sessionCall(baseUrl, '/rest/login', { method: 'POST', body: JSON.stringify({ emailOrLdapLoginId: auth.email, password: auth.password }) });
	if (!login.cookie) throw new Error('login returned no session cookie');
	return login.cookie;
}

/**
 * Which endpoint serves each imported trigger node's production webhooks: an n8n Form Trigger from v2 declares them as
 * form webhooks, which n8n serves under /form/ only (404 under /webhook/); v1 and every other node use /webhook/.
 */
function webhookEndpoints(workflows: WorkflowJson[]): (workflowId: string, node: string) => RegisteredWebhook['endpoint'] {
	const forms = new Set(
		workflows.flatMap((w) => w.nodes.filter((n) => n.type === FORM_TRIGGER_TYPE && n.typeVersion >= 2).map((n) => `${w.id}/${n.name}`)),
	);
	return (workflowId, node) => (forms.has(`${workflowId}/${node}`) ? 'form' : 'webhook');
}

/** n8n's own database: its SQLite file, or the Postgres server it runs on. */
type DatabaseTarget = { sqliteFile: string } | Pick<PostgresServer, 'n8nEnv'>;

/**
 * Rows of a read-only query on n8n's database, run by a child process on the runtime's Node: with its built-in sqlite
 * module, or with the pg module of n8n's own install (same driver as n8n; nothing to add to this repo).
 */
async function queryN8nDatabase<T>(rt: RuntimePaths, db: DatabaseTarget, sql: string): Promise<T[]> {
	const print = 'console.log(JSON.stringify(rows))';
	const [script, target, env] =
		'sqliteFile' in db
			? [`const { DatabaseSync } = require('node:sqlite'); const rows = new DatabaseSync(process.argv[2], { readOnly: true }).prepare(process.argv[1]).all(); ${print};`, db.sqliteFile, process.env]
			: [
					`const { Client } = require(require.resolve('pg', { paths: [process.argv[2]] }));
					(async () => {
						const client = new Client({ host: process.env.DB_POSTGRESDB_HOST, port: Number(process.env.DB_POSTGRESDB_PORT), database: process.env.DB_POSTGRESDB_DATABASE, user: process.env.DB_POSTGRESDB_USER, password: process.env.DB_POSTGRESDB_PASSWORD });
						await client.connect();
						const { rows } = await client.query(process.argv[1]);
						await client.end();
						${print};
					})().catch((e) => { console.error(e.message); process.exit(1); });`,
					rt.n8nPackageDir,
					{ ...process.env, ...db.n8nEnv },
				];
	const r = await runProcess(rt.node, ['--no-warnings', '-e', script, sql, target], { timeoutMs: 30_000, env });
	if (r.code !== 0) throw new Error(`query on n8n's database failed (${sql}): ${r.output}`);
	return JSON.parse(r.output.trim().split('\n').pop() ?? '[]') as T[];
}

/** Reads n8n's webhook table: the exact registered paths and methods. */
async function readWebhooks(
	rt: RuntimePaths,
	db: DatabaseTarget,
	baseUrl: string,
	endpointOf: (workflowId: string, node: string) => RegisteredWebhook['endpoint'],
): Promise<RegisteredWebhook[]> {
	// Quoted: Postgres folds unquoted names to lower case, n8n's columns are camelCase.
	const rows = await queryN8nDatabase<{ workflowId: string; webhookPath: string; method: string; node: string }>(
		rt,
		db,
		'SELECT "workflowId", "webhookPath", method, node FROM webhook_entity ORDER BY "workflowId", node, method',
	);
	return rows.map((row) => {
		const endpoint = endpointOf(row.workflowId, row.node);
		return { workflowId: row.workflowId, node: row.node, method: row.method, endpoint, path: row.webhookPath, url: `${baseUrl}/${endpoint}/${row.webhookPath}` };
	});
}

function describeWebhooks(webhooks: RegisteredWebhook[]): string {
	return webhooks.map((w) => `${w.method} ${w.path} (${w.workflowId} / ${w.node})`).join('; ') || 'none';
}
