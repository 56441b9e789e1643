import { readFileSync } from 'node:fs';

import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';

import { actorSealKey, type Config } from './config.js';
import { payloadCodecFrom } from './payload-codec.js';
import { traceClientInterceptor } from './temporal-trace.js';

export type TemporalConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA_FILE'
  | 'TEMPORAL_TLS_CERT_FILE'
  | 'TEMPORAL_TLS_KEY_FILE'
  | 'TEMPORAL_TLS_SERVER_NAME'
>;
export type TemporalDataConfig = Pick<
  Config,
  'TEMPORAL_PAYLOAD_KEY' | 'TEMPORAL_PAYLOAD_KEY_ID' | 'TEMPORAL_PAYLOAD_OLD_KEYS'
>;

/**
 * TLS to the Temporal frontend from configuration, the same for the client (API) and the worker:
 * the server is checked against TEMPORAL_TLS_CA_FILE (or the system's CAs), and with a client
 * certificate and key the connection is mutual TLS. Undefined when TLS is off.
 */
export function temporalTls(config: Partial<TemporalConnectionConfig>): TLSConfig | undefined {
  const wanted = config.TEMPORAL_TLS === true || Boolean(config.TEMPORAL_TLS_CERT_FILE || config.TEMPORAL_TLS_CA_FILE);
  if (!wanted) return undefined;
  if (Boolean(config.TEMPORAL_TLS_CERT_FILE) !== Boolean(config.TEMPORAL_TLS_KEY_FILE)) {
    throw new Error(
      'TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together (the client certificate and its key)',
    );
  }
  return {
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(config.TEMPORAL_TLS_CA_FILE ? { serverRootCACertificate: readFileSync(config.TEMPORAL_TLS_CA_FILE) } : {}),
    ...(config.TEMPORAL_TLS_CERT_FILE && config.TEMPORAL_TLS_KEY_FILE
      ? {
          clientCertPair: {
            crt: readFileSync(config.TEMPORAL_TLS_CERT_FILE),
            key: readFileSync(config.TEMPORAL_TLS_KEY_FILE),
          },
        }
      : {}),
  };
}

/** The data converter of the client and the worker: payloads encrypted when TEMPORAL_PAYLOAD_KEY is set. */
export function temporalDataConverter(config: Partial<TemporalDataConfig>): DataConverter | undefined {
  const codec = payloadCodecFrom({ TEMPORAL_PAYLOAD_KEY_ID: 'k1', ...config });
  return codec ? { payloadCodecs: [codec] } : undefined;
}

export async function connectTemporalClient(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'> &
    Partial<TemporalConnectionConfig & TemporalDataConfig & Pick<Config, 'NODE_ENV' | 'TEMPORAL_ACTOR_KEY'>>,
): Promise<Client> {
  // A process that sends updates needs the actor key: in production, refuse to start without it.
  if (config.NODE_ENV !== undefined)
    actorSealKey({ NODE_ENV: config.NODE_ENV, TEMPORAL_ACTOR_KEY: config.TEMPORAL_ACTOR_KEY });
  const tls = temporalTls(config);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, ...(tls ? { tls } : {}) });
  const dataConverter = temporalDataConverter(config);
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    interceptors: { workflow: [traceClientInterceptor] },
    ...(dataConverter ? { dataConverter } : {}),
  });
}
