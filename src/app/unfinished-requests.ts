// Acknowledged means stored, or told: a click, submission, command or shortcut the listener guard
// acknowledged at its deadline is kept here until its listener finishes. One left behind (the process
// died before the decision committed: Slack never sends it again) is told to its person once, by a
// direct message through the outbox (exactly once, retried while Slack is down), and stays listed
// among App Home's delivery problems.
import type { Clock } from '../domain/clock.js';
import type { Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { Repositories, Store } from './ports/store.js';
import type { StoredUnfinishedRequest, UnfinishedRequest } from './ports/unfinished.js';

export interface UnfinishedNoticeViews {
  /** What the person is told: what they did and when, that nothing was done, to do it again. */
  notice(locale: Locale, request: StoredUnfinishedRequest, incidentNumber: number | null): string;
}

export interface UnfinishedRequestsOptions {
  store: Store<Pick<Repositories, 'unfinished' | 'outbox' | 'incidents'>>;
  clock: Clock;
  logger: Logger;
  /** This process (instance-id.ts): what it keeps while running is never told as left behind. */
  instanceId: string;
  /** False when an instance is known to be gone (a dead process of this machine). */
  claimantAlive(instanceId: string): boolean;
  /** The language of a notice only this person reads. */
  languageOf(teamId: string | null, userId: string): Promise<Locale>;
  /** The workspace row of a Slack team (App Home lists a workspace's own rows). */
  workspaceIdOf?(teamId: string): Promise<string>;
  views: UnfinishedNoticeViews;
  /** A row of an instance not known to be gone (another machine's) is told once this old. */
  staleAfterMs?: number;
  /** A notice was enqueued: the outbox may send it now. */
  onEnqueued?(): void;
}

export type UnfinishedRequestInput = Omit<UnfinishedRequest, 'instanceId' | 'workspaceId' | 'at'>;

export const unfinishedNoticeKey = (id: string) => `unfinished:${id}:notice`;

export class UnfinishedRequestService {
  constructor(private readonly options: UnfinishedRequestsOptions) {}

  /** Keeps a request acknowledged before its listener finished; resolves with its id once committed. */
  async keep(request: UnfinishedRequestInput): Promise<string> {
    const workspaceId = request.teamId && this.options.workspaceIdOf ? await this.options.workspaceIdOf(request.teamId).catch(() => null) : null;
    // Its own transaction: on SQLite a write outside one joins whichever is open, and its rollback.
    return this.options.store.transaction((tx) => tx.unfinished.keep({ ...request, at: this.options.clock.now(), instanceId: this.options.instanceId, workspaceId }));
  }

  /** Its listener finished (done, refused, or failed and said so): nothing is left to tell. */
  async finished(id: string): Promise<void> {
    await this.options.store.transaction((tx) => tx.unfinished.finished(id));
  }

  /**
   * Its listener failed after the guard's ack, and nothing else can reach the person now (a command's or
   * a modal's answer went with the ack): `text` goes to them by direct message, once, and the row stays
   * listed as told.
   */
  async failed(id: string, person: { teamId: string | null; userId: string | null }, text: string): Promise<void> {
    await this.options.store.transaction(async (tx) => {
      if (!(await tx.unfinished.markTold(id)) || !person.userId) return;
      await tx.outbox.enqueue({ key: unfinishedNoticeKey(id), method: 'chat.postMessage', payload: { channel: person.userId, text }, ...(person.teamId ? { teamId: person.teamId } : {}), now: this.options.clock.now() });
    });
    this.options.onEnqueued?.();
  }

  /**
   * Tells each person whose request a gone instance left unfinished, once: the row is marked told and
   * the direct message enqueued in one commit (two instances starting together tell it once; a Slack
   * that is down gets it from the outbox later). Returns how many were told.
   */
  async tellLeftBehind(limit = 200): Promise<number> {
    const { store, clock, logger } = this.options;
    const staleAfterMs = this.options.staleAfterMs ?? 5 * 60_000;
    const now = clock.now();
    const left = (await store.direct.unfinished.untold(limit)).filter(
      (request) => request.instanceId !== this.options.instanceId && (!this.options.claimantAlive(request.instanceId) || now - request.at >= staleAfterMs),
    );
    let told = 0;
    for (const request of left) {
      try {
        const incidentId = request.incidentIds[0];
        const incident = incidentId ? await store.direct.incidents.load(incidentId).catch(() => null) : null;
        const text = request.userId ? this.options.views.notice(await this.options.languageOf(request.teamId, request.userId), request, incident?.state.incident.number ?? null) : null;
        const marked = await store.transaction(async (tx) => {
          if (!(await tx.unfinished.markTold(request.id))) return false;
          // Without a person there is no one to tell: App Home still lists it.
          if (request.userId && text) {
            await tx.outbox.enqueue({
              key: unfinishedNoticeKey(request.id),
              method: 'chat.postMessage',
              payload: { channel: request.userId, text },
              ...(request.teamId ? { teamId: request.teamId } : {}),
              ...(incident ? { workspaceId: incident.workspaceId } : {}),
              now: clock.now(),
            });
          }
          return true;
        });
        if (marked) told += 1;
      } catch (error) {
        logger.warn({ err: error, id: request.id }, 'could not tell a person about their unfinished request; tried again later');
      }
    }
    if (told > 0) logger.warn({ requests: told }, 'told people about requests acknowledged but not finished before a crash');
    return told;
  }
}
