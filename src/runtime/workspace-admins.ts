// Who administers Firebreak in a workspace, as Slack and the install say: its admins and owners
// (users.info, a member of this very team), and whoever installed Firebreak there (OAuth). They change
// its settings, and operate it even before any playbook names them (a fresh install is never locked out).
import type { WebClient } from '@slack/web-api';
import type { InstallService } from '../app/installs.js';
import type { Clock } from '../domain/clock.js';
import { cached } from './cached.js';

/** `unconfirmed`: Slack did not answer (429, 5xx, no answer in time); never taken as a yes. */
export type AdminAnswer = 'admin' | 'not_admin' | 'unconfirmed';

/**
 * users.info answers are kept this long per (team, user): every click by someone no playbook names asks
 * otherwise. Short, because other instances do not see this one's user_change events.
 */
export const ADMIN_CACHE_MS = 30_000;
/**
 * A command is answered in its acknowledgement, which the listener guard sends by itself after
 * ACK_DEADLINE_MS (2 s): a Slack that has not answered sooner is a refusal, said as such in time.
 */
export const ADMIN_ANSWER_TIMEOUT_MS = 1_500;
/** Slack's own "no such person here": a definite no, kept like any answer. Every other error is unconfirmed. */
const DEFINITE_NO = new Set(['user_not_found', 'user_not_visible', 'users_not_found']);

export interface WorkspaceAdmins {
  check(teamId: string, userId: string, webClient: WebClient): Promise<AdminAnswer>;
  /** The language the person uses Slack in (es-ES…), from the same answer; undefined when Slack did not say in time. */
  slackLocale(teamId: string, userId: string, webClient: WebClient): Promise<string | undefined>;
  /** user_change: a promotion, demotion or deactivation counts from the next click. */
  forget(teamId: string, userId: string): void;
}

export function workspaceAdmins(options: { clock: Clock; installs: Pick<InstallService, 'installation'> | undefined; ttlMs?: number; timeoutMs?: number }): WorkspaceAdmins {
  const { clock, installs } = options;
  const timeoutMs = options.timeoutMs ?? ADMIN_ANSWER_TIMEOUT_MS;
  const key = (teamId: string, userId: string) => `${teamId}/${userId}`;
  // A failed call is not kept (cached drops it): the next click asks Slack again.
  // One users.info per (team, user) serves both questions: is this person an admin, and which language
  // do they use Slack in (include_locale). A failed call is not kept (cached drops it): the next click asks again.
  const slackSays = cached(
    clock,
    async (_key: string, teamId: string, userId: string, webClient: WebClient): Promise<{ admin: boolean; locale?: string }> => {
      try {
        const user = (await webClient.users.info({ user: userId, include_locale: true })).user as (NonNullable<Awaited<ReturnType<WebClient['users']['info']>>['user']> & { locale?: string }) | undefined;
        const admin = Boolean(user && user.team_id === teamId && !user.deleted && (user.is_admin || user.is_owner || user.is_primary_owner));
        return { admin, ...(typeof user?.locale === 'string' ? { locale: user.locale } : {}) };
      } catch (error) {
        if (DEFINITE_NO.has(String((error as { data?: { error?: unknown } }).data?.error))) return { admin: false };
        throw error;
      }
    },
    { ttlMs: options.ttlMs ?? ADMIN_CACHE_MS },
  );

  /** Slack's answer within timeoutMs, or a rejection. */
  async function answer(teamId: string, userId: string, webClient: WebClient): Promise<{ admin: boolean; locale?: string }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('users.info did not answer in time')), timeoutMs)));
    try {
      return await Promise.race([slackSays(key(teamId, userId), teamId, userId, webClient), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function check(teamId: string, userId: string, webClient: WebClient): Promise<AdminAnswer> {
    try {
      if ((await installs?.installation(teamId))?.installerUserId === userId) return 'admin';
      return (await answer(teamId, userId, webClient)).admin ? 'admin' : 'not_admin';
    } catch {
      return 'unconfirmed';
    }
  }

  async function slackLocale(teamId: string, userId: string, webClient: WebClient): Promise<string | undefined> {
    return (await answer(teamId, userId, webClient).catch(() => undefined))?.locale;
  }

  return { check, slackLocale, forget: (teamId, userId) => slackSays.forget(key(teamId, userId)) };
}
