import type { Connector } from '../src/connector-kit/index.js';
import { csv } from './csv/index.js';
import { file } from './file/index.js';
import { hubspot } from './hubspot/index.js';
import { mailchimp } from './mailchimp/index.js';
import { sendgrid } from './sendgrid/index.js';

/** The only list of connectors. A key must equal its connector's id (the contract suite checks). */
export const connectors = { csv, file, hubspot, mailchimp, sendgrid } as const satisfies Record<
  string,
  Connector
>;

export type ConnectorId = keyof typeof connectors;

export function getConnector(id: string): Connector | undefined {
  // Own keys only: "constructor" or "__proto__" must not resolve to something.
  return Object.hasOwn(connectors, id) ? connectors[id as ConnectorId] : undefined;
}

export function isConnectorId(id: string): id is ConnectorId {
  return Object.hasOwn(connectors, id);
}
