/**
 * Matching benchmark (see the dataset README next to the cases).
 *
 *   npm run bench:matching -- [--dataset DIR | --cases FILE] [--out FILE] [--min-confidence P]
 *   npm run bench:matching -- --scale [--dataset DIR] [--cases FILE] [--transactions FILE.jsonl.gz] [--out FILE] [--repeat N] [--verify]
 *
 * Without arguments it runs the development split committed in the repository (test/fixtures/matching/dev.jsonl.gz,
 * 250 cases). `--dataset DIR` points at a copy of the whole dataset (dev.jsonl or dev.jsonl.gz, and the scale files);
 * the scale files (13 MB) are not in the repository, so `--scale` needs `--dataset` (default ../shared/datasets/matching
 * next to the repository) or `--cases` and `--transactions`. Cases and transactions files may be gzipped (.gz).
 *
 * Writes one prediction per case ({"id","transactionId","score","candidates"}: `candidates` are the transaction ids the
 * sender would be asked to choose from, best first, empty when no question would be asked or the document was
 * attached) and, when the cases carry `expected`, prints precision, recall, false positives, the questions (how often
 * the true payment is among the candidates of a positive case that was not attached, how often a negative case would
 * make the sender answer a question) and per-noise-kind results. The matcher sees only `id`, `asOf`, `invoice` and
 * `transactions`: its input is rebuilt from those fields before anything else is read.
 */
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync } from 'node:zlib';

import Fuse from 'fuse.js';

import { currencyExponent, toMinorUnits } from '../src/common/money';
import { matchTransaction, TransactionIndex, type MatchDecision, type MatchDocument, type MatchOptions } from '../src/matching';
import { percentile } from './stats';

/** The development split, committed gzipped with the unit-test sample (see its README for provenance and licence). */
const DEV_CASES = resolve(__dirname, '../test/fixtures/matching/dev.jsonl.gz');
/** Where the team's shared copy of the whole dataset lives (next to the repository), for `--scale`. */
const SHARED_DATASET_DIR = resolve(__dirname, '../../shared/datasets/matching');

interface Arguments {
	cases: string;
	out: string | null;
	scale: boolean;
	transactions: string;
	verify: boolean;
	minConfidence: number | null;
	quiet: boolean;
	repeat: number;
}

function parseArguments(argv: string[]): Arguments {
	const value = (flag: string): string | null => {
		const index = argv.indexOf(flag);
		return index >= 0 && index + 1 < argv.length ? argv[index + 1] : null;
	};
	const scale = argv.includes('--scale');
	const minConfidence = value('--min-confidence');
	const dataset = value('--dataset');
	const datasetDir = resolve(dataset ?? SHARED_DATASET_DIR);
	const devCases = () => {
		if (dataset === null) return DEV_CASES;
		const plain = resolve(datasetDir, 'dev.jsonl');
		return existsSync(plain) ? plain : `${plain}.gz`;
	};
	return {
		scale,
		cases: value('--cases') ?? (scale ? resolve(datasetDir, 'scale-100k.cases.jsonl') : devCases()),
		out: value('--out'),
		transactions: value('--transactions') ?? resolve(datasetDir, 'scale-100k.transactions.jsonl.gz'),
		verify: argv.includes('--verify'),
		minConfidence: minConfidence === null ? null : Number(minConfidence),
		quiet: argv.includes('--quiet'),
		repeat: Math.max(1, Number(value('--repeat') ?? 5) || 5),
	};
}

/** The dataset's `invoice` shape. */
interface DatasetInvoice {
	supplierName?: string | null;
	date?: string | null;
	totalAmount?: number | null;
	totalAmountCents?: number | null;
	currency?: string | null;
}

/** The only fields the matcher may see. */
interface MatcherInput {
	id: string;
	asOf: string | null;
	document: MatchDocument;
	transactions: unknown[];
}

/** Evaluation metadata, read only for scoring after the prediction. */
interface Scoring {
	expected: string | null | undefined;
	noise: string[];
}

/** The tiny adapter from the dataset's `invoice` to the matcher's document. */
function documentFromInvoice(invoice: DatasetInvoice | undefined): MatchDocument {
	const cents = invoice?.totalAmountCents ?? toMinorUnits(invoice?.totalAmount, currencyExponent(invoice?.currency));
	return { supplierName: invoice?.supplierName ?? null, date: invoice?.date ?? null, totalAmountCents: cents, currency: invoice?.currency ?? null };
}

function splitCase(line: string): { input: MatcherInput; scoring: Scoring } {
	const parsed = JSON.parse(line) as Record<string, unknown>;
	const input: MatcherInput = {
		id: String(parsed.id),
		asOf: typeof parsed.asOf === 'string' ? parsed.asOf : null,
		document: documentFromInvoice(parsed.invoice as DatasetInvoice | undefined),
		transactions: Array.isArray(parsed.transactions) ? parsed.transactions : [],
	};
	const scoring: Scoring = {
		expected: 'expected' in parsed ? (parsed.expected as string | null) : undefined,
		noise: Array.isArray(parsed.noise) ? (parsed.noise as string[]) : [],
	};
	return { input, scoring };
}

function readLines(file: string): string[] {
	const bytes = readFileSync(file);
	return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split('\n').filter((line) => line.trim());
}

/** A missing input file: reported as one message, without a stack trace. */
class UsageError extends Error {}

/** Stops with a message naming the missing files and how to point the benchmark at them. */
function requireFiles(files: Array<[label: string, path: string]>, hint: string): void {
	const missing = files.filter(([, path]) => !existsSync(path));
	if (missing.length === 0) return;
	throw new UsageError(`${missing.map(([label, path]) => `${label} not found: ${path}`).join('\n')}\n${hint}`);
}

async function readJsonLines(file: string): Promise<unknown[]> {
	const stream = createReadStream(file);
	const lines = createInterface({ input: file.endsWith('.gz') ? stream.pipe(createGunzip()) : stream, crlfDelay: Infinity });
	const items: unknown[] = [];
	for await (const line of lines) if (line.trim()) items.push(JSON.parse(line));
	return items;
}

interface Prediction {
	id: string;
	transactionId: string | null;
	score: number;
	/** The transaction ids the sender would be asked about, best first; empty when no question is asked. */
	candidates: string[];
}

function toPrediction(id: string, decision: MatchDecision): Prediction {
	return { id, transactionId: decision.transactionId, score: decision.confidence, candidates: decision.candidates.map((candidate) => candidate.transactionId) };
}

function writePredictions(file: string | null, predictions: Prediction[]): void {
	if (!file) return;
	const line = (p: Prediction) => JSON.stringify({ id: p.id, transactionId: p.transactionId, score: p.score, candidates: p.candidates });
	writeFileSync(file, predictions.map(line).join('\n') + '\n');
	console.log(`predictions: ${predictions.length} lines written to ${file}`);
}

interface Tally {
	cases: number;
	positives: number;
	predicted: number;
	correct: number;
	falsePositives: number;
}

const emptyTally = (): Tally => ({ cases: 0, positives: 0, predicted: 0, correct: 0, falsePositives: 0 });

function add(tally: Tally, expected: string | null, predicted: string | null): void {
	tally.cases++;
	if (expected !== null) tally.positives++;
	if (predicted !== null) {
		tally.predicted++;
		if (predicted === expected) tally.correct++;
		else tally.falsePositives++;
	}
}

const ratio = (a: number, b: number): string => (b === 0 ? '  n/a' : (a / b).toFixed(3));

/** What the questions would do: the true payment offered when a positive is not attached, questions on negatives. */
function printQuestions(predictions: Prediction[], scorings: Scoring[]): void {
	let unattachedPositives = 0;
	let covered = 0;
	let negatives = 0;
	let askedNegatives = 0;
	const offered: number[] = [];
	predictions.forEach((prediction, index) => {
		const expected = scorings[index].expected ?? null;
		const asked = prediction.transactionId === null && prediction.candidates.length > 0;
		if (asked) offered.push(prediction.candidates.length);
		if (expected === null) {
			negatives++;
			if (asked) askedNegatives++;
		} else if (prediction.transactionId === null) {
			unattachedPositives++;
			if (prediction.candidates.includes(expected)) covered++;
		}
	});
	const share = (a: number, b: number) => `${b === 0 ? 'n/a' : (a / b).toFixed(4)} (${a}/${b})`;
	const mean = offered.length === 0 ? 0 : offered.reduce((sum, count) => sum + count, 0) / offered.length;
	console.log(`candidate coverage on unattached positives ${share(covered, unattachedPositives)}  question rate on negatives ${share(askedNegatives, negatives)}`);
	console.log(
		`questions ${offered.length} of ${predictions.filter((prediction) => prediction.transactionId === null).length} unattached documents, mean candidates offered ${mean.toFixed(2)} per question (max ${Math.max(0, ...offered)})`,
	);
}

function printScores(predictions: Prediction[], scorings: Scoring[], decisions: MatchDecision[], verbose: boolean): void {
	const overall = emptyTally();
	const perNoise = new Map<string, Tally>();
	predictions.forEach((prediction, index) => {
		const expected = scorings[index].expected ?? null;
		add(overall, expected, prediction.transactionId);
		for (const noise of scorings[index].noise) {
			const tally = perNoise.get(noise) ?? emptyTally();
			add(tally, expected, prediction.transactionId);
			perNoise.set(noise, tally);
		}
	});
	const precision = overall.predicted ? overall.correct / overall.predicted : 1;
	const recall = overall.positives ? overall.correct / overall.positives : 0;
	const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
	console.log(`cases ${overall.cases} (positives ${overall.positives}, negatives ${overall.cases - overall.positives})`);
	console.log(`precision ${precision.toFixed(4)}  recall ${recall.toFixed(4)}  F1 ${f1.toFixed(4)}  false positives ${overall.falsePositives}  attached ${overall.predicted}`);

	// Best recall at precision >= 0.99 when thresholding on the score.
	const ranked = predictions
		.map((prediction, index) => ({ prediction, expected: scorings[index].expected ?? null }))
		.filter((entry) => entry.prediction.transactionId !== null)
		.sort((a, b) => b.prediction.score - a.prediction.score);
	let correct = 0;
	let best = { recall: 0, threshold: 1 };
	ranked.forEach((entry, index) => {
		if (entry.prediction.transactionId === entry.expected) correct++;
		const next = ranked[index + 1];
		if (next && next.prediction.score === entry.prediction.score) return;
		if (correct / (index + 1) >= 0.99 && correct / overall.positives > best.recall) best = { recall: correct / overall.positives, threshold: entry.prediction.score };
	});
	console.log(`best recall at precision >= 0.99 by score threshold: ${best.recall.toFixed(4)} (score >= ${best.threshold})`);
	printQuestions(predictions, scorings);

	console.log('\nper noise kind                 cases  attached  precision  recall   FP');
	for (const [noise, tally] of [...perNoise].sort(([a], [b]) => a.localeCompare(b))) {
		console.log(
			`  ${noise.padEnd(28)} ${String(tally.cases).padStart(5)} ${String(tally.predicted).padStart(9)}  ${ratio(tally.correct, tally.predicted).padStart(9)}  ${ratio(tally.correct, tally.positives).padStart(6)} ${String(tally.falsePositives).padStart(4)}`,
		);
	}
	if (verbose) {
		console.log('\nmistakes:');
		predictions.forEach((prediction, index) => {
			const expected = scorings[index].expected ?? null;
			if (prediction.transactionId === expected) return;
			const kind = prediction.transactionId === null ? 'MISS' : expected === null ? 'FP  ' : 'WRONG';
			const offered = prediction.candidates.length;
			const question =
				prediction.transactionId === null
					? offered === 0
						? ' [no question]'
						: ` [asked: ${offered} candidate${offered === 1 ? '' : 's'}, ${expected !== null && prediction.candidates.includes(expected) ? 'the true payment among them' : 'the true payment not among them'}]`
					: '';
			console.log(`  ${kind} ${prediction.id} [${scorings[index].noise.join(' ')}] ${decisions[index].outcome}${question}: ${decisions[index].explanation}`);
		});
	}
}

function timingLine(label: string, times: number[]): string {
	const sorted = [...times].sort((a, b) => a - b);
	const mean = times.reduce((sum, time) => sum + time, 0) / Math.max(1, times.length);
	return `${label}: mean ${mean.toFixed(3)} ms, median ${percentile(sorted, 0.5).toFixed(3)} ms, p95 ${percentile(sorted, 0.95).toFixed(3)} ms, max ${sorted[sorted.length - 1]?.toFixed(3)} ms per case`;
}

function runCases(args: Arguments): void {
	requireFiles([['cases file', args.cases]], 'Pass --dataset DIR (a folder with dev.jsonl or dev.jsonl.gz) or --cases FILE.');
	const lines = readLines(args.cases);
	const options: Partial<MatchOptions> = args.minConfidence === null ? {} : { minConfidence: args.minConfidence };
	const predictions: Prediction[] = [];
	const scorings: Scoring[] = [];
	const decisions: MatchDecision[] = [];
	const times: number[] = [];
	for (const line of lines) {
		const { input, scoring } = splitCase(line);
		const started = performance.now();
		const decision = matchTransaction(input.document, input.transactions, { ...options, asOf: input.asOf });
		times.push(performance.now() - started);
		predictions.push(toPrediction(input.id, decision));
		decisions.push(decision);
		scorings.push(scoring);
	}
	writePredictions(args.out, predictions);
	console.log(`cases file: ${args.cases}`);
	if (scorings.every((scoring) => scoring.expected !== undefined)) printScores(predictions, scorings, decisions, !args.quiet);
	else console.log('no `expected` fields: predictions written, scores not computed');
	console.log(timingLine('\ntime', times));
}

async function runScale(args: Arguments): Promise<void> {
	requireFiles(
		[
			['scale cases', args.cases],
			['scale transactions', args.transactions],
		],
		'The scale files (scale-100k.cases.jsonl, scale-100k.transactions.jsonl.gz) are not in the repository: pass --dataset DIR ' +
			'(the matching dataset folder that holds them) or --cases FILE --transactions FILE.',
	);
	let started = performance.now();
	const history = await readJsonLines(args.transactions);
	const loadMs = performance.now() - started;
	started = performance.now();
	const index = TransactionIndex.build(history);
	const indexMs = performance.now() - started;
	console.log(`history: ${history.length} transactions loaded in ${loadMs.toFixed(0)} ms, index built in ${indexMs.toFixed(0)} ms`);

	const cases = readLines(args.cases).map(splitCase);
	const predictions: Prediction[] = [];
	const decisions: MatchDecision[] = [];
	const coldTimes: number[] = [];
	const candidateCounts: number[] = [];
	for (const { input } of cases) {
		const options = { asOf: input.asOf };
		const begin = performance.now();
		const decision = index.match(input.document, options);
		coldTimes.push(performance.now() - begin);
		candidateCounts.push(index.candidatesFor(input.document, options).length);
		predictions.push(toPrediction(input.id, decision));
		decisions.push(decision);
	}
	// Warm timings: the same documents again, once the JIT has compiled the matcher (as in a long-running n8n).
	const matchTimes: number[] = [];
	for (let pass = 0; pass < args.repeat; pass++) {
		for (const { input } of cases) {
			const begin = performance.now();
			index.match(input.document, { asOf: input.asOf });
			matchTimes.push(performance.now() - begin);
		}
	}
	writePredictions(args.out, predictions);

	// The naive alternative: a plain fuse.js search of the supplier name over every transaction's label.
	started = performance.now();
	const fuse = new Fuse(history as Array<Record<string, unknown>>, { keys: ['label', 'clean_counterparty_name'], includeScore: true, threshold: 0.4 });
	const fuseBuildMs = performance.now() - started;
	const fuseTimes: number[] = [];
	for (const { input } of cases) {
		const begin = performance.now();
		fuse.search(String(input.document.supplierName ?? '').slice(0, 32));
		fuseTimes.push(performance.now() - begin);
	}

	const scorings = cases.map((entry) => entry.scoring);
	if (scorings.every((scoring) => scoring.expected !== undefined)) printScores(predictions, scorings, decisions, !args.quiet);
	const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
	console.log(`\ntransactions compared per document after the index: mean ${mean(candidateCounts).toFixed(1)}, max ${Math.max(...candidateCounts)}`);
	console.log(timingLine('indexed match (index lookup + matcher), first pass', coldTimes));
	console.log(timingLine(`indexed match (index lookup + matcher), warm, ${args.repeat} passes`, matchTimes));
	console.log(`plain fuse.js search over all ${history.length} transactions (index built once in ${fuseBuildMs.toFixed(0)} ms): ${timingLine('', fuseTimes).slice(2)}`);
	console.log(
		`ratio: plain fuse.js search / indexed match = ${(mean(fuseTimes) / mean(matchTimes)).toFixed(0)}x warm, ${(mean(fuseTimes) / mean(coldTimes)).toFixed(0)}x first pass (mean per document)`,
	);
	console.log(`budget: ${mean(matchTimes) <= 5 ? 'OK' : 'OVER'} (<= 5 ms per document after loading, warm mean; first pass ${mean(coldTimes) <= 5 ? 'also within' : 'over'})`);

	if (args.verify) {
		let same = 0;
		for (const [position, { input }] of cases.entries()) {
			const full = matchTransaction(input.document, history, { asOf: input.asOf });
			const indexed = decisions[position];
			const ids = (decision: MatchDecision) => decision.candidates.map((candidate) => candidate.transactionId).join(',');
			if (full.transactionId === indexed.transactionId && full.outcome === indexed.outcome && ids(full) === ids(indexed)) same++;
			else console.log(`  differs on ${input.id}: full scan ${full.outcome} ${full.transactionId} [${ids(full)}], indexed ${indexed.outcome} ${indexed.transactionId} [${ids(indexed)}]`);
		}
		console.log(`verify: indexed decision and candidates equal a full scan of the history for ${same}/${cases.length} documents`);
	}
}

const args = parseArguments(process.argv.slice(2));
(args.scale ? runScale(args) : Promise.resolve().then(() => runCases(args))).catch((error: unknown) => {
	console.error(error instanceof UsageError ? `bench:matching: ${error.message}` : error);
	process.exitCode = 1;
});
