/** A JSON object or any other non-null, non-array object (an error, a parsed body, an n8n item's `json`). */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Values read from Data Table rows and n8n items: a string, a number as text, or '' for anything else. */
export function textOf(value: unknown): string {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** A string with its outer white space removed, or null for an empty string and anything that is not a string. */
export function trimmedText(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** A Data Table column that holds JSON: the value it stands for (an object given as it is stays as it is); undefined when the text is not JSON. */
export function fromJsonColumn(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return undefined;
	}
}
