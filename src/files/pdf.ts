import { inflateSync } from 'node:zlib';
import { type Problem, problem } from './bytes';
import type { PageCountSource } from './types';

/**
 * PDF sanity checks without a PDF library: header, end marker, encryption and page count. The file is read as
 * latin1 text (one char per byte); streams are skipped, except object streams, which are inflated (bounded) because
 * PDF 1.5+ writers put the page objects in them. The PDF ends at the %%EOF of its last revision; what follows is
 * reported through `end` and not forwarded.
 */

export interface PdfInfo {
	ok: true;
	version: string;
	pageCount: number | null;
	pageCountSource: PageCountSource;
	/** Index just after the last revision's %%EOF (and its end of line) when other data follows it; absent when nothing does. */
	end?: number;
	notes: string[];
}

/** Acrobat looks for startxref in the last 1024 bytes; so do we, for a note. */
const MARKER_WINDOW = 1024;
const END_MARKER = '%%EOF';
/** What may follow a revision's %%EOF in the same PDF: an incremental update, or the rest of a linearized file. */
const REVISION_START = /^(?:\d+\s+\d+\s+obj\b|xref\b|trailer\b|startxref\b)/;
/** A page tree or page object, written out (also inside an inflated object stream). */
const PAGE_TYPE = /\/Type\s*\/Pages?(?![^\s/<>[\]()%{}])/;
/** Bounds for inflating object streams: they hold small dictionaries, never image data. */
const MAX_OBJECT_STREAM_BYTES = 16 * 1024 * 1024;
const MAX_INFLATED_TOTAL = 64 * 1024 * 1024;
const MAX_DICT_CHARS = 1024 * 1024;

interface StreamRange {
	start: number;
	end: number;
}

interface PdfObject {
	offset: number;
	dict?: Map<string, string>;
	/** Short non-dictionary body, e.g. the integer of an indirect /Length. */
	body?: string;
	stream?: StreamRange;
}

function isWhite(code: number): boolean {
	return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0x0c || code === 0x00;
}

function isDelimiter(code: number): boolean {
	// ( ) < > [ ] { } / %
	return code === 0x28 || code === 0x29 || code === 0x3c || code === 0x3e || code === 0x5b || code === 0x5d || code === 0x7b || code === 0x7d || code === 0x2f || code === 0x25;
}

class Unbalanced extends Error {}

function skipSpace(text: string, p: number): number {
	for (;;) {
		while (p < text.length && isWhite(text.charCodeAt(p))) p++;
		if (text.charCodeAt(p) !== 0x25) return p; // %
		while (p < text.length && text[p] !== '\n' && text[p] !== '\r') p++;
	}
}

function skipString(text: string, p: number): number {
	let depth = 0;
	for (; p < text.length; p++) {
		const c = text[p];
		if (c === '\\') p++;
		else if (c === '(') depth++;
		else if (c === ')' && --depth === 0) return p + 1;
	}
	throw new Unbalanced('string');
}

/** Index just after the value at `p` (a name, number, keyword, string, array or dictionary). */
function skipValue(text: string, p: number, limit: number, depth: number): number {
	if (depth > 64 || p >= limit) throw new Unbalanced('value');
	const c = text[p];
	if (c === '<' && text[p + 1] === '<') return skipDict(text, p, limit, depth + 1);
	if (c === '<') {
		const end = text.indexOf('>', p);
		if (end < 0 || end >= limit) throw new Unbalanced('hex string');
		return end + 1;
	}
	if (c === '(') return skipString(text, p);
	if (c === '[') {
		p++;
		for (;;) {
			p = skipSpace(text, p);
			if (p >= limit) throw new Unbalanced('array');
			if (text[p] === ']') return p + 1;
			p = skipValue(text, p, limit, depth + 1);
		}
	}
	if (c === '/') p++;
	const start = p;
	while (p < text.length && !isWhite(text.charCodeAt(p)) && !isDelimiter(text.charCodeAt(p))) p++;
	if (p === start && c !== '/') throw new Unbalanced(`unexpected '${c}'`);
	return p;
}

function skipDict(text: string, p: number, limit: number, depth: number): number {
	p += 2;
	for (;;) {
		p = skipSpace(text, p);
		if (p >= limit) throw new Unbalanced('dictionary');
		if (text[p] === '>' && text[p + 1] === '>') return p + 2;
		p = skipValue(text, p, limit, depth);
	}
}

/** Top-level entries of the dictionary at `p` ("<<"), values as raw text; `end` is the index after ">>". */
function readDict(text: string, p: number): { entries: Map<string, string>; end: number } | undefined {
	const limit = Math.min(text.length, p + MAX_DICT_CHARS);
	const entries = new Map<string, string>();
	try {
		p += 2;
		for (;;) {
			p = skipSpace(text, p);
			if (p >= limit) return undefined;
			if (text[p] === '>' && text[p + 1] === '>') return { entries, end: p + 2 };
			if (text[p] !== '/') return undefined;
			const keyEnd = skipValue(text, p, limit, 0);
			const key = text.slice(p + 1, keyEnd);
			let valueStart = skipSpace(text, keyEnd);
			let valueEnd = skipValue(text, valueStart, limit, 0);
			// An indirect reference "12 0 R" is three tokens.
			const ref = /^\s+\d+\s+R(?![^\s/<>[\]()%{}])/.exec(text.slice(valueEnd, valueEnd + 24));
			if (/^\d+$/.test(text.slice(valueStart, valueEnd)) && ref) valueEnd += ref[0].length;
			entries.set(key, text.slice(valueStart, valueEnd).trim());
			valueStart = valueEnd;
			p = valueEnd;
		}
	} catch (error) {
		if (error instanceof Unbalanced) return undefined;
		throw error;
	}
}

function refNumber(value: string | undefined): number | undefined {
	const match = value === undefined ? null : /^(\d+)\s+\d+\s+R$/.exec(value);
	return match ? Number(match[1]) : undefined;
}

function nameValue(value: string | undefined): string | undefined {
	return value?.startsWith('/') ? value.slice(1) : undefined;
}

/**
 * Scans the "N G obj" definitions in file order; a later definition of a number replaces an earlier one (incremental
 * updates). `streams` lists the data of every stream, replaced definitions included, in file order.
 */
function scanObjects(text: string): { objects: Map<number, PdfObject>; streams: StreamRange[] } {
	const objects = new Map<number, PdfObject>();
	const streams: StreamRange[] = [];
	const header = /(\d+)\s+\d+\s+obj\b/g;
	let match: RegExpExecArray | null;
	while ((match = header.exec(text)) !== null) {
		const number = Number(match[1]);
		let p = skipSpace(text, match.index + match[0].length);
		const object: PdfObject = { offset: match.index };
		objects.set(number, object);
		if (!text.startsWith('<<', p)) {
			object.body = text.slice(p, p + 32).split('endobj')[0].trim();
			continue;
		}
		const dict = readDict(text, p);
		if (!dict) continue;
		object.dict = dict.entries;
		p = skipSpace(text, dict.end);
		header.lastIndex = dict.end;
		if (!text.startsWith('stream', p)) continue;
		let start = p + 6;
		if (text[start] === '\r') start++;
		if (text[start] === '\n') start++;
		const length = Number(dict.entries.get('Length'));
		let end = -1;
		if (Number.isInteger(length) && length >= 0 && /^\s*endstream/.test(text.slice(start + length, start + length + 32))) {
			end = start + length;
		} else {
			end = text.indexOf('endstream', start);
			if (end < 0) end = text.length;
			else if (text[end - 1] === '\n') end -= text[end - 2] === '\r' ? 2 : 1;
			else if (text[end - 1] === '\r') end--;
		}
		object.stream = { start, end };
		streams.push(object.stream);
		header.lastIndex = end;
	}
	return { objects, streams };
}

/** Index just after each %%EOF that is not inside stream data (an attached file may hold one), in file order. */
function endMarkers(text: string, streams: StreamRange[]): number[] {
	const found: number[] = [];
	let s = 0;
	for (let at = text.indexOf(END_MARKER); at >= 0; at = text.indexOf(END_MARKER, at + END_MARKER.length)) {
		while (s < streams.length && streams[s].end <= at) s++;
		if (s < streams.length && streams[s].start <= at) continue;
		found.push(at + END_MARKER.length);
	}
	return found;
}

/** The index after white space and comments from `p`; a `%PDF-` header is not a comment there but the start of another file. */
function skipToSyntax(text: string, p: number): number {
	for (;;) {
		while (p < text.length && isWhite(text.charCodeAt(p))) p++;
		if (text[p] !== '%' || text.startsWith('%PDF-', p)) return p;
		while (p < text.length && text[p] !== '\n' && text[p] !== '\r') p++;
	}
}

/**
 * Where the PDF ends, following its revisions from the first %%EOF: after a %%EOF comes either nothing but white space
 * and comments (the end, kept whole: scanners pad files), or PDF syntax (an incremental update or the rest of a
 * linearized file, which ends at a later %%EOF), or anything else, which was appended: the PDF ends after that %%EOF
 * and its end of line. So several revisions stay, and a ZIP behind the PDF is cut even when it holds a zipped PDF
 * with a %%EOF of its own (taking the last %%EOF in the file would keep it). `undefined` when there is no %%EOF or the
 * last update was cut off before its own: a truncated file.
 */
function endOfPdf(text: string, markers: number[]): number | undefined {
	let k = 0;
	if (markers.length === 0) return undefined;
	let end = markers[k++];
	for (;;) {
		const next = skipToSyntax(text, end);
		if (next >= text.length) return text.length;
		if (!REVISION_START.test(text.slice(next, next + 32))) {
			if (text[end] === '\r') end++;
			if (text[end] === '\n') end++;
			return end;
		}
		while (k < markers.length && markers[k] <= next) k++;
		if (k === markers.length) return undefined;
		end = markers[k++];
	}
}

function filtersOf(dict: Map<string, string>): string[] {
	const filter = dict.get('Filter');
	if (!filter) return [];
	return (filter.match(/\/[^\s/<>[\]()%{}]+/g) ?? []).map((name) => name.slice(1));
}

/**
 * Adds the objects stored inside object streams (/Type /ObjStm), notes the streams that could not be read, and says
 * how many those were and whether a read one writes out a page tree or page object.
 */
function expandObjectStreams(bytes: Uint8Array, objects: Map<number, PdfObject>, notes: string[]): { unreadable: number; mentionsPages: boolean } {
	let budget = MAX_INFLATED_TOTAL;
	let mentionsPages = false;
	const failures: string[] = [];
	for (const [number, object] of [...objects]) {
		if (!object.dict || !object.stream || nameValue(object.dict.get('Type')) !== 'ObjStm') continue;
		const filters = filtersOf(object.dict);
		let data: Buffer;
		try {
			const raw = Buffer.from(bytes.buffer, bytes.byteOffset + object.stream.start, object.stream.end - object.stream.start);
			if (filters.length === 0) data = raw;
			else if (filters.length === 1 && filters[0] === 'FlateDecode' && !object.dict.has('DecodeParms')) {
				data = inflateSync(raw, { maxOutputLength: Math.min(MAX_OBJECT_STREAM_BYTES, budget) });
			} else {
				failures.push(`object stream ${number}: filter ${filters.join('+') || 'none'}${object.dict.has('DecodeParms') ? ' with parameters' : ''}`);
				continue;
			}
		} catch (error) {
			failures.push(`object stream ${number}: ${(error as Error).message}`);
			continue;
		}
		budget -= data.length;
		const text = data.toString('latin1');
		mentionsPages ||= PAGE_TYPE.test(text);
		const count = Number(object.dict.get('N'));
		const first = Number(object.dict.get('First'));
		if (!Number.isInteger(count) || !Number.isInteger(first) || first > text.length) {
			failures.push(`object stream ${number}: bad /N or /First`);
			continue;
		}
		const pairs = text.slice(0, first).trim().split(/\s+/).map(Number);
		for (let i = 0; i < count && 2 * i + 1 < pairs.length; i++) {
			const inner = pairs[2 * i];
			const start = skipSpace(text, first + pairs[2 * i + 1]);
			const existing = objects.get(inner);
			if (existing && existing.offset > object.offset) continue; // redefined later in the file
			const entry: PdfObject = { offset: object.offset };
			if (text.startsWith('<<', start)) entry.dict = readDict(text, start)?.entries;
			else entry.body = text.slice(start, start + 32).trim();
			objects.set(inner, entry);
		}
		if (budget <= 0) {
			failures.push('inflate budget used up');
			break;
		}
	}
	if (failures.length > 0) notes.push(`could not read ${failures.length} object stream(s): ${failures.slice(0, 3).join('; ')}`);
	return { unreadable: failures.length, mentionsPages };
}

/** Trailer dictionaries: classic `trailer << … >>` and cross-reference streams (/Type /XRef), in file order. */
function trailers(text: string, objects: Map<number, PdfObject>): { offset: number; dict: Map<string, string> }[] {
	const found: { offset: number; dict: Map<string, string> }[] = [];
	const keyword = /trailer\s*<</g;
	let match: RegExpExecArray | null;
	while ((match = keyword.exec(text)) !== null) {
		const dict = readDict(text, match.index + match[0].length - 2);
		if (dict) found.push({ offset: match.index, dict: dict.entries });
	}
	for (const object of objects.values()) {
		if (object.dict && nameValue(object.dict.get('Type')) === 'XRef') found.push({ offset: object.offset, dict: object.dict });
	}
	return found.sort((a, b) => a.offset - b.offset);
}

function isEncryptionDictionary(dict: Map<string, string>): boolean {
	return dict.has('Filter') && dict.has('V') && ((dict.has('O') && dict.has('U')) || dict.has('Recipients'));
}

function integerOf(value: string | undefined, objects: Map<number, PdfObject>): number | undefined {
	const ref = refNumber(value);
	const text = ref === undefined ? value : objects.get(ref)?.body;
	return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

export function inspectPdf(bytes: Uint8Array): PdfInfo | Problem {
	const sent = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
	if (!sent.startsWith('%PDF-')) return problem('corrupt', 'PDF: data before the %PDF- header');
	const version = /^%PDF-(\d+\.\d+)/.exec(sent)?.[1] ?? 'unknown';
	let scanned = scanObjects(sent);
	const markers = endMarkers(sent, scanned.streams);
	const end = endOfPdf(sent, markers);
	if (end === undefined) {
		return problem('truncated', markers.length === 0 ? 'PDF: no %%EOF end marker' : 'PDF: the data ends inside an incremental update, before its %%EOF');
	}
	// Only the PDF itself is read from here on: objects in appended data must not count.
	const text = end < sent.length ? sent.slice(0, end) : sent;
	if (end < sent.length) scanned = scanObjects(text);
	const { objects } = scanned;
	const notes: string[] = [];
	const trailerDicts = trailers(text, objects);
	if (trailerDicts.some((trailer) => trailer.dict.has('Encrypt'))) {
		return problem('encrypted_pdf', 'PDF: the trailer has an /Encrypt entry');
	}
	if ([...objects.values()].some((object) => object.dict && isEncryptionDictionary(object.dict))) {
		return problem('encrypted_pdf', 'PDF: contains an encryption dictionary');
	}
	if (trailerDicts.length === 0) notes.push('no trailer or cross-reference stream found; readers must rebuild the cross-reference table');
	if (!/startxref\s+\d+/.test(text.slice(-MARKER_WINDOW))) notes.push('no startxref near the end');

	const objectStreams = expandObjectStreams(bytes, objects, notes);

	const pageObjects = [...objects.values()].filter((object) => object.dict && nameValue(object.dict.get('Type')) === 'Page').length;
	const root = [...trailerDicts].reverse().map((trailer) => refNumber(trailer.dict.get('Root'))).find((ref) => ref !== undefined);
	const catalog = root === undefined ? undefined : objects.get(root)?.dict;
	const pagesRef = refNumber(catalog?.get('Pages'));
	const pages = pagesRef === undefined ? undefined : objects.get(pagesRef)?.dict;
	const treeCount = pages ? integerOf(pages.get('Count'), objects) : undefined;

	let pageCount: number | null = null;
	let pageCountSource: PageCountSource = 'unknown';
	if (treeCount !== undefined) {
		pageCount = treeCount;
		pageCountSource = 'page_tree';
		if (pageObjects > 0 && pageObjects !== treeCount) notes.push(`page tree says ${treeCount} pages, ${pageObjects} page objects found`);
	} else if (pageObjects > 0) {
		pageCount = pageObjects;
		pageCountSource = 'page_objects';
		notes.push('page tree not readable: counted /Type /Page objects instead');
	} else if (objectStreams.unreadable > 0 || objectStreams.mentionsPages || PAGE_TYPE.test(text)) {
		// Pages may sit in a stream we could not inflate, or be written in a way our reader does not follow.
		notes.push('page count unknown: no readable page tree or page objects (compressed or damaged structure)');
	} else {
		return problem('corrupt', 'PDF: no page tree and no page objects');
	}
	if (pageCount === 0) return problem('corrupt', 'PDF: the document has no pages');
	const info: PdfInfo = { ok: true, version, pageCount, pageCountSource, notes };
	if (end < sent.length) info.end = end;
	return info;
}
