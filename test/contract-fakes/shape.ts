/**
 * Structural comparison helpers for contract tests: "the fake answers the documented shape" means the same keys
 * with the same JSON types as the fixture, whatever the values.
 */
export type Shape = string | Shape[] | { [key: string]: Shape };

/** Keys and JSON types, recursively; an array is described by its first element. */
export function shapeOf(value: unknown): Shape {
	if (value === null) return 'null';
	if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
	if (typeof value === 'object') {
		const entries = Object.keys(value as object)
			.sort()
			.map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]);
		return Object.fromEntries(entries) as Shape;
	}
	return typeof value;
}

/** Dotted paths of every key, recursively (arrays through their first element as `[]`), sorted. */
export function keyPaths(value: unknown, prefix = ''): string[] {
	if (Array.isArray(value)) return value.length === 0 ? [] : keyPaths(value[0], `${prefix}[]`);
	if (value === null || typeof value !== 'object') return [];
	return Object.keys(value)
		.flatMap((key) => {
			const path = prefix ? `${prefix}.${key}` : key;
			return [path, ...keyPaths((value as Record<string, unknown>)[key], path)];
		})
		.sort();
}

/** A response body as JSON, typed loosely for assertions (Node's fetch types say `unknown`). */
export function readJson(response: Response): Promise<any> {
	return response.json() as Promise<any>;
}
