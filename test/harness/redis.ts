// A throwaway Redis for n8n's queue mode: scripts/redis.mjs does the work (install when missing, start on a free
// loopback port, no persistence), this is its typed front.
import { runServiceScript } from './util';

export interface RedisServer {
	host: string;
	port: number;
	/** The server's folder (pid file, log), in the OS temp dir. */
	dir: string;
	logFile: string;
	version: string;
	/** The environment n8n reads its Redis connection from (Bull's queue). */
	n8nEnv: Record<string, string>;
	/** Shutdown, then removes the folder unless `keep`. */
	stop(opts?: { keep?: boolean }): Promise<void>;
}

/**
 * Starts a Redis server. If this process dies without stop(), a watchdog stops and removes it. Allows 15 minutes: the
 * first call on a fresh machine installs redis-server with apt-get.
 */
export async function startRedis(opts: { logFile?: string } = {}): Promise<RedisServer> {
	const script = (args: string[], timeoutMs: number) => runServiceScript('redis.mjs', args, { timeoutMs, logFile: opts.logFile });
	const server = (await script(['start', '--watch', String(process.pid)], 15 * 60_000)) as unknown as Omit<RedisServer, 'stop' | 'n8nEnv'>;
	let stopped: Promise<void> | undefined;
	return {
		...server,
		n8nEnv: { QUEUE_BULL_REDIS_HOST: server.host, QUEUE_BULL_REDIS_PORT: String(server.port) },
		stop: ({ keep = false } = {}) => (stopped ??= script(['stop', '--dir', server.dir, ...(keep ? ['--keep'] : [])], 60_000).then(() => undefined)),
	};
}
