/* `npm run bench:gc [-- CONVERSATIONS]`: what one kefu's young-generation collections cost while it
 * answers customers one turn at a time — the pauses that land on a turn and make the handoff tail.
 * kefu runs as its own process under `node --trace-gc-nvp`; after a warm-up, CONVERSATIONS
 * conversations (default 300) each play the main script, and every scavenge V8 reports is read
 * back: the share of what was allocated that survived it (and is copied, then promoted), the pause. */
import { BotClient } from '../testkit/botClient';
import { NO_RATE_LIMITS, startKefuProcess } from '../testkit/kefuProcess';
import { uniqueNamespace } from '../testkit/redisServer';
import { benchOnRedis, percentile, round2 } from './results';
import { SCRIPT } from './script';

interface Scavenge {
  pauseMs: number;
  allocated: number;
  survived: number;
  promoted: number;
}

/** The scavenges (`gc=s`) among --trace-gc-nvp's lines: one line per collection, `name=value` pairs. */
function scavengesOf(output: string): Scavenge[] {
  const out: Scavenge[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes(' gc=s ')) continue;
    const field = (name: string) => Number(new RegExp(`\\s${name}=([\\d.]+)`).exec(line)?.[1] ?? NaN);
    out.push({ pauseMs: field('pause'), allocated: field('allocated'), survived: field('new_space_survived'), promoted: field('promoted') });
  }
  return out.filter((s) => Object.values(s).every(Number.isFinite));
}

/** `store`: 'memory', or a Redis URL. */
export async function gcBench(conversations: number, store: string): Promise<Record<string, number>> {
  const label = store === 'memory' ? 'memory' : 'redis';
  const env: Record<string, string> = store === 'memory' ? {} : { REDIS_URL: store, REDIS_NAMESPACE: uniqueNamespace('gc') };
  const kefu = await startKefuProcess({ ...NO_RATE_LIMITS, ...env, LOG_LEVEL: 'error' }, ['--trace-gc-nvp']);
  try {
    const play = async (count: number) => {
      for (let c = 0; c < count; c += 1) {
        const customer = new BotClient(kefu.url);
        for (const text of SCRIPT) await customer.say(text, { serviceUrl: `${kefu.url}/dev/inbox/` });
      }
    };
    await play(20); // start-up's model loading and the first compilations are not a turn's cost
    await new Promise((r) => setTimeout(r, 200));
    const before = scavengesOf(kefu.output.join('')).length;
    await play(conversations);
    await new Promise((r) => setTimeout(r, 200));
    const measured = scavengesOf(kefu.output.join('')).slice(before);
    const turns = conversations * SCRIPT.length;
    const sum = (f: (s: Scavenge) => number) => measured.reduce((t, s) => t + f(s), 0);
    const pauses = measured.map((s) => s.pauseMs).sort((a, b) => a - b);
    return {
      [`gc.${label}.turns`]: turns,
      [`gc.${label}.scavenges`]: measured.length,
      [`gc.${label}.young_survival_pct`]: round2((100 * sum((s) => s.survived)) / sum((s) => s.allocated)),
      [`gc.${label}.promoted_kb_per_turn`]: round2(sum((s) => s.promoted) / 1024 / turns),
      [`gc.${label}.allocated_kb_per_turn`]: round2(sum((s) => s.allocated) / 1024 / turns),
      [`gc.${label}.scavenge_mean_ms`]: round2(sum((s) => s.pauseMs) / measured.length),
      [`gc.${label}.scavenge_p90_ms`]: round2(percentile(pauses, 0.9)),
    };
  } finally {
    await kefu.kill();
  }
}

if (require.main === module)
  benchOnRedis(async (redisUrl) => {
    const conversations = Number(process.argv[2] ?? 300);
    return { ...(await gcBench(conversations, 'memory')), ...(await gcBench(conversations, redisUrl)) };
  });
