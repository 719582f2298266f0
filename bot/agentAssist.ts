import type { Locale } from '../kernel/locale';
import type { Suggestion } from '../handoff/agentApi';
import type { KnowledgeBase } from '../nlu/knowledgeBase';
import type { KefuRecognizer } from '../nlu/recognizer';

/** Intents whose answers never help an agent (small talk, the handoff request itself). */
const NOT_SUGGESTED = new Set(['greet', 'goodbye', 'thanks', 'human_agent']);
const MIN_SCORE = 0.1;

/** Agent assist: knowledge-base answers for the customer's message, best first. */
export function agentAssist(recognizer: KefuRecognizer, kb: KnowledgeBase) {
  return async (text: string, locale: Locale): Promise<Suggestion[]> => {
    if (!recognizer.ready) return [];
    const nlu = await recognizer.recognize(text, { locale });
    return nlu.alternatives
      .filter((a) => a.score >= MIN_SCORE && !NOT_SUGGESTED.has(a.intent))
      .flatMap((a) => {
        const answer = kb.answer(a.intent, locale);
        return answer ? [{ intent: a.intent, score: Math.round(a.score * 1000) / 1000, answer }] : [];
      });
  };
}
