import { MessageFactory } from 'botbuilder';
import { ComponentDialog, type DialogTurnResult, type PromptValidatorContext, TextPrompt, WaterfallDialog, type WaterfallStepContext, textOf } from './runtime';
import type { Survey } from '../handoff/store';
import type { DialogDeps } from './deps';
import { loadProfile } from './profile';
import { PROMPTS } from './prompts';
import { getTurnInfo } from './turnInfo';

export const SURVEY_DIALOG = 'survey';
const RATING_PROMPT = 'survey.rating';
const SKIP = /^(跳过|不评价|不用了|算了|不评了|skip|no thanks|no)[\s\p{P}]*$/iu;
/** One-word verdicts, read as the same score on every dimension (the words kept as the comment). */
const PRAISE = /^(都很好|都挺好|很好|非常好|挺好|不错|很满意|非常满意|满意|好评|great|excellent|perfect|very good|good|👍)/i;
const COMPLAINT = /^(很差|太差|非常差|差评|不满意|非常不满意|很不满意|垃圾|terrible|awful|very bad|bad|poor|👎)/i;

export interface SurveyOptions {
  handoffId: string;
}

/** "5 5 4 5 5 很满意" → five scores and a comment; anything else → undefined. */
export function parseRatings(text: string, now: Date): Survey | undefined {
  const m = /^\s*([1-5])[\s,，、/]*([1-5])[\s,，、/]*([1-5])[\s,，、/]*([1-5])[\s,，、/]*([1-5])(?!\d)\s*[,，。.:：-]*\s*(.*)$/su.exec(text);
  if (!m) return parseVerdict(text, now);
  const [efficiency, attitude, clarity, solution, overall] = m.slice(1, 6).map(Number);
  const scores = { efficiency, attitude, clarity, solution, overall };
  const comment = m[6].trim();
  return { scores, ...(comment ? { comment: comment.slice(0, 500) } : {}), at: now.toISOString(), flagged: Object.values(scores).some((s) => s <= 3) };
}

/** "5 非常满意" (a tapped button), "4", "都很好", "太差了": one score for every dimension. */
function parseVerdict(text: string, now: Date): Survey | undefined {
  const t = text.trim();
  const single = /^([1-5])\s*(?:分|星|stars?)?(?![\d.])\s*[,，。.:：-]*\s*(.*)$/su.exec(t);
  const score = single ? Number(single[1]) : PRAISE.test(t) ? 5 : COMPLAINT.test(t) ? 1 : undefined;
  if (score === undefined) return undefined;
  const comment = (single ? single[2] : t).trim();
  const scores = { efficiency: score, attitude: score, clarity: score, solution: score, overall: score };
  return { scores, ...(comment ? { comment: comment.slice(0, 500) } : {}), at: now.toISOString(), flagged: score <= 3 };
}

/** Whether a message answers the survey (scores, a verdict or a skip) rather than saying something else. */
export function answersSurvey(text: string): boolean {
  return SKIP.test(text.trim()) || parseRatings(text, new Date()) !== undefined;
}

/** After an agent closes: five dimensions 1–5 and an optional comment [000 PART04]; any score ≤ 3 flags the case. */
export class SurveyDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(SURVEY_DIALOG);
    this.addDialog(
      new TextPrompt(RATING_PROMPT, async (pc: PromptValidatorContext<string>) => {
        // A second non-answer ends the survey: it asks once, and never traps.
        return answersSurvey(pc.recognized.value ?? '') || pc.attemptCount >= 2;
      }),
    );
    this.addDialog(new WaterfallDialog('survey.flow', [this.ask.bind(this), this.save.bind(this)]));
    this.initialDialogId = 'survey.flow';
  }

  private async ask(step: WaterfallStepContext<SurveyOptions>): Promise<DialogTurnResult> {
    const profile = await loadProfile(this.deps.profile, step.context, 'zh-CN');
    const p = PROMPTS[profile.locale].handoff;
    return step.prompt(RATING_PROMPT, {
      prompt: MessageFactory.suggestedActions(p.surveyButtons, p.survey),
      retryPrompt: MessageFactory.suggestedActions(p.surveyButtons, p.surveyRetry),
    });
  }

  private async save(step: WaterfallStepContext<SurveyOptions>): Promise<DialogTurnResult> {
    const profile = await loadProfile(this.deps.profile, step.context, 'zh-CN');
    const p = PROMPTS[profile.locale].handoff;
    profile.survey = undefined;
    const survey = parseRatings(textOf(step.result), getTurnInfo(step.context).now);
    if (!survey) {
      await step.context.sendActivity(p.surveySkipped);
      return step.endDialog();
    }
    await this.deps.surveys.saveSurvey(step.options.handoffId, survey);
    await step.context.sendActivity(survey.flagged ? p.surveyFlagged : p.surveyThanks);
    return step.endDialog();
  }
}
