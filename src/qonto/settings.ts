import { QONTO_HOSTS, type QontoEnvironment } from './constants';

/** What a request needs from either Qonto credential (API key or OAuth2), besides the authentication itself. */
export interface QontoConnection {
	environment: QontoEnvironment;
	/** Without a trailing slash; paths start with `/v2/…`. */
	baseUrl: string;
	/** Sent as X-Qonto-Staging-Token on every call in the sandbox; null in production. */
	stagingToken: string | null;
}

export function environmentOf(value: unknown): QontoEnvironment {
	return value === 'sandbox' ? 'sandbox' : 'production';
}

function trimmed(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/** The API base URL: the credential's override when set (a proxy or a local stand-in), else the environment's. */
export function resolveApiBaseUrl(environment: QontoEnvironment, override?: unknown): string {
	const custom = trimmed(override);
	return (custom || QONTO_HOSTS[environment].api).replace(/\/+$/, '');
}

/** The OAuth authorisation and token URLs: under the override when set, else the environment's OAuth host. */
export function resolveOAuthUrls(environment: QontoEnvironment, override?: unknown): { authUrl: string; accessTokenUrl: string } {
	const root = (trimmed(override) || QONTO_HOSTS[environment].oauth).replace(/\/+$/, '');
	return { authUrl: `${root}/oauth2/auth`, accessTokenUrl: `${root}/oauth2/token` };
}

/** Reads the fields both Qonto credentials share: environment, base URL override and staging token. */
export function connectionFromCredentials(credentials: Record<string, unknown>): QontoConnection {
	const environment = environmentOf(credentials.environment);
	const token = trimmed(credentials.stagingToken);
	return {
		environment,
		baseUrl: resolveApiBaseUrl(environment, credentials.baseUrl),
		stagingToken: environment === 'sandbox' && token ? token : null,
	};
}

/**
 * The API-key Authorization header: literally `login:secret-key` — not Basic, not base64, no prefix
 * (docs.qonto.com, "While this may resemble HTTP Basic Authentication, it's not").
 */
export function apiKeyAuthorization(login: unknown, secretKey: unknown): string {
	return `${trimmed(login)}:${trimmed(secretKey)}`;
}

/** Headers every request carries besides authentication. */
export function connectionHeaders(connection: QontoConnection): Record<string, string> {
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (connection.stagingToken) headers['X-Qonto-Staging-Token'] = connection.stagingToken;
	return headers;
}
