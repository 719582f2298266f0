import {
  ComponentDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  TextPrompt,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Survey } from '../handoff/store';
import type { DialogDeps } from './deps';
import { loadProfile } from './profile';
import { PROMPTS } from './prompts';
import { getTurnInfo } from './turnInfo';

export const SURVEY_DIALOG = 'survey';
const RATING_PROMPT = 'survey.rating';
const SKIP = /^(跳过|不评价|不用了|算了|skip|no thanks|no)$/i;

export interface SurveyOptions {
  handoffId: string;
}

/** "5 5 4 5 5 很满意" → five scores and a comment; anything else → undefined. */
export function parseRatings(text: string, now: Date): Survey | undefined {
  const m = /^\s*([1-5])[\s,，、/]*([1-5])[\s,，、/]*([1-5])[\s,，、/]*([1-5])[\s,，、/]*([1-5])(?!\d)\s*[,，。.:：-]*\s*(.*)$/su.exec(text);
  if (!m) return undefined;
  const [efficiency, attitude, clarity, solution, overall] = m.slice(1, 6).map(Number);
  const scores = { efficiency, attitude, clarity, solution, overall };
  const comment = m[6].trim();
  return { scores, ...(comment ? { comment: comment.slice(0, 500) } : {}), at: now.toISOString(), flagged: Object.values(scores).some((s) => s <= 3) };
}

/** After an agent closes: five dimensions 1–5 and an optional comment [000 PART04]; any score ≤ 3 flags the case. */
export class SurveyDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(SURVEY_DIALOG);
    this.addDialog(
      new TextPrompt(RATING_PROMPT, async (pc: PromptValidatorContext<string>) => {
        const text = pc.recognized.value ?? '';
        return SKIP.test(text.trim()) || parseRatings(text, new Date()) !== undefined || pc.attemptCount >= 3;
      }),
    );
    this.addDialog(new WaterfallDialog('survey.flow', [this.ask.bind(this), this.save.bind(this)]));
    this.initialDialogId = 'survey.flow';
  }

  private async ask(step: WaterfallStepContext<SurveyOptions>): Promise<DialogTurnResult> {
    const profile = await loadProfile(this.deps.profile, step.context, 'zh-CN');
    const p = PROMPTS[profile.locale].handoff;
    return step.prompt(RATING_PROMPT, { prompt: p.survey, retryPrompt: p.surveyRetry });
  }

  private async save(step: WaterfallStepContext<SurveyOptions>): Promise<DialogTurnResult> {
    const profile = await loadProfile(this.deps.profile, step.context, 'zh-CN');
    const p = PROMPTS[profile.locale].handoff;
    profile.survey = undefined;
    const survey = parseRatings(String(step.result ?? ''), getTurnInfo(step.context).now);
    if (!survey) {
      await step.context.sendActivity(p.surveySkipped);
      return step.endDialog();
    }
    await this.deps.surveys.saveSurvey(step.options.handoffId, survey);
    await step.context.sendActivity(survey.flagged ? p.surveyFlagged : p.surveyThanks);
    return step.endDialog();
  }
}
