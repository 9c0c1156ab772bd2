/**
 * Contract fakes: local HTTP stand-ins for the WhatsApp Cloud API, Mindee and Qonto (see api-contracts.md).
 * Used by node tests, end-to-end tests (a separate n8n process calls them over 127.0.0.1) and the demo.
 */
import type { Clock } from './clock';
import { MINDEE_DEMO_MODEL_ID, MindeeFake, type MindeeFakeOptions } from './mindee';
import { QontoFake, type QontoFakeOptions } from './qonto';
import { WhatsAppFake, type WhatsAppFakeOptions } from './whatsapp';

export * from './clock';
export * from './fixtures';
export * from './mindee';
export * from './mindeeDispatcher';
export * from './mindeeInference';
export * from './multipart';
export * from './qonto';
export * from './qontoData';
export * from './qontoWebhooks';
export type { AccessGrant, OAuthClient } from './qontoOAuth';
export * from './server';
export * from './shape';
export * from './sniff';
export * from './whatsapp';
export * from './whatsappWebhook';
export { GRAPH_ERRORS, type GraphErrorSpec } from './whatsappRules';

export interface AllFakesOptions {
	/** Fixed ports; 0 or absent = a free port. */
	ports?: { whatsapp?: number; mindee?: number; qonto?: number };
	/** Shared time source (e.g. a ManualClock), unless a fake's own options set one. */
	clock?: Clock;
	whatsapp?: WhatsAppFakeOptions;
	mindee?: MindeeFakeOptions;
	qonto?: QontoFakeOptions;
	/** Answer the sample receipts (test/fixtures/samples/receipts) with their ground truth. Default true. */
	registerSampleReceipts?: boolean;
}

export interface AllFakes {
	whatsapp: WhatsAppFake;
	mindee: MindeeFake;
	qonto: QontoFake;
	urls: { whatsapp: string; mindee: string; qonto: string };
	/** What a credential needs to talk to the fakes. */
	credentials: ReturnType<typeof credentialsOf>;
	stop(): Promise<void>;
}

/** Starts the three fakes (the demo, the CLI and end-to-end tests share this). */
export async function startAllFakes(options: AllFakesOptions = {}): Promise<AllFakes> {
	const clock = options.clock;
	const whatsapp = new WhatsAppFake({ clock, ...options.whatsapp, port: options.ports?.whatsapp ?? options.whatsapp?.port });
	const mindee = new MindeeFake({ clock, ...options.mindee, port: options.ports?.mindee ?? options.mindee?.port });
	const qonto = new QontoFake({ clock, ...options.qonto, port: options.ports?.qonto ?? options.qonto?.port });
	const started: Array<{ stop(): Promise<void> }> = [];
	try {
		for (const fake of [whatsapp, mindee, qonto]) started.push(await fake.start());
	} catch (error) {
		await Promise.all(started.map((fake) => fake.stop()));
		throw error;
	}
	if (options.registerSampleReceipts ?? true) mindee.registerSampleReceipts();
	return {
		whatsapp,
		mindee,
		qonto,
		urls: { whatsapp: whatsapp.url, mindee: mindee.url, qonto: qonto.url },
		credentials: credentialsOf(whatsapp, mindee, qonto),
		stop: async () => void (await Promise.all([whatsapp.stop(), mindee.stop(), qonto.stop()])),
	};
}

function credentialsOf(whatsapp: WhatsAppFake, mindee: MindeeFake, qonto: QontoFake) {
	const [oauthClient] = qonto.oauth.clients;
	return {
		whatsapp: { graphBaseUrl: whatsapp.url, accessToken: whatsapp.accessToken, phoneNumberId: whatsapp.phoneNumberId },
		mindee: { baseUrl: mindee.url, apiKey: mindee.apiKey, v1ApiKey: mindee.v1ApiKey, modelId: MINDEE_DEMO_MODEL_ID },
		qonto: {
			baseUrl: qonto.url,
			login: qonto.login,
			secretKey: qonto.secretKey,
			bankAccountId: qonto.mainBankAccount.id as string,
			oauth: { authUrl: `${qonto.url}/oauth2/auth`, tokenUrl: `${qonto.url}/oauth2/token`, clientId: oauthClient.clientId, clientSecret: oauthClient.clientSecret },
		},
	};
}
