/**
 * Time and peak memory of the invoice file check on big inputs: a 15 MB PDF, a 12-megapixel HEIC and a 5 MB JPEG.
 * Prints figures; not a test. Inputs are generated once into .tmp/bench (the HEIC needs Debian's heif-enc:
 * `apt-get install libheif-examples`). Each case runs in its own process so that its peak RSS is its own.
 *
 *   npx tsx scripts/bench-file-check.ts            (or: npm run bench:files)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decode, encode } from 'jpeg-js';
import { checkInvoiceFile, processInvoiceFile } from '../src/files';

const ROOT = join(__dirname, '..');
const DIR = join(ROOT, '.tmp/bench');
const RECEIPT = join(ROOT, 'test/fixtures/samples/receipts/sroie-060.jpg');
const RUNS = 3;
const MB = 1024 * 1024;

interface Case {
	name: string;
	file: string;
	make: () => void;
}

/** Deterministic noise, so that the generated files are the same on every machine. */
function noise(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

/** A 4000×3000 RGBA photo-like image: the receipt scaled up (nearest neighbour) plus grain. */
function photo(grain: number): { data: Buffer; width: number; height: number } {
	const source = decode(readFileSync(RECEIPT), { formatAsRGBA: true });
	const width = 4000;
	const height = 3000;
	const data = Buffer.alloc(width * height * 4);
	const random = noise(42);
	for (let y = 0; y < height; y++) {
		const sy = Math.floor((y * source.height) / height);
		for (let x = 0; x < width; x++) {
			const sx = Math.floor((x * source.width) / width);
			const from = (sy * source.width + sx) * 4;
			const to = (y * width + x) * 4;
			const g = (random() - 0.5) * grain;
			for (let c = 0; c < 3; c++) data[to + c] = Math.max(0, Math.min(255, source.data[from + c] + g + (c === 0 ? x / 60 : c === 2 ? y / 60 : 0)));
			data[to + 3] = 255;
		}
	}
	return { data, width, height };
}

/** A valid PDF (classic xref) of `pages` pages, each showing a raw grey image of incompressible grain, about `target` bytes. */
function makePdf(file: string, target: number): void {
	const pages = 10;
	const side = Math.floor(Math.sqrt(target / pages / 1.0) * 0.995);
	const random = noise(7);
	const objects: Buffer[] = [];
	const kids = Array.from({ length: pages }, (_, p) => `${3 + 3 * p} 0 R`).join(' ');
	objects.push(Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'));
	objects.push(Buffer.from(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`));
	for (let p = 0; p < pages; p++) {
		const content = Buffer.from(`q 500 0 0 500 48 170 cm /Im0 Do Q BT /F1 18 Tf 48 780 Td (Scanned invoice page ${p + 1}) Tj ET`);
		const pixels = Buffer.alloc(side * side);
		for (let i = 0; i < pixels.length; i++) pixels[i] = 128 + Math.floor((random() - 0.5) * 200);
		objects.push(Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${4 + 3 * p} 0 R /Resources << /Font << /F1 ${3 + 3 * pages} 0 R >> /XObject << /Im0 ${5 + 3 * p} 0 R >> >> >>`));
		objects.push(Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]));
		objects.push(Buffer.concat([Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n`), pixels, Buffer.from('\nendstream')]));
	}
	objects.push(Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'));
	const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
	let length = parts[0].length;
	const offsets: number[] = [];
	objects.forEach((object, i) => {
		offsets.push(length);
		const bytes = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), object, Buffer.from('\nendobj\n')]);
		parts.push(bytes);
		length += bytes.length;
	});
	const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
	parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`));
	writeFileSync(file, Buffer.concat(parts));
}

function makeJpeg(file: string, targetBytes: number): void {
	// Lower the quality until the 12 MP photo is at most the target size (generated once, so a few encodes are fine).
	const image = photo(70);
	for (const quality of [90, 88, 86, 84, 82, 80, 75, 70, 60, 50]) {
		const jpeg = encode(image, quality).data;
		if (jpeg.length <= targetBytes || quality === 50) {
			writeFileSync(file, jpeg);
			return;
		}
	}
}

function makeHeic(file: string): void {
	const source = join(DIR, 'heic-source-12mp.jpg');
	if (!existsSync(source)) writeFileSync(source, encode(photo(12), 90).data);
	try {
		execFileSync('heif-enc', ['-q', '50', '-o', file, source], { stdio: 'pipe' });
	} catch (error) {
		throw new Error(`heif-enc failed or is missing (${(error as Error).message.split('\n')[0]}). Install it with: apt-get install libheif-examples`);
	}
}

const CASES: Case[] = [
	{ name: 'PDF 15 MB (10 pages)', file: join(DIR, 'invoice-15mb.pdf'), make: () => makePdf(join(DIR, 'invoice-15mb.pdf'), 15 * MB - 256 * 1024) },
	{ name: 'HEIC 12 MP (4000×3000)', file: join(DIR, 'photo-12mp.heic'), make: () => makeHeic(join(DIR, 'photo-12mp.heic')) },
	{ name: 'JPEG ~5 MB (4000×3000)', file: join(DIR, 'photo-5mb.jpg'), make: () => makeJpeg(join(DIR, 'photo-5mb.jpg'), 5 * 1024 * 1024) },
];

const mb = (bytes: number) => (bytes / MB).toFixed(1);

/** Child: runs one case and prints one JSON line. */
async function runCase(file: string): Promise<void> {
	const bytes = readFileSync(file);
	let peakHeap = 0;
	let peakExternal = 0;
	const sample = () => {
		const usage = process.memoryUsage();
		peakHeap = Math.max(peakHeap, usage.heapUsed);
		peakExternal = Math.max(peakExternal, usage.external + usage.arrayBuffers);
	};
	// Start from a collected heap, so that "before" is what the loaded modules and the input file hold.
	(globalThis as { gc?: () => void }).gc?.();
	const base = process.memoryUsage();
	sample();
	const sampler = setInterval(sample, 2);
	const baseMaxRss = process.resourceUsage().maxRSS * 1024;
	const check: number[] = [];
	const full: number[] = [];
	let summary = '';
	for (let run = 0; run < RUNS; run++) {
		let start = performance.now();
		checkInvoiceFile(bytes);
		check.push(performance.now() - start);
		sample();
		start = performance.now();
		const { result } = await processInvoiceFile(bytes, { fileName: file });
		full.push(performance.now() - start);
		sample();
		summary = result.accepted
			? `${result.type} ${result.width ? `${result.width}×${result.height}` : `${result.pageCount} pages`}${result.converted ? ` → JPEG ${mb(result.outputSize)} MB` : ''}`
			: `REJECTED ${result.reason}: ${result.detail}`;
	}
	clearInterval(sampler);
	console.log(JSON.stringify({
		size: bytes.length,
		summary,
		check,
		full,
		baseRss: base.rss,
		baseMaxRss,
		peakRss: process.resourceUsage().maxRSS * 1024,
		baseHeap: base.heapUsed,
		baseExternal: base.external + base.arrayBuffers,
		peakHeap,
		peakExternal,
	}));
}

async function main(): Promise<void> {
	const only = process.argv.indexOf('--case');
	if (only >= 0) return runCase(process.argv[only + 1]);
	mkdirSync(DIR, { recursive: true });
	for (const c of CASES) {
		if (!existsSync(c.file)) {
			console.log(`generating ${c.file} …`);
			c.make();
		}
	}
	console.log(`node ${process.version}, ${RUNS} runs per case, each case in a fresh process; times in ms (the first run includes loading the WASM decoder).`);
	console.log('Peak RSS is exact (getrusage maxRSS). Heap and external memory are sampled every 2 ms and after each call, so they miss short spikes inside synchronous code.\n');
	console.log('| case | file | verdict | check only (runs) | check + convert (runs) | RSS before → peak | heap before → max seen | external+arrayBuffers before → max seen |');
	console.log('|---|---|---|---|---|---|---|---|');
	for (const c of CASES) {
		const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--case', c.file], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * MB });
		const line = child.stdout.trim().split('\n').pop() ?? '';
		if (child.status !== 0 || !line.startsWith('{')) {
			console.log(`| ${c.name} | failed: ${child.stderr.trim().split('\n').slice(-3).join(' ')} |`);
			continue;
		}
		const r = JSON.parse(line);
		const times = (list: number[]) => list.map((t) => t.toFixed(t < 10 ? 1 : 0)).join(' / ');
		console.log(
			`| ${c.name} | ${mb(statSync(c.file).size)} MB | ${r.summary} | ${times(r.check)} | ${times(r.full)} | ${mb(r.baseRss)} → ${mb(r.peakRss)} MB | ${mb(r.baseHeap)} → ${mb(r.peakHeap)} MB | ${mb(r.baseExternal)} → ${mb(r.peakExternal)} MB |`,
		);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
