import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The real sample payloads copied into the repo (each folder has a SOURCES.md). */
export const API_FIXTURES_DIR = resolve(__dirname, '../fixtures/api');
export const SAMPLE_RECEIPTS_DIR = resolve(__dirname, '../fixtures/samples/receipts');

const cache = new Map<string, unknown>();

/**
 * A fresh copy of a fixture under test/fixtures/api, without the provenance keys ("_source", "_note"…) that the
 * real services never send.
 */
export function loadFixture<T = any>(relativePath: string): T {
	if (!cache.has(relativePath)) {
		const parsed: unknown = JSON.parse(readFileSync(resolve(API_FIXTURES_DIR, relativePath), 'utf8'));
		cache.set(relativePath, stripProvenance(parsed));
	}
	return structuredClone(cache.get(relativePath)) as T;
}

function stripProvenance(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(stripProvenance);
	if (value === null || typeof value !== 'object') return value;
	const kept = Object.entries(value).filter(([key]) => !key.startsWith('_'));
	return Object.fromEntries(kept.map(([key, item]) => [key, stripProvenance(item)]));
}
