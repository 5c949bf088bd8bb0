import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Redaction is by key, wherever the key appears, so a Secret's data or a
 * credential passed in a log object never reaches the output.
 */
export function createLogger(opts: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: opts.name ?? 'governor',
      level: opts.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password', '*.password', 'token', '*.token', 'bearerToken', '*.bearerToken',
          'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
          'sshPrivateKey', '*.sshPrivateKey', 'identity', '*.identity',
          'data', '*.data', 'stringData', '*.stringData',
        ],
        censor: '[redacted]',
      },
    },
    opts.destination,
  );
}
