/**
 * Plays drill scenarios into the sandbox workspace with the real clock (divided by a speed factor)
 * and measures the team's response from Slack's side: when the alert appeared, when staff
 * acknowledged it, when an approver approved a draft, when the approved reply reached the community.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../domain/clock.js';
import { t, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { CHANNELS, personaByHandle } from './personas.js';
import { loadScenarios, type Scenario, type ScenarioProblem } from './scenarios.js';
import type { SlackWorkspace } from './slack-api/index.js';

export interface DrillMetrics {
  /** Start → Firebreak's alert in the alerts channel. */
  timeToAlertMs: number | null;
  /** Alert → first Acknowledge click by staff. */
  timeToAcknowledgeMs: number | null;
  /** Alert → first Approve click on a draft. */
  timeToFirstApprovalMs: number | null;
  /** Alert → Firebreak's first reply in a community channel (an approved reply). */
  timeToFirstReplyMs: number | null;
  /** Whether the alert came from detection or from the scenario's declare step. */
  openedBy: 'detection' | 'declare' | null;
  messagesPlayed: number;
}

export interface DrillStatus {
  id: string;
  scenarioId: string;
  scenarioName: string;
  speed: number;
  state: 'playing' | 'played' | 'stopped' | 'failed';
  startedAt: number;
  stepsPlayed: number;
  stepsTotal: number;
  /** Why it failed, in the language it was asked in (list, get). */
  error?: string;
  metrics: DrillMetrics;
}

export interface DrillPlayerOptions {
  clock: Clock;
  logger: Logger;
  workspace: SlackWorkspace;
  alertsChannel: string;
  /** A member posts; returns the message ts. */
  post(userId: string, channelId: string, text: string, threadTs?: string): string;
  /** Staff run `/firebreak <text>` in a channel. */
  command(userId: string, channelId: string, text: string): Promise<void>;
}

interface RunningDrill {
  status: DrillStatus;
  timers: NodeJS.Timeout[];
  declared: boolean;
  /** Why it failed, in any language (a step's error from the sandbox says itself; anything else is quoted). */
  failure?: (locale: Locale) => string;
  /** The community channels the scenario plays in (its messages, their threads, its declare steps). */
  channels: ReadonlySet<string>;
}

const DRILL_AFTERGLOW_MS = 60 * 60_000;
const channelIdByName = (name: string) => CHANNELS.find((channel) => channel.name === name)?.id ?? name;

/** The channels a scenario's steps play in: a thread reply goes where its parent went. */
function scenarioChannels(scenario: Scenario): Set<string> {
  const channels = new Set<string>();
  const channelOfStep = new Map<string, string>();
  for (const step of scenario.steps) {
    const channel = (step.kind === 'message' && step.thread ? channelOfStep.get(step.thread) : undefined) ?? channelIdByName(step.channel);
    if (step.kind === 'message' && step.id) channelOfStep.set(step.id, channel);
    channels.add(channel);
  }
  return channels;
}

/** An error that says itself in any language (the sandbox's request errors have `text`). */
type Saying = Error & { text: (locale: Locale) => string };
const saying = (text: (locale: Locale) => string): Saying => Object.assign(new Error(text('en')), { text });

/** A failed step in the reader's words: its own when it has them, else quoted after a line of ours. */
function failureText(error: unknown): (locale: Locale) => string {
  const text = (error as Partial<Saying> | null)?.text;
  if (typeof text === 'function') return (locale) => t(locale, 'sandbox.drill.failed_step', { detail: text(locale) });
  const detail = error instanceof Error ? error.message : String(error);
  return (locale) => t(locale, 'sandbox.drill.failed_step', { detail });
}

export class DrillPlayer {
  readonly events = new EventEmitter<{ change: [] }>();
  private directory = '';
  private loaded: Scenario[] = [];
  private loadProblems: ScenarioProblem[] = [];
  private readonly drills = new Map<string, RunningDrill>();
  private sequence = 0;

  constructor(private readonly options: DrillPlayerOptions) {
    options.workspace.events.on('change', () => {
      // Only the latest drill is measured: an alert after it started belongs to it, not to older ones.
      const latest = [...this.drills.values()].at(-1);
      if (latest && this.measure(latest)) this.events.emit('change');
    });
  }

  async open(directory: string): Promise<void> {
    this.directory = directory;
    await this.reload();
  }

  /** Read the scenarios folder again (an author may have just edited a file). */
  async reload(): Promise<void> {
    const { scenarios, problems } = await loadScenarios(this.directory);
    this.loaded = scenarios;
    this.loadProblems = problems;
    for (const problem of problems) this.options.logger.warn({ file: problem.file, line: problem.line, column: problem.column }, `scenario problem: ${problem.message}`);
  }

  scenarios(): Scenario[] {
    return this.loaded;
  }

  problems(): ScenarioProblem[] {
    return this.loadProblems;
  }

  /** Every drill, newest first; a failure said in `locale` (English by default). */
  list(locale: Locale = 'en'): DrillStatus[] {
    return [...this.drills.values()].map((drill) => this.statusIn(drill, locale)).reverse();
  }

  get(id: string, locale: Locale = 'en'): DrillStatus | undefined {
    const drill = this.drills.get(id);
    return drill ? this.statusIn(drill, locale) : undefined;
  }

  private statusIn(drill: RunningDrill, locale: Locale): DrillStatus {
    const status = structuredClone(drill.status);
    if (drill.failure) status.error = drill.failure(locale);
    return status;
  }

  start(scenario: Scenario, speed: number): DrillStatus {
    const { clock, workspace } = this.options;
    const id = `drill-${++this.sequence}`;
    const drill: RunningDrill = {
      status: {
        id,
        scenarioId: scenario.id,
        scenarioName: scenario.name,
        speed,
        state: 'playing',
        startedAt: clock.now(),
        stepsPlayed: 0,
        stepsTotal: scenario.steps.length,
        metrics: { timeToAlertMs: null, timeToAcknowledgeMs: null, timeToFirstApprovalMs: null, timeToFirstReplyMs: null, openedBy: null, messagesPlayed: 0 },
      },
      timers: [],
      declared: false,
      channels: scenarioChannels(scenario),
    };
    this.drills.set(id, drill);
    const postedTs = new Map<string, { channel: string; ts: string }>();
    let remaining = scenario.steps.length;
    const done = () => {
      remaining -= 1;
      drill.status.stepsPlayed += 1;
      if (remaining === 0 && drill.status.state === 'playing') drill.status.state = 'played';
      this.events.emit('change');
    };
    const fail = (error: unknown) => {
      drill.status.state = 'failed';
      drill.failure = failureText(error);
      drill.status.error = drill.failure('en');
      this.options.logger.error({ err: error, drill: id }, 'drill step failed');
      this.cancel(drill);
      this.events.emit('change');
    };
    for (const step of scenario.steps) {
      const timer = setTimeout(() => {
        if (drill.status.state !== 'playing') return;
        try {
          if (step.kind === 'message') {
            const persona = personaByHandle(step.from);
            if (!persona) throw saying((locale) => t(locale, 'sandbox.scenario.unknown_persona', { persona: step.from }));
            const parent = step.thread ? postedTs.get(step.thread) : undefined;
            const channel = parent?.channel ?? channelIdByName(step.channel);
            const ts = this.options.post(persona.id, channel, step.text, parent?.ts);
            if (step.id) postedTs.set(step.id, { channel, ts });
            drill.status.metrics.messagesPlayed += 1;
            done();
            return;
          }
          const persona = personaByHandle(step.by);
          if (!persona) throw saying((locale) => t(locale, 'sandbox.scenario.unknown_persona', { persona: step.by }));
          if (step.unlessAlerted && drill.status.metrics.timeToAlertMs !== null) {
            done();
            return;
          }
          drill.declared = true;
          // Typed as a person types it; the sandbox escapes it as Slack does (should_escape).
          this.options.command(persona.id, this.options.alertsChannel, `declare #${step.channel} ${step.severity} drill ${step.summary}`).then(done, fail);
        } catch (error) {
          fail(error);
        }
      }, step.atMs / speed);
      drill.timers.push(timer);
    }
    this.options.logger.info({ drill: id, scenario: scenario.id, speed, workspace: workspace.team.id }, `drill started: ${scenario.name}`);
    this.events.emit('change');
    return structuredClone(drill.status);
  }

  /**
   * True while a drill plays in `channelId` and for an hour after it started: a spike it causes is
   * detected a few ticks later and must still open a drill incident. A spike on any other channel is
   * the community's own, and opens a real incident.
   */
  inProgress(channelId: string): boolean {
    const now = this.options.clock.now();
    return [...this.drills.values()].some(
      ({ status, channels }) => channels.has(channelId) && (status.state === 'playing' || (status.state === 'played' && now - status.startedAt < DRILL_AFTERGLOW_MS)),
    );
  }

  stopAll(): void {
    for (const drill of this.drills.values()) {
      if (drill.status.state === 'playing') drill.status.state = 'stopped';
      this.cancel(drill);
    }
  }

  private cancel(drill: RunningDrill): void {
    for (const timer of drill.timers) clearTimeout(timer);
    drill.timers = [];
  }

  /** Update a drill's metrics from what is in the workspace now; true when something changed. */
  private measure(drill: RunningDrill): boolean {
    const { workspace, alertsChannel } = this.options;
    const metrics = drill.status.metrics;
    const before = JSON.stringify(metrics);
    const start = drill.status.startedAt;
    const bot = workspace.bot.user_id;
    const msOf = (ts: string) => Math.round(Number(ts) * 1000);
    if (metrics.timeToAlertMs === null) {
      const alert = workspace.messagesIn(alertsChannel).find((message) => message.user === bot && (message.thread_ts === undefined || message.thread_ts === message.ts) && msOf(message.ts) >= start);
      if (alert) {
        metrics.timeToAlertMs = msOf(alert.ts) - start;
        metrics.openedBy = drill.declared ? 'declare' : 'detection';
      }
    }
    if (metrics.timeToAlertMs !== null) {
      const alertAt = start + metrics.timeToAlertMs;
      // What Firebreak recorded, read from the outbox key each bot message carries: a refused click is never counted.
      const keyOf = (message: { metadata?: unknown }) => (message.metadata as { event_payload?: { key?: unknown } } | undefined)?.event_payload?.key;
      const firstRecorded = (matches: (key: string) => boolean) =>
        CHANNELS.flatMap((channel) => workspace.messagesIn(channel.id))
          .filter((message) => message.user === bot && msOf(message.ts) >= alertAt && typeof keyOf(message) === 'string' && matches(keyOf(message) as string))
          .sort((a, b) => msOf(a.ts) - msOf(b.ts))[0];
      const acknowledged = firstRecorded((key) => key.endsWith(':acknowledged'));
      if (acknowledged && metrics.timeToAcknowledgeMs === null) metrics.timeToAcknowledgeMs = msOf(acknowledged.ts) - alertAt;
      // A drill's reply goes to its alert thread, a real one to the community: either way its key starts with reply:.
      const reply = firstRecorded((key) => key.startsWith('reply:'));
      // The approval's line in the thread can be posted after the reply it let through; a posted reply was
      // approved by then, so the earlier of the two is when the approval happened at the latest.
      const approved = [firstRecorded((key) => key.endsWith(':draft_approved')), reply].filter((message) => message !== undefined).map((message) => msOf(message.ts));
      if (approved.length > 0 && metrics.timeToFirstApprovalMs === null) metrics.timeToFirstApprovalMs = Math.min(...approved) - alertAt;
      if (reply && metrics.timeToFirstReplyMs === null) metrics.timeToFirstReplyMs = msOf(reply.ts) - alertAt;
    }
    return JSON.stringify(metrics) !== before;
  }
}
