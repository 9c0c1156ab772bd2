/**
 * Query strings the way Qonto's Rails API reads them: arrays as repeated `key[]=value`, nothing for empty values.
 * Built here rather than by the HTTP client so that the URL on the wire does not depend on axios/qs settings.
 */
export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number>;
export type QueryParams = Record<string, QueryValue>;

function encode(text: string): string {
	// Brackets stay readable (`status[]`, `filter[status][]`), as axios and browsers send them.
	return encodeURIComponent(text).replace(/%5B/gi, '[').replace(/%5D/gi, ']');
}

export function buildQueryString(params: QueryParams): string {
	const pairs: string[] = [];
	for (const [key, value] of Object.entries(params)) {
		if (value === undefined || value === null || value === '') continue;
		if (Array.isArray(value)) {
			const name = key.endsWith('[]') ? key : `${key}[]`;
			for (const entry of value) {
				if (entry === '' || entry === undefined || entry === null) continue;
				pairs.push(`${encode(name)}=${encodeURIComponent(String(entry))}`);
			}
			continue;
		}
		pairs.push(`${encode(key)}=${encodeURIComponent(String(value))}`);
	}
	return pairs.join('&');
}

/** `path` with the query appended (or merged into an existing query). */
export function withQuery(path: string, params: QueryParams = {}): string {
	const query = buildQueryString(params);
	if (!query) return path;
	return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** Encodes one path segment (a transaction id, an attachment id). */
export function pathSegment(value: string): string {
	return encodeURIComponent(value.trim());
}
