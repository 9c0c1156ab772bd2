/**
 * Qonto's OAuth 2.0 server (ORY Hydra behind oauth.qonto.com), as far as an n8n OAuth2 credential needs it
 * (api-contracts §1.1, trap 18): /oauth2/auth consents at once and redirects with a code; /oauth2/token serves
 * authorization_code and refresh_token grants; access tokens live 1 h, refresh tokens 90 days and rotate on use
 * with a 60 s grace for the old one.
 */
import { randomBytes } from 'node:crypto';

import type { Clock } from './clock';
import { loadFixture } from './fixtures';
import type { Json } from './qontoData';
import { firstValue, type QueryValue, type RecordedRequest } from './server';
import type { FakeResponse } from './server';

export interface OAuthClient {
	clientId: string;
	clientSecret: string;
	/** Allowed redirect URIs; empty or absent = any. */
	redirectUris?: string[];
}

export interface AccessGrant {
	accessToken: string;
	scopes: string[];
	clientId: string;
	/** The membership (user) who consented; GET /v2/membership answers it. */
	membership: Json;
	expiresAt: number;
}

interface RefreshGrant {
	scopes: string[];
	clientId: string;
	membership: Json;
	expiresAt: number;
	/** When it was first exchanged; it stays usable for the grace period after that. */
	usedAt?: number;
}

interface AuthorizationCode {
	clientId: string;
	redirectUri: string;
	scopes: string[];
	membership: Json;
	expiresAt: number;
	used: boolean;
}

export interface OAuthTimings {
	accessTtlMs: number;
	refreshTtlMs: number;
	codeTtlMs: number;
	rotationGraceMs: number;
}

export const QONTO_OAUTH_TIMINGS: OAuthTimings = { accessTtlMs: 3600_000, refreshTtlMs: 90 * 86_400_000, codeTtlMs: 600_000, rotationGraceMs: 60_000 };

export class QontoOAuth {
	private accessGrants = new Map<string, AccessGrant>();
	private refreshGrants = new Map<string, RefreshGrant>();
	private codes = new Map<string, AuthorizationCode>();

	constructor(
		private readonly clock: Clock,
		readonly clients: OAuthClient[],
		private readonly currentMembership: () => Json,
		private readonly timings: OAuthTimings = QONTO_OAUTH_TIMINGS,
	) {}

	/** GET /oauth2/auth: the user "consents" at once; redirect back with a code (or an OAuth error). */
	authorize(query: Record<string, QueryValue>): FakeResponse {
		const clientId = firstValue(query.client_id) ?? '';
		const redirectUri = firstValue(query.redirect_uri) ?? '';
		const client = this.clients.find((candidate) => candidate.clientId === clientId);
		if (!client) return oauthError(400, 'invalid_client', 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).');
		if (!isAllowedRedirect(client, redirectUri)) return oauthError(400, 'invalid_request', "The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's pre-registered redirect urls.");
		const state = firstValue(query.state) ?? '';
		if (firstValue(query.response_type) !== 'code') return redirect(redirectUri, { error: 'unsupported_response_type', state });
		// Hydra refuses short states as too weak.
		if (state.length < 8) return redirect(redirectUri, { error: 'invalid_state', error_description: 'The state is missing or does not have enough characters and is therefore considered too weak.', state });
		const code = `ory_ac_${token()}`;
		const scopes = splitScopes(firstValue(query.scope));
		this.codes.set(code, { clientId, redirectUri, scopes, membership: this.currentMembership(), expiresAt: this.clock.now() + this.timings.codeTtlMs, used: false });
		return redirect(redirectUri, { code, scope: scopes.join(' '), state });
	}

	/** POST /oauth2/token (x-www-form-urlencoded). */
	token(request: RecordedRequest): FakeResponse {
		const form = request.form ?? {};
		const client = this.authenticateClient(request, form);
		if (!client) return oauthError(401, 'invalid_client', 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).');
		const grantType = firstValue(form.grant_type);
		if (grantType === 'authorization_code') return this.exchangeCode(client, form);
		if (grantType === 'refresh_token') return this.refresh(client, form);
		return oauthError(400, 'unsupported_grant_type', `The authorization grant type '${grantType ?? ''}' is not supported by the authorization server.`);
	}

	/** Tokens for a test that skips the browser dance. */
	issueTokens(options: { scopes: string[]; clientId?: string; membership?: Json }): Json {
		return this.grant(options.clientId ?? this.clients[0].clientId, options.scopes, options.membership ?? this.currentMembership());
	}

	/** The grant behind a bearer token; 'expired' once its hour is over. */
	lookup(accessToken: string): AccessGrant | 'expired' | undefined {
		const grant = this.accessGrants.get(accessToken);
		if (!grant) return undefined;
		return this.clock.now() >= grant.expiresAt ? 'expired' : grant;
	}

	expireAccessTokens(): void {
		for (const grant of this.accessGrants.values()) grant.expiresAt = -Infinity;
	}

	reset(): void {
		this.accessGrants = new Map();
		this.refreshGrants = new Map();
		this.codes = new Map();
	}

	private authenticateClient(request: RecordedRequest, form: Record<string, QueryValue>): OAuthClient | undefined {
		let clientId = firstValue(form.client_id);
		let clientSecret = firstValue(form.client_secret);
		const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
		if (basic) {
			// client_secret_basic: form-urlencoded id and secret, joined by ':' and base64-encoded.
			const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
			clientId = decodeURIComponent(id ?? '');
			clientSecret = decodeURIComponent(secret ?? '');
		}
		return this.clients.find((client) => client.clientId === clientId && client.clientSecret === clientSecret);
	}

	private exchangeCode(client: OAuthClient, form: Record<string, QueryValue>): FakeResponse {
		const code = this.codes.get(firstValue(form.code) ?? '');
		if (!code || code.used || code.clientId !== client.clientId || this.clock.now() >= code.expiresAt) {
			return oauthError(400, 'invalid_grant', 'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.');
		}
		if (firstValue(form.redirect_uri) !== code.redirectUri) return oauthError(400, 'invalid_grant', "The 'redirect_uri' from this request does not match the one from the authorize request.");
		code.used = true;
		return { status: 200, headers: noStore(), json: this.grant(client.clientId, code.scopes, code.membership) };
	}

	private refresh(client: OAuthClient, form: Record<string, QueryValue>): FakeResponse {
		const presented = firstValue(form.refresh_token) ?? '';
		const grant = this.refreshGrants.get(presented);
		const now = this.clock.now();
		const rotatedAway = grant?.usedAt !== undefined && now - grant.usedAt > this.timings.rotationGraceMs;
		if (!grant || grant.clientId !== client.clientId || now >= grant.expiresAt || rotatedAway) {
			return oauthError(400, 'invalid_grant', 'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.');
		}
		grant.usedAt ??= now;
		return { status: 200, headers: noStore(), json: this.grant(client.clientId, grant.scopes, grant.membership) };
	}

	/** Shaped like oauth_token.response.json; refresh_token only with offline_access, id_token only with openid. */
	private grant(clientId: string, scopes: string[], membership: Json): Json {
		const now = this.clock.now();
		const accessToken = `ory_at_${token()}`;
		this.accessGrants.set(accessToken, { accessToken, scopes, clientId, membership, expiresAt: now + this.timings.accessTtlMs });
		const response = loadFixture<Json>('qonto/docs_examples/oauth_token.response.json');
		response.access_token = accessToken;
		response.expires_in = Math.round(this.timings.accessTtlMs / 1000);
		response.scope = scopes.join(' ');
		if (scopes.includes('openid')) response.id_token = fakeIdToken(clientId, membership, now);
		else delete response.id_token;
		if (scopes.includes('offline_access')) {
			response.refresh_token = `ory_rt_${token()}`;
			this.refreshGrants.set(response.refresh_token, { scopes, clientId, membership, expiresAt: now + this.timings.refreshTtlMs });
		} else {
			delete response.refresh_token;
		}
		return response;
	}
}

function splitScopes(scope: string | undefined): string[] {
	return (scope ?? '').split(/[\s+]+/).filter(Boolean);
}

function isAllowedRedirect(client: OAuthClient, redirectUri: string): boolean {
	if (!/^https?:\/\//.test(redirectUri)) return false;
	return !client.redirectUris?.length || client.redirectUris.includes(redirectUri);
}

function redirect(redirectUri: string, params: Record<string, string>): FakeResponse {
	const location = new URL(redirectUri);
	for (const [key, value] of Object.entries(params)) if (value !== '') location.searchParams.set(key, value);
	return { status: 302, headers: { location: location.toString() }, body: '' };
}

function oauthError(status: number, error: string, description: string): FakeResponse {
	return { status, headers: noStore(), json: { error, error_description: description } };
}

function noStore(): Record<string, string> {
	return { 'cache-control': 'no-store', pragma: 'no-cache' };
}

function token(): string {
	return randomBytes(32).toString('base64url');
}

function fakeIdToken(clientId: string, membership: Json, now: number): string {
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const claims = { iss: 'https://oauth.qonto.com', sub: membership.id, aud: [clientId], iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 3600 };
	return `${encode({ alg: 'RS256', typ: 'JWT', kid: 'fake' })}.${encode(claims)}.${token()}`;
}
