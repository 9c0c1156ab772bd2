/**
 * A multipart/form-data body (RFC 7578) built in memory, so the nodes send a plain Buffer with its content type and
 * need no `form-data` dependency. Field names are written exactly as given (`file`, `supplier_invoices[][file]`).
 */
import { randomBytes } from 'node:crypto';

export interface TextPart {
	name: string;
	value: string;
}

export interface FilePart {
	name: string;
	data: Buffer;
	fileName: string;
	contentType: string;
}

export type MultipartPart = TextPart | FilePart;

export interface MultipartBody {
	body: Buffer;
	/** `multipart/form-data; boundary=…`, for the Content-Type header. */
	contentType: string;
	boundary: string;
}

const CRLF = '\r\n';

/** A boundary that cannot be mistaken for content: 32 random hex digits behind a fixed prefix. */
export function newBoundary(): string {
	return `----n8nQontoBoundary${randomBytes(16).toString('hex')}`;
}

/**
 * Quotes a name or file name for Content-Disposition the way browsers do (WHATWG/RFC 7578): `"` → %22, CR → %0D,
 * LF → %0A; other characters, UTF-8 included, are kept.
 */
export function quoteDispositionValue(value: string): string {
	return `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

function isFilePart(part: MultipartPart): part is FilePart {
	return (part as FilePart).data !== undefined;
}

export function buildMultipartBody(parts: readonly MultipartPart[], boundary: string = newBoundary()): MultipartBody {
	if (!/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/.test(boundary)) throw new Error(`Invalid multipart boundary: ${boundary}`);
	const chunks: Buffer[] = [];
	for (const part of parts) {
		let head = `--${boundary}${CRLF}Content-Disposition: form-data; name=${quoteDispositionValue(part.name)}`;
		if (isFilePart(part)) {
			head += `; filename=${quoteDispositionValue(part.fileName)}${CRLF}Content-Type: ${part.contentType.replace(/[\r\n]/g, '')}`;
		}
		head += `${CRLF}${CRLF}`;
		chunks.push(Buffer.from(head, 'utf8'));
		chunks.push(isFilePart(part) ? part.data : Buffer.from(part.value, 'utf8'));
		chunks.push(Buffer.from(CRLF, 'utf8'));
	}
	chunks.push(Buffer.from(`--${boundary}--${CRLF}`, 'utf8'));
	const body = Buffer.concat(chunks);
	if (parts.some((part) => (isFilePart(part) ? part.data : Buffer.from(part.value)).includes(`--${boundary}`))) {
		// Astronomically unlikely with a random boundary; a caller-given boundary could collide.
		throw new Error('The multipart boundary occurs inside a part; use another boundary');
	}
	return { body, contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}

/**
 * The bytes buildMultipartBody writes around the file contents (boundary lines, part headers with the file name
 * and type, the other fields): the body of these parts with every file emptied. Exact for any boundary as long as
 * newBoundary()'s, since a file contributes only its own length.
 */
export function multipartEnvelopeBytes(parts: readonly MultipartPart[], boundary: string = newBoundary()): number {
	const emptied = parts.map((part): MultipartPart => (isFilePart(part) ? { ...part, data: Buffer.alloc(0) } : part));
	return buildMultipartBody(emptied, boundary).body.length;
}
