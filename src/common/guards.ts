/** Values read from Data Table rows and n8n items: a string, a number as text, or '' for anything else. */
export function textOf(value: unknown): string {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
