import type { ProviderType } from '../../api/notification.ts';
import { buildDiscord } from './discord.ts';
import { buildGeneric } from './generic.ts';
import { buildGenericHmac } from './generic-hmac.ts';
import { buildGitea } from './gitea.ts';
import { buildGitHub } from './github.ts';
import { buildGitLab } from './gitlab.ts';
import { buildMsTeams } from './msteams.ts';
import { buildSlack } from './slack.ts';
import type { BuildRequest } from './types.ts';

export type { BuildRequest, OutgoingRequest, ProviderContext } from './types.ts';

const BUILDERS: Readonly<Record<ProviderType, BuildRequest>> = Object.freeze({
  slack: buildSlack,
  msteams: buildMsTeams,
  discord: buildDiscord,
  generic: buildGeneric,
  'generic-hmac': buildGenericHmac,
  github: buildGitHub,
  gitlab: buildGitLab,
  gitea: buildGitea,
});

/** The request builder of a provider type; undefined for a type this version does not know. */
export function providerFor(type: string): BuildRequest | undefined {
  return Object.hasOwn(BUILDERS, type) ? BUILDERS[type as ProviderType] : undefined;
}
