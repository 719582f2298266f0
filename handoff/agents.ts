import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { uniqueIds } from '../kernel/uniqueIds';
import { SkillGroup } from './types';

const Agent = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{2,32}$/),
    name: z.string().min(1).max(64),
    skills: z.array(SkillGroup).min(1),
    /** 1 junior, 2 senior, 3 specialist [001 二(三)2]. */
    tier: z.number().int().min(1).max(3),
    capacity: z.number().int().min(1).max(50),
    supervisor: z.boolean().default(false),
    /** The console's language for this agent (they can switch it on screen). */
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
    /** sha256 of the agent's API token, hex; the token itself is never stored. */
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex sha256 of the token'),
  })
  .strict();
export type Agent = z.infer<typeof Agent>;

/** `AGENTS_FILE`: the agents, their skills, tier, capacity and hashed API token. */
export const AgentsFile = z
  .object({ agents: z.array(Agent).min(1) })
  .strict()
  .superRefine(uniqueIds('agents', 'agent id'));

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class AgentDirectory {
  private readonly byId: Map<string, Agent>;

  constructor(readonly agents: readonly Agent[]) {
    this.byId = new Map(agents.map((a) => [a.id, a]));
  }

  get(id: string): Agent | undefined {
    return this.byId.get(id);
  }

  /** The agent whose token this is; every agent's hash is compared, in constant time each. */
  authenticate(token: string): Agent | undefined {
    const given = Buffer.from(hashToken(token), 'hex');
    let found: Agent | undefined;
    for (const a of this.agents) {
      if (timingSafeEqual(given, Buffer.from(a.tokenSha256, 'hex'))) found = a;
    }
    return found;
  }

  /** Agents with the skill, at least the tier. */
  withSkill(group: SkillGroup, minTier = 1): Agent[] {
    return this.agents.filter((a) => a.skills.includes(group) && a.tier >= minTier);
  }
}
