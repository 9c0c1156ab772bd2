// A throwaway PostgreSQL for n8n's DB_TYPE=postgresdb: scripts/postgres.mjs does the work (install when missing, initdb
// as the postgres OS user when root, start on a free loopback port, role + database), this is its typed front.
import { runServiceScript } from './util';

export interface PostgresServer {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	/** The cluster's folder (data/, postgres.log, the socket), in the OS temp dir. */
	dir: string;
	logFile: string;
	/** The server's major version, e.g. "15". */
	version: string;
	/** How long each step took, in ms (apt-get steps only when it installed the server). */
	timings: Record<string, number>;
	/** The environment n8n reads its Postgres connection from. */
	n8nEnv: Record<string, string>;
	/** Fast shutdown, then removes the folder unless `keep` (a stopped cluster that `postgres.mjs start --dir` restarts). */
	stop(opts?: { keep?: boolean }): Promise<{ timings: Record<string, number> }>;
}

/**
 * Starts a new cluster. If this process dies without stop(), a watchdog stops and removes it. `logFile` gets the
 * script's output (the timings). Allows 15 minutes: the first call on a fresh machine installs the server with apt-get.
 */
export async function startPostgres(opts: { logFile?: string } = {}): Promise<PostgresServer> {
	const script = (args: string[], timeoutMs: number) => runServiceScript('postgres.mjs', args, { timeoutMs, logFile: opts.logFile });
	const server = (await script(['start', '--watch', String(process.pid)], 15 * 60_000)) as unknown as Omit<PostgresServer, 'stop' | 'n8nEnv'>;
	let stopped: Promise<{ timings: Record<string, number> }> | undefined;
	return {
		...server,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: server.host,
			DB_POSTGRESDB_PORT: String(server.port),
			DB_POSTGRESDB_DATABASE: server.database,
			DB_POSTGRESDB_USER: server.user,
			DB_POSTGRESDB_PASSWORD: server.password,
		},
		stop: ({ keep = false } = {}) => (stopped ??= script(['stop', '--dir', server.dir, ...(keep ? ['--keep'] : [])], 120_000) as Promise<{ timings: Record<string, number> }>),
	};
}
