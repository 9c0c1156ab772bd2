/**
 * Latency and throughput of the shipped invoice inbox in a real n8n, with the stand-ins answering at once (Mindee's
 * job is done at its first status check): 20 documents one after another (each waits for the previous one's ✅/❌),
 * then 3 rounds of 50 distinct documents posted at once. Before each of our bursts, the same burst goes to n8n's own
 * Webhook node in the same n8n (the floor: what any webhook costs this n8n, see shared/docs/n8n-webhook-cost.md).
 * First, how long a 12-megapixel HEIC → JPEG conversion blocks an event loop, on it and in the package's worker pool
 * (bench-heic.ts); in single-process mode, n8n's own responsiveness while the inbox converts such a photo (its
 * longest /healthz answer). Prints, per phase: the webhook answer time (POST → HTTP 200), how long after the POST the 🔎 and the ✅/❌ came,
 * lost and duplicated documents, the ❌ and why, the burst's throughput, the peak memory of every n8n process and of
 * its children (e.g. the task runner), and the load average; then a summary to paste. Not a test.
 *
 *   npm run bench:inbox                        single process (SQLite), then queue mode
 *   npm run bench:inbox -- --mode single
 *   npm run bench:inbox -- --mode queue        PostgreSQL, main + 2 workers + a webhook process
 *   npm run bench:inbox -- --n8n-env N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true
 *                                              an n8n setting for every n8n process (repeatable)
 *
 * The Mindee node waits 1 s before its first status check (src/mindee/extract.ts): no ✅ comes sooner than that.
 * The load generator and the stand-ins run in this process, on the same machine as n8n.
 *
 * Exit code 1 when a delivery was refused, a document was lost (no ✅/❌ in time) or stored twice, or a mode could
 * not run.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { runtimePaths, type ExecutionStatus, type N8nInstance, type WorkflowJson } from '../test/harness';
import { SENDER, startInvoiceInbox, waitFor, type InboxOptions, type InvoiceInbox } from '../test/support/invoiceInbox';
import { measureHeicEventLoop } from './bench-heic';
import { makeGridHeic } from './heic-grid';
import { median, percentile } from './stats';

type Mode = 'single' | 'queue';

const SEQUENTIAL_DOCUMENTS = 20;
const BURST_SIZE = 50;
const BURST_ROUNDS = 3;
/** As in n8n-webhook-cost.md: a pause before each burst, once the previous burst's executions have finished. */
const PAUSE_BEFORE_BURST_MS = 1_500;
const FLOOR_WARM_UP_REQUESTS = 5;
/** Generous: an accepted document without ✅/❌ this long after its POST counts as lost. */
const FINAL_REACTION_TIMEOUT_MS = 180_000;
const EXECUTIONS_TIMEOUT_MS = 120_000;
const MEMORY_SAMPLE_EVERY_MS = 500;
const HEALTH_POLL_MS = 10;
const HEIC_BASELINE_MS = 2_000;
const FINAL_REACTIONS: ReadonlySet<string> = new Set(['✅', '❌']);
const UNFINISHED: ReadonlySet<ExecutionStatus> = new Set(['new', 'running']);

const FLOOR_WORKFLOW_ID = 'BenchWebhookFlr1';
/** The floor: n8n's Webhook node answering as soon as the execution is created (setup A of n8n-webhook-cost.md). */
const floorWorkflow: WorkflowJson = {
	id: FLOOR_WORKFLOW_ID,
	name: 'Bench · n8n Webhook node',
	nodes: [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: 'bench-inbox-floor', responseMode: 'onReceived', options: { rawBody: true } },
		},
		{ name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1 },
	],
	connections: { Webhook: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

// ---------------------------------------------------------------------------------------------------------------
// posting and following documents

interface Delivery {
	messageId: string;
	body: string;
	headers: Record<string, string>;
	/** The document's sha256 (to count what Qonto stored of it). */
	sha256: string;
}

interface Posted {
	delivery: Delivery;
	/** Epoch ms, the clock the stand-ins stamp reactions with. */
	sentAt: number;
	answerMs: number;
	/** Why the delivery was not accepted (not HTTP 200). */
	refusal?: string;
}

interface DocumentResult {
	posted: Posted;
	processingMs?: number;
	finalMs?: number;
	/** The reaction the message shows at the end (✅, ❌, or 🔎 when it never finished). */
	reaction?: string;
	/** The inbox's answer to a ❌ document. */
	failureReason?: string;
	/** Supplier invoices Qonto holds for the file. */
	invoices: number;
}

async function post(url: string, delivery: Delivery): Promise<Posted> {
	const sentAt = Date.now();
	const started = performance.now();
	try {
		const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
		const text = await response.text();
		const refusal = response.status === 200 ? undefined : `HTTP ${response.status}: ${text.slice(0, 120)}`;
		return { delivery, sentAt, answerMs: performance.now() - started, refusal };
	} catch (error) {
		return { delivery, sentAt, answerMs: performance.now() - started, refusal: (error as Error).message };
	}
}

/** Distinct files of the sample receipts that have their card payment in Qonto, each as a signed delivery from Ana. */
function prepareDocuments(inbox: InvoiceInbox, count: number, label: string): Delivery[] {
	const matchable = inbox.receipts.slice(0, -1);
	return Array.from({ length: count }, (_, index) => {
		const file = inbox.rescan(matchable[index % matchable.length], `${label} ${index + 1} ${Date.now()}`);
		return { ...inbox.documentDelivery(file.bytes, file.fileName, 'image/jpeg'), sha256: file.sha256 };
	});
}

/** Deliveries for the floor: the same kind and size of body, each with its own message id. */
function prepareFloorDeliveries(inbox: InvoiceInbox, count: number): Delivery[] {
	const file = inbox.receipts[0];
	return Array.from({ length: count }, () => ({ ...inbox.documentDelivery(file.bytes, file.fileName, 'image/jpeg'), sha256: file.sha256 }));
}

function reactionsOn(inbox: InvoiceInbox, messageId: string) {
	return inbox.fakes.whatsapp.sentReactions(SENDER).filter((reaction) => reaction.messageId === messageId);
}

const hasFinalReaction = (inbox: InvoiceInbox, messageId: string) => reactionsOn(inbox, messageId).some((reaction) => FINAL_REACTIONS.has(reaction.emoji));

function documentResult(inbox: InvoiceInbox, posted: Posted): DocumentResult {
	const { messageId, sha256 } = posted.delivery;
	const reactions = reactionsOn(inbox, messageId);
	const processing = reactions.find((reaction) => reaction.emoji === '🔎');
	const final = reactions.find((reaction) => FINAL_REACTIONS.has(reaction.emoji));
	const reaction = inbox.fakes.whatsapp.reactionOn(messageId);
	const { acme, globex } = inbox.organisations;
	return {
		posted,
		processingMs: processing && processing.timestamp - posted.sentAt,
		finalMs: final && final.timestamp - posted.sentAt,
		reaction,
		failureReason: reaction === '❌' ? inbox.fakes.whatsapp.sentTexts(SENDER).find((text) => text.replyTo === messageId)?.body : undefined,
		invoices: [acme, globex].reduce((sum, organisation) => sum + organisation.qonto.supplierInvoices().filter((invoice) => invoice.sha256 === sha256).length, 0),
	};
}

/** The last execution id of a workflow so far (executions started later have higher ids). */
async function lastExecutionId(n8n: N8nInstance, workflowId: string): Promise<number> {
	return Math.max(0, ...(await n8n.listExecutions(workflowId)).map((execution) => Number(execution.id)));
}

/** Waits until `count` webhook executions of the workflow started after `afterId` have finished; returns them by status. */
async function finishedExecutions(n8n: N8nInstance, workflowId: string, afterId: number, count: number): Promise<Record<string, number>> {
	const byStatus = async () => {
		const fresh = (await n8n.listExecutions(workflowId)).filter((execution) => execution.mode === 'webhook' && Number(execution.id) > afterId);
		const finished = fresh.filter((execution) => !UNFINISHED.has(execution.status));
		return { finished: finished.length, unfinished: fresh.length - finished.length, counts: countBy(finished.map((execution) => execution.status)) };
	};
	await waitFor(async () => {
		const now = await byStatus();
		return now.finished >= count && now.unfinished === 0 ? true : undefined;
	}, EXECUTIONS_TIMEOUT_MS, 250);
	const { counts, unfinished } = await byStatus();
	return unfinished > 0 ? { ...counts, 'still running': unfinished } : counts;
}

function countBy(values: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

// ---------------------------------------------------------------------------------------------------------------
// memory and load of the n8n processes

interface ProcessMemory {
	label: string;
	pid: number;
	/** VmHWM at the end of the phase (the process' peak since it started); undefined when it had ended by then. */
	highWaterMarkKb?: number;
	/** The highest VmRSS sampled during the phase. */
	maxSampledRssKb: number;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
	try {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined; // the process has ended
	}
}

/**
 * Children of every process, from the parent pid in /proc/<pid>/stat (what `ps --ppid` reads): the
 * /proc/<pid>/task/<tid>/children files need a kernel built with CONFIG_PROC_CHILDREN, which not every machine has.
 */
function childrenByParent(): Map<number, number[]> {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// "pid (command) state ppid …": the command may hold spaces and parentheses, so read after the last ")".
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
		} catch {
			// ended while the list was read
		}
	}
	return children;
}

/** What a child process is, for the report: n8n's task runner, else its script or program name. */
function describeCommand(pid: number): string {
	try {
		const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
		if (argv.some((argument) => argument.includes('task-runner'))) return 'task runner';
		const script = argv.slice(1).find((argument) => /\.[cm]?js$/.test(argument));
		return basename(script ?? argv[0] ?? `pid ${pid}`);
	} catch {
		return `pid ${pid}`;
	}
}

/** The n8n processes and all their descendants, labelled "main", "main › task runner"… */
function processTree(roots: Array<{ name: string; pid: number }>): Array<{ label: string; pid: number }> {
	const children = childrenByParent();
	const tree: Array<{ label: string; pid: number }> = [];
	const visit = (pid: number, label: string) => {
		tree.push({ label, pid });
		for (const child of children.get(pid) ?? []) visit(child, `${label} › ${describeCommand(child)}`);
	};
	for (const root of roots) visit(root.pid, root.name);
	return tree;
}

/** Samples the RSS of the n8n process tree every 500 ms until stopped; then reads each process' VmHWM. */
class MemoryWatch {
	private readonly seen = new Map<number, ProcessMemory>();
	private readonly timer: NodeJS.Timeout;

	constructor(private readonly n8n: N8nInstance) {
		this.sample();
		this.timer = setInterval(() => this.sample(), MEMORY_SAMPLE_EVERY_MS);
	}

	stop(): ProcessMemory[] {
		clearInterval(this.timer);
		this.sample();
		return [...this.seen.values()].map((seen) => ({ ...seen, highWaterMarkKb: statusKb(seen.pid, 'VmHWM') }));
	}

	private sample(): void {
		for (const { label, pid } of processTree(this.n8n.processes())) {
			const rss = statusKb(pid, 'VmRSS');
			if (rss === undefined) continue;
			const known = this.seen.get(pid) ?? { label, pid, maxSampledRssKb: 0 };
			known.maxSampledRssKb = Math.max(known.maxSampledRssKb, rss);
			this.seen.set(pid, known);
		}
	}
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface Conditions {
	loadBefore: string;
	loadAfter: string;
	memory: ProcessMemory[];
}

/** Runs one phase while recording the load average around it and the memory of the n8n processes during it. */
async function watched<T>(n8n: N8nInstance, phase: () => Promise<T>): Promise<T & { conditions: Conditions }> {
	const loadBefore = loadAverage();
	const memory = new MemoryWatch(n8n);
	let result: T;
	try {
		result = await phase();
	} catch (error) {
		memory.stop();
		throw error;
	}
	return { ...result, conditions: { loadBefore, loadAfter: loadAverage(), memory: memory.stop() } };
}

// ---------------------------------------------------------------------------------------------------------------
// the phases

interface DocumentsPhase {
	documents: DocumentResult[];
	refused: Posted[];
	executions: Record<string, number>;
	/** Documents per second from the first POST to the last ✅/❌. */
	throughput?: number;
	conditions: Conditions;
}

interface FloorBurst {
	answers: number[];
	refused: Posted[];
	executions: Record<string, number>;
	conditions: Conditions;
}

const accepted = (posts: Posted[]) => posts.filter((posted) => !posted.refusal);
const refusedOf = (posts: Posted[]) => posts.filter((posted) => posted.refusal);

async function oneAfterAnother(inbox: InvoiceInbox, count: number): Promise<DocumentsPhase> {
	const workflowId = inbox.workflow.id as string;
	const afterId = await lastExecutionId(inbox.n8n, workflowId);
	return await watched(inbox.n8n, async () => {
		const posts: Posted[] = [];
		for (const delivery of prepareDocuments(inbox, count, 'one after another')) {
			const posted = await post(inbox.webhookUrl, delivery);
			posts.push(posted);
			if (!posted.refusal) await waitFor(() => (hasFinalReaction(inbox, delivery.messageId) ? true : undefined), FINAL_REACTION_TIMEOUT_MS, 20);
		}
		const executions = await finishedExecutions(inbox.n8n, workflowId, afterId, accepted(posts).length);
		return { documents: accepted(posts).map((posted) => documentResult(inbox, posted)), refused: refusedOf(posts), executions };
	});
}

async function inboxBurst(inbox: InvoiceInbox, count: number, round: number): Promise<DocumentsPhase> {
	const workflowId = inbox.workflow.id as string;
	const afterId = await lastExecutionId(inbox.n8n, workflowId);
	// Files and signatures are made before the clock starts.
	const deliveries = prepareDocuments(inbox, count, `burst ${round}`);
	return await watched(inbox.n8n, async () => {
		const posts = await Promise.all(deliveries.map((delivery) => post(inbox.webhookUrl, delivery)));
		const deadline = Math.max(...posts.map((posted) => posted.sentAt)) + FINAL_REACTION_TIMEOUT_MS;
		await waitFor(() => (accepted(posts).every((posted) => hasFinalReaction(inbox, posted.delivery.messageId)) ? true : undefined), deadline - Date.now(), 50);
		const executions = await finishedExecutions(inbox.n8n, workflowId, afterId, accepted(posts).length);
		const documents = accepted(posts).map((posted) => documentResult(inbox, posted));
		const finals = documents.flatMap((document) => (document.finalMs === undefined ? [] : [document.posted.sentAt + document.finalMs]));
		const firstPost = Math.min(...posts.map((posted) => posted.sentAt));
		const throughput = finals.length ? finals.length / ((Math.max(...finals) - firstPost) / 1000) : undefined;
		return { documents, refused: refusedOf(posts), executions, throughput };
	});
}

async function floorBurst(inbox: InvoiceInbox, floorUrl: string, count: number): Promise<FloorBurst> {
	const afterId = await lastExecutionId(inbox.n8n, FLOOR_WORKFLOW_ID);
	const deliveries = prepareFloorDeliveries(inbox, count);
	return await watched(inbox.n8n, async () => {
		const posts = await Promise.all(deliveries.map((delivery) => post(floorUrl, delivery)));
		const executions = await finishedExecutions(inbox.n8n, FLOOR_WORKFLOW_ID, afterId, accepted(posts).length);
		return { answers: accepted(posts).map((posted) => posted.answerMs), refused: refusedOf(posts), executions };
	});
}

interface RoundResult {
	floor: FloorBurst;
	inbox: DocumentsPhase;
	ratioP50: number;
	ratioP95: number;
}

interface ModeResult {
	mode: Mode;
	title: string;
	n8nVersion: string;
	startSeconds: number;
	/** Single process: n8n's /healthz while it converted a 12 MP HEIC document. */
	heicDocument?: HeicDocument;
	floorOneAtATime: number[];
	sequential: DocumentsPhase;
	rounds: RoundResult[];
}

// ---------------------------------------------------------------------------------------------------------------
// figures

const say = (line = '') => process.stdout.write(`${line}\n`);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const round = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : String(Math.round(value)));

/** "p50 12 · p95 30 · max 41 ms" */
function spread(values: number[]): string {
	if (values.length === 0) return 'none';
	const ascending = sorted(values);
	return `p50 ${round(percentile(ascending, 0.5))} · p95 ${round(percentile(ascending, 0.95))} · max ${round(ascending[ascending.length - 1])} ms`;
}

const p = (values: number[], share: number) => percentile(sorted(values), share);
const answers = (phase: DocumentsPhase) => phase.documents.map((document) => document.posted.answerMs);
const processingTimes = (phase: DocumentsPhase) => phase.documents.flatMap((document) => (document.processingMs === undefined ? [] : [document.processingMs]));
const finalTimes = (phase: DocumentsPhase) => phase.documents.flatMap((document) => (document.finalMs === undefined ? [] : [document.finalMs]));
const lost = (phase: DocumentsPhase) => phase.documents.filter((document) => document.finalMs === undefined).length;
const duplicated = (phase: DocumentsPhase) => phase.documents.reduce((sum, document) => sum + Math.max(0, document.invoices - 1), 0);
const failed = (phase: DocumentsPhase) => phase.documents.filter((document) => document.reaction === '❌');
const stored = (phase: DocumentsPhase) => phase.documents.filter((document) => document.reaction === '✅').length;
const describeCounts = (counts: Record<string, number>) => Object.entries(counts).map(([key, count]) => `${count} ${key}`).join(', ') || 'none';
const megabytes = (kb: number | undefined) => (kb === undefined ? '–' : round(kb / 1024));

/** Terminal columns of a label: emoji such as ✅ take two, though some are one UTF-16 unit. */
const columns = (text: string) => [...text].length + (text.match(/\p{Extended_Pictographic}/gu)?.length ?? 0);

function line(label: string, value: string): void {
	say(`    ${label}${' '.repeat(Math.max(1, 31 - columns(label)))}${value}`);
}

function printConditions(conditions: Conditions): void {
	line('load average (1, 5, 15 min)', `${conditions.loadBefore} → ${conditions.loadAfter}`);
	const memory = conditions.memory.map((seen) => `${seen.label} ${megabytes(seen.highWaterMarkKb)} / ${megabytes(seen.maxSampledRssKb)}`);
	line('memory, MB (VmHWM / max VmRSS)', memory.join(' · ') || 'no process seen');
}

function printDocuments(phase: DocumentsPhase): void {
	line('webhook answer (POST → 200)', spread(answers(phase)));
	line('🔎 after the POST', spread(processingTimes(phase)));
	line('✅/❌ after the POST', spread(finalTimes(phase)));
	const refused = phase.refused.length ? ` · refused ${phase.refused.length} (${[...new Set(phase.refused.map((posted) => posted.refusal))].join('; ')})` : '';
	line('documents', `${stored(phase)} ✅ · ${failed(phase).length} ❌ · lost ${lost(phase)} · duplicated ${duplicated(phase)}${refused}`);
	const reasons = countBy(failed(phase).map((document) => (document.failureReason ?? '(no answer sent)').split('\n')[0].slice(0, 140)));
	for (const [reason, count] of Object.entries(reasons)) line('', `❌ ×${count}: ${reason}`);
	line('executions of the inbox', describeCounts(phase.executions));
	if (phase.throughput !== undefined) line('throughput', `${phase.throughput.toFixed(2)} documents/s (first POST → last ✅/❌)`);
	printConditions(phase.conditions);
}

function printRound(result: RoundResult, index: number): void {
	say(`\n  Round ${index + 1} of ${BURST_ROUNDS}`);
	say(`   n8n's Webhook node, ${BURST_SIZE} at once (the floor)`);
	line('webhook answer (POST → 200)', spread(result.floor.answers));
	if (result.floor.refused.length) line('refused', String(result.floor.refused.length));
	line('executions', describeCounts(result.floor.executions));
	printConditions(result.floor.conditions);
	say(`   the inbox, ${BURST_SIZE} documents at once`);
	printDocuments(result.inbox);
	line('answer time / the floor', `p50 ×${result.ratioP50.toFixed(2)} · p95 ×${result.ratioP95.toFixed(2)}`);
}

/** Per process label, the highest VmHWM seen over every phase (peak since start). */
function peakMemory(result: ModeResult): Array<[string, number]> {
	const phases = [result.sequential.conditions, ...result.rounds.flatMap((r) => [r.floor.conditions, r.inbox.conditions])];
	const peaks = new Map<string, number>();
	for (const seen of phases.flatMap((conditions) => conditions.memory)) {
		const peak = Math.max(seen.highWaterMarkKb ?? 0, seen.maxSampledRssKb);
		peaks.set(seen.label, Math.max(peaks.get(seen.label) ?? 0, peak));
	}
	return [...peaks.entries()];
}

function burstThroughput(result: ModeResult): number | undefined {
	const values = result.rounds.flatMap((r) => (r.inbox.throughput === undefined ? [] : [r.inbox.throughput]));
	return values.length ? median(values) : undefined;
}

function burstPhase(result: ModeResult): DocumentsPhase {
	const phases = result.rounds.map((r) => r.inbox);
	return { ...phases[0], documents: phases.flatMap((phase) => phase.documents), refused: phases.flatMap((phase) => phase.refused) };
}

function problems(result: ModeResult): { lost: number; duplicated: number; refused: number; failed: number } {
	const phases = [result.sequential, ...result.rounds.map((r) => r.inbox)];
	const sum = (pick: (phase: DocumentsPhase) => number) => phases.reduce((total, phase) => total + pick(phase), 0);
	return {
		lost: sum(lost),
		duplicated: sum(duplicated),
		refused: sum((phase) => phase.refused.length) + result.rounds.reduce((total, r) => total + r.floor.refused.length, 0),
		failed: sum((phase) => failed(phase).length),
	};
}

/** The lines to paste into a README. */
function summaryLines(result: ModeResult): string[] {
	const burst = burstPhase(result);
	const floorAnswers = result.rounds.flatMap((r) => r.floor.answers);
	const trouble = problems(result);
	const throughput = burstThroughput(result);
	return [
		`${result.title}, n8n ${result.n8nVersion} (ready after ${result.startSeconds.toFixed(0)} s):`,
		`  ${SEQUENTIAL_DOCUMENTS} one after another: answer p50 ${round(p(answers(result.sequential), 0.5))} ms (n8n's Webhook node alone: ${round(p(result.floorOneAtATime, 0.5))} ms); 🔎 p50 ${round(p(processingTimes(result.sequential), 0.5))} ms; ✅ p50 ${round(p(finalTimes(result.sequential), 0.5))} / p95 ${round(p(finalTimes(result.sequential), 0.95))} ms`,
		`  ${BURST_SIZE} at once (${BURST_ROUNDS} rounds): answer p50 ${round(p(answers(burst), 0.5))} / p95 ${round(p(answers(burst), 0.95))} ms (n8n's Webhook node: ${round(p(floorAnswers, 0.5))} / ${round(p(floorAnswers, 0.95))} ms; median ratio p50 ×${median(result.rounds.map((r) => r.ratioP50)).toFixed(2)}, p95 ×${median(result.rounds.map((r) => r.ratioP95)).toFixed(2)})`,
		`  ${BURST_SIZE} at once: 🔎 p50 ${round(p(processingTimes(burst), 0.5))} / p95 ${round(p(processingTimes(burst), 0.95))} ms; ✅ p50 ${round(p(finalTimes(burst), 0.5))} / p95 ${round(p(finalTimes(burst), 0.95))} / max ${round(p(finalTimes(burst), 1))} ms; ${throughput === undefined ? 'no' : throughput.toFixed(2)} documents/s (median of rounds)`,
		`  lost ${trouble.lost} · duplicated ${trouble.duplicated} · refused ${trouble.refused} · ❌ ${trouble.failed} of ${SEQUENTIAL_DOCUMENTS + BURST_ROUNDS * BURST_SIZE}`,
		...(result.heicDocument
			? [`  a 12 MP HEIC photo: ${result.heicDocument.finalReaction ?? 'no answer'} after ${round(result.heicDocument.finalMs)} ms; n8n's /healthz meanwhile max ${round(p(result.heicDocument.during, 1))} ms`]
			: []),
		`  peak RSS: ${peakMemory(result).map(([label, kb]) => `${label} ${megabytes(kb)} MB`).join(' · ')}`,
	];
}

// ---------------------------------------------------------------------------------------------------------------
// a 12-megapixel HEIC

interface HeicDocument {
	finalReaction: string | undefined;
	finalMs: number;
	/** n8n's /healthz answer times (ms) while the document was processed, and for as long just before. */
	during: number[];
	before: number[];
}

/** Polls n8n's /healthz one request after another until `until` resolves; the answer times in ms. */
async function healthAnswers(n8n: N8nInstance, until: Promise<unknown>): Promise<number[]> {
	let done = false;
	void until.finally(() => (done = true));
	const times: number[] = [];
	while (!done) {
		const started = performance.now();
		await fetch(`${n8n.baseUrl}/healthz`).then((response) => response.text());
		times.push(performance.now() - started);
		await sleep(HEALTH_POLL_MS);
	}
	return times;
}

/** A 4000×3000 HEIC photo (a grid of tiles, as phones store them) sent to the inbox, with n8n's /healthz polled. */
async function heicPhoto(inbox: InvoiceInbox): Promise<HeicDocument> {
	const photo = makeGridHeic(4000, 3000);
	const before = await healthAnswers(inbox.n8n, sleep(HEIC_BASELINE_MS));
	const started = Date.now();
	const document = (async () => {
		const messageId = await inbox.sendDocument(photo, 'IMG_0001.HEIC', 'image/heic');
		return await inbox.waitForFinalReaction(messageId, FINAL_REACTION_TIMEOUT_MS);
	})();
	const during = await healthAnswers(inbox.n8n, document);
	return { finalReaction: await document, finalMs: Date.now() - started, during, before };
}

function printHeicDocument(heic: HeicDocument): void {
	say(`\n  a 12-megapixel HEIC photo (4000×3000), converted to JPEG in n8n's process`);
	line('✅/❌ after the POST', `${heic.finalReaction ?? 'none'} after ${round(heic.finalMs)} ms`);
	line("n8n's /healthz meanwhile", `max ${round(p(heic.during, 1))} · p95 ${round(p(heic.during, 0.95))} ms (${heic.during.length} requests; before: max ${round(p(heic.before, 1))} ms)`);
}

function printHeicEventLoop(measured: Awaited<ReturnType<typeof measureHeicEventLoop>>): string {
	const worst = (which: (name: string) => boolean) => Math.max(...measured.runs.filter((run) => which(run.name)).map((run) => run.measure.maxDelayMs));
	const onThread = worst((name) => name.startsWith('on the calling thread'));
	const inWorkers = worst((name) => !name.startsWith('on the calling thread'));
	say(`\n12 MP HEIC → JPEG (bench-heic.ts), event-loop delay (perf_hooks.monitorEventLoopDelay) during each conversion:`);
	for (const run of measured.runs) line(run.name, `${round(run.measure.ms)} ms, event loop max delay ${run.measure.maxDelayMs.toFixed(1)} ms`);
	return `12 MP HEIC → JPEG: event-loop max delay ${round(onThread)} ms on the calling thread, ${inWorkers.toFixed(1)} ms with the worker pool (${measured.workers} worker(s))`;
}

// ---------------------------------------------------------------------------------------------------------------
// a mode, start to end

const QUEUE_OPTIONS = { queue: { workers: 2, webhookProcess: true } } as const;

function startOptions(mode: Mode): InboxOptions {
	// Mindee's stand-in finishes the job by the first status check, as a quick real job does (api-contracts §3.2).
	const common = { mindeePollsBeforeDone: 0, extraWorkflows: [floorWorkflow], n8nEnv: n8nSettings() };
	return mode === 'single' ? { label: 'bench-inbox', ...common } : { label: 'bench-inbox-queue', ...QUEUE_OPTIONS, ...common };
}

async function runMode(mode: Mode): Promise<ModeResult> {
	const title = mode === 'single' ? 'single process (SQLite)' : 'queue mode (PostgreSQL, main + 2 workers + webhook process)';
	say(`\n━━ ${title} ━━`);
	const startedAt = Date.now();
	const inbox = await startInvoiceInbox(startOptions(mode));
	try {
		const startSeconds = (Date.now() - startedAt) / 1000;
		const tree = processTree(inbox.n8n.processes()).map((running) => `${running.label} (pid ${running.pid})`);
		say(`  n8n ${inbox.n8n.version} ready after ${startSeconds.toFixed(1)} s; Ana is linked to ACME SAS. Processes: ${tree.join(', ')}`);
		const floorUrl = inbox.n8n.webhookUrl({ workflowId: FLOOR_WORKFLOW_ID, node: 'Webhook' });

		say(`\n  ${SEQUENTIAL_DOCUMENTS} documents one after another (each posted once the previous one shows ✅/❌)`);
		const sequential = await oneAfterAnother(inbox, SEQUENTIAL_DOCUMENTS);
		printDocuments(sequential);

		// In one process the conversion happens in n8n's own process: does n8n stay responsive meanwhile?
		const heicDocument = mode === 'single' ? await heicPhoto(inbox) : undefined;
		if (heicDocument) printHeicDocument(heicDocument);

		// Warm-up of the floor, one request at a time: also what a single request costs on n8n's own node.
		const floorOneAtATime: number[] = [];
		for (const delivery of prepareFloorDeliveries(inbox, FLOOR_WARM_UP_REQUESTS)) floorOneAtATime.push((await post(floorUrl, delivery)).answerMs);
		say(`\n  n8n's Webhook node, ${FLOOR_WARM_UP_REQUESTS} requests one at a time (warm-up): ${floorOneAtATime.map(round).join(', ')} ms`);

		say(`\n  ${BURST_SIZE} at once, ${BURST_ROUNDS} rounds: n8n's Webhook node, then the inbox with ${BURST_SIZE} new documents (${PAUSE_BEFORE_BURST_MS} ms pause before each burst, once the previous one's executions finished)`);
		const rounds: RoundResult[] = [];
		for (let index = 0; index < BURST_ROUNDS; index++) {
			await sleep(PAUSE_BEFORE_BURST_MS);
			const floor = await floorBurst(inbox, floorUrl, BURST_SIZE);
			await sleep(PAUSE_BEFORE_BURST_MS);
			const ours = await inboxBurst(inbox, BURST_SIZE, index + 1);
			const result = {
				floor,
				inbox: ours,
				ratioP50: p(answers(ours), 0.5) / p(floor.answers, 0.5),
				ratioP95: p(answers(ours), 0.95) / p(floor.answers, 0.95),
			};
			rounds.push(result);
			printRound(result, index);
		}
		return { mode, title, n8nVersion: inbox.n8n.version, startSeconds, heicDocument, floorOneAtATime, sequential, rounds };
	} finally {
		await inbox.stop({ keep: false });
	}
}

// ---------------------------------------------------------------------------------------------------------------
// command line

function modes(): Mode[] {
	const index = process.argv.indexOf('--mode');
	if (index < 0) return ['single', 'queue'];
	const value = process.argv[index + 1];
	if (value !== 'single' && value !== 'queue') throw new Error('--mode needs "single" or "queue" (default: both, single first)');
	return [value];
}

/** The `--n8n-env KEY=VALUE` pairs: settings given to every n8n process (on top of the harness' own). */
function n8nSettings(): Record<string, string> {
	const pairs = process.argv.flatMap((arg, index) => (process.argv[index - 1] === '--n8n-env' ? [arg] : []));
	return Object.fromEntries(
		pairs.map((pair) => {
			const at = pair.indexOf('=');
			if (at <= 0) throw new Error(`--n8n-env needs KEY=VALUE, got "${pair}"`);
			return [pair.slice(0, at), pair.slice(at + 1)];
		}),
	);
}

function machine(): string {
	const cpus = os.cpus();
	const memory = `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`;
	return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown model'}), ${memory}; this script on Node ${process.version}, n8n ${runtimePaths().n8nVersion} on Node ${runtimePaths().nodeVersion}`;
}

async function main(): Promise<void> {
	const wanted = modes();
	const runAt = new Date().toISOString().slice(0, 16).replace('T', ' ');
	say(`bench:inbox · ${runAt} UTC · ${machine()}`);
	const settings = Object.entries(n8nSettings()).map(([key, value]) => `${key}=${value}`).join(' ') || "n8n's defaults";
	say(`n8n settings: ${settings}.`);
	say(`The shipped invoice inbox against the stand-ins (answering at once; Mindee's job done at the first status check, which the node makes after 1 s). Times from the moment each POST was sent; memory of each n8n process and its children.`);
	const heicSummary = printHeicEventLoop(await measureHeicEventLoop());
	const results: ModeResult[] = [];
	const notRun: string[] = [];
	for (const mode of wanted) {
		try {
			results.push(await runMode(mode));
		} catch (error) {
			// The other mode's figures still count: report this one as not run and go on.
			process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
			notRun.push(`${mode}: ${(error as Error).message.split('\n')[0]}`);
			say(`\n  ${notRun.at(-1)}`);
		}
	}

	say(`\n── Summary ──`);
	say(`bench:inbox, ${runAt} UTC, ${machine()}; ${settings}`);
	say(heicSummary);
	for (const result of results) for (const summary of summaryLines(result)) say(summary);
	const single = results.find((result) => result.mode === 'single');
	const queue = results.find((result) => result.mode === 'queue');
	const singleThroughput = single && burstThroughput(single);
	const queueThroughput = queue && burstThroughput(queue);
	if (singleThroughput && queueThroughput) say(`queue mode / single process, ${BURST_SIZE} at once: ×${(queueThroughput / singleThroughput).toFixed(2)} documents/s`);
	for (const message of notRun) say(`not run: ${message}`);

	const trouble = results.map(problems);
	const total = (pick: (counts: ReturnType<typeof problems>) => number) => trouble.reduce((sum, counts) => sum + pick(counts), 0);
	if (total((counts) => counts.lost + counts.duplicated + counts.refused) > 0) {
		say(`\nNot every document once: ${total((counts) => counts.lost)} lost, ${total((counts) => counts.duplicated)} duplicated, ${total((counts) => counts.refused)} deliveries refused.`);
		process.exitCode = 1;
	}
	if (notRun.length > 0) process.exitCode = 1;
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exit(1);
});
