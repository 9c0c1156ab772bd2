/**
 * The credential's settings, checked. Where Mindee calls go: The SDK always builds `https://<host>/…` (host from the MINDEE_V2_API_HOST env var or
 * api-v2.mindee.net) and refuses result URLs that are not https, so the base URL is applied underneath it: a
 * dispatcher rewrites the origin (and adds a path prefix) of every request (see client.ts). This is what lets a
 * plain-http local stand-in work, and keeps the env var from mattering.
 */
import { ReasonedError } from '../common/failure';

export const DEFAULT_BASE_URL = 'https://api-v2.mindee.net';

export interface MindeeTarget {
	/** `https://api-v2.mindee.net`, `http://127.0.0.1:8080`… */
	origin: string;
	/** '' or a prefix such as `/mindee` (no trailing slash) put before every API path. */
	pathPrefix: string;
}

export function parseBaseUrl(baseUrl: string | undefined | null): MindeeTarget {
	const raw = (baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new ReasonedError('invalid_base_url', `The Mindee base URL "${raw}" is not a URL`, { baseUrl: raw }, `Use ${DEFAULT_BASE_URL}, or the URL of a stand-in such as http://127.0.0.1:8080`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new ReasonedError('invalid_base_url', `The Mindee base URL must start with https:// or http://, not ${url.protocol}`, { baseUrl: raw }, `Use ${DEFAULT_BASE_URL}`);
	}
	if (url.search || url.hash || url.username || url.password) {
		throw new ReasonedError('invalid_base_url', 'The Mindee base URL must not carry a query, fragment or user name', { baseUrl: raw }, `Use ${DEFAULT_BASE_URL}`);
	}
	return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

/** The path to request for a job's result_url: its path (and query) only, since the origin is the configured one. */
export function resultPath(resultUrl: string): string {
	const url = new URL(resultUrl, DEFAULT_BASE_URL);
	return `${url.pathname}${url.search}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Mindee V2 model ids are UUIDs (the API fails the job with 422 otherwise: v2/job/fail_422.json). */
export function checkModelId(modelId: string): string {
	const trimmed = modelId.trim();
	if (trimmed === '') {
		throw new ReasonedError('missing_model_id', 'No Mindee model ID given', {}, 'Enter the model ID in the Mindee Extraction API credential or in the node (Mindee app > your model > API, a UUID)');
	}
	if (!UUID.test(trimmed)) {
		throw new ReasonedError('invalid_model_id', `The Mindee model ID "${trimmed}" is not a UUID`, { modelId: trimmed }, 'Copy the model ID from the Mindee app (your model > API); it looks like 12345678-1234-1234-1234-123456789abc');
	}
	return trimmed;
}

export interface MindeeSettings {
	apiKey: string;
	/** The credential's model ID ('' when none; a node may give one). */
	modelId: string;
	baseUrl: string;
}

/** The Mindee Extraction API credential's fields, checked (an empty key would make the SDK read MINDEE_V2_API_KEY). */
export function mindeeSettings(credentials: Record<string, unknown>): MindeeSettings {
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
	if (apiKey === '') {
		throw new ReasonedError('missing_api_key', 'The Mindee Extraction API credential has no API key', {}, 'Enter a V2 API key from app.mindee.com in the credential');
	}
	const baseUrl = typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() ? credentials.baseUrl.trim() : DEFAULT_BASE_URL;
	parseBaseUrl(baseUrl);
	return { apiKey, modelId: typeof credentials.modelId === 'string' ? credentials.modelId.trim() : '', baseUrl };
}
