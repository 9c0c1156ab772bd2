/**
 * A small multipart/form-data parser (RFC 7578) for the fakes: enough to read what undici's FormData, n8n's
 * form-data and curl send, without adding a dependency.
 */
export interface MultipartPart {
	/** The form field name from Content-Disposition. */
	name: string;
	/** Present for file parts, even when empty. */
	fileName?: string;
	contentType?: string;
	/** The part's own headers, lower-case names. */
	headers: Record<string, string>;
	data: Buffer;
	/** `data` as UTF-8, handy for plain fields. */
	text: string;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary of a `multipart/form-data; boundary=…` content type, or null for other types. */
export function boundaryFrom(contentType: string | undefined): string | null {
	if (!contentType || !/^multipart\/form-data\b/i.test(contentType.trim())) return null;
	const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : null;
}

export class MultipartError extends Error {}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: MultipartPart[] = [];
	let position = body.indexOf(delimiter);
	if (position < 0) throw new MultipartError('multipart body without its boundary');
	for (;;) {
		position += delimiter.length;
		if (body.subarray(position, position + 2).toString('latin1') === '--') return parts;
		position = skipLineEnd(body, position);
		const headerEnd = body.indexOf(HEADER_END, position);
		if (headerEnd < 0) throw new MultipartError('multipart part without the blank line after its headers');
		const headers = parseHeaders(body.subarray(position, headerEnd).toString('utf8'));
		const dataStart = headerEnd + HEADER_END.length;
		const next = body.indexOf(Buffer.concat([CRLF, delimiter]), dataStart);
		if (next < 0) throw new MultipartError('multipart body is not closed by its final boundary');
		parts.push(toPart(headers, body.subarray(dataStart, next)));
		position = next + CRLF.length;
	}
}

function skipLineEnd(body: Buffer, position: number): number {
	// Transport padding (spaces/tabs) may follow a boundary before its CRLF.
	let cursor = position;
	while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor++;
	if (body[cursor] === 0x0d && body[cursor + 1] === 0x0a) return cursor + 2;
	throw new MultipartError('boundary not followed by a line end');
}

function parseHeaders(block: string): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const line of block.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return headers;
}

function toPart(headers: Record<string, string>, data: Buffer): MultipartPart {
	const disposition = parseDisposition(headers['content-disposition'] ?? '');
	if (disposition.name === undefined) throw new MultipartError('multipart part without a field name');
	const part: MultipartPart = { name: disposition.name, headers, data: Buffer.from(data), text: data.toString('utf8') };
	if (disposition.fileName !== undefined) part.fileName = disposition.fileName;
	if (headers['content-type']) part.contentType = headers['content-type'];
	return part;
}

function parseDisposition(value: string): { name?: string; fileName?: string } {
	const parameters = new Map<string, string>();
	const pattern = /;\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
	for (const match of value.matchAll(pattern)) {
		const raw = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
		parameters.set(match[1].toLowerCase(), raw);
	}
	const extended = parameters.get('filename*');
	const fileName = extended !== undefined ? decodeExtended(extended) : parameters.get('filename');
	return { name: parameters.get('name'), fileName: fileName === undefined ? undefined : decodePercentQuotes(fileName) };
}

/** RFC 5987 `UTF-8''na%C3%AFve.pdf`. */
function decodeExtended(value: string): string {
	const quote = value.indexOf("''");
	const encoded = quote >= 0 ? value.slice(quote + 2) : value;
	try {
		return decodeURIComponent(encoded);
	} catch {
		return encoded;
	}
}

/** WHATWG FormData escapes `"`, CR and LF in file names as %22, %0D, %0A. */
function decodePercentQuotes(value: string): string {
	return value.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}
