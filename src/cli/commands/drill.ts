import type { Command } from 'commander';
import type { Locale, MessageKey, MessageParams } from '../../i18n/index.js';

interface DrillOptions {
  speed: string;
  url?: string;
  wait: string;
  check?: boolean;
  json?: boolean;
}

interface DrillStatus {
  id: string;
  scenarioName: string;
  state: 'playing' | 'played' | 'stopped' | 'failed';
  stepsPlayed: number;
  stepsTotal: number;
  error?: string;
  metrics: {
    timeToAlertMs: number | null;
    timeToAcknowledgeMs: number | null;
    timeToFirstApprovalMs: number | null;
    timeToFirstReplyMs: number | null;
    openedBy: string | null;
    messagesPlayed: number;
  };
}

/** What `firebreak drill` prints, in the team's language (LOCALE) like the sandbox page: the team runs its drills itself. */
async function drillTexts(locale: Locale) {
  const { t } = await import('../../i18n/index.js');
  const decimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: false });
  return {
    t: <K extends MessageKey>(key: K, params: MessageParams<K>) => t(locale, key, params),
    seconds: (ms: number | null) => (ms === null ? t(locale, 'cli.drill.not_yet', {}) : t(locale, 'sandbox.drill.seconds', { seconds: decimal.format(ms / 1000) })),
    number: (value: number) => number.format(value),
    openedBy: (how: string | null) => (how === 'declare' ? t(locale, 'cli.drill.opened.declare', {}) : t(locale, 'cli.drill.opened.detection', {})),
    state: (state: DrillStatus['state']) => t(locale, `sandbox.drill.state.${state}`, {}),
  };
}

/** `firebreak drill <scenario>`: play a drill scenario into the running sandbox and report the team's times. */
export function registerDrillCommand(program: Command): void {
  program
    .command('drill')
    .description('Play a drill scenario (playbooks/scenarios) into the running sandbox and report time to alert, acknowledge and first approved reply')
    .argument('<scenario>', 'scenario id (e.g. outage-escalates) or path to a scenario .yaml file')
    .option('--speed <n>', 'play this many times faster than written (0.1 to 100)', '5')
    .option('--url <url>', 'where Firebreak runs (default: http://127.0.0.1:$PORT)')
    .option('--wait <seconds>', 'after the last step, wait this long for the team to reply', '600')
    .option('--check', 'only validate the scenario')
    .option('--json', 'print the final status as JSON')
    .action(async (given: string, options: DrillOptions) => {
      const [{ loadConfig }, { loadScenarioFile, loadScenarios, scenarioProblemIn }, { formatProblem }, { FirebreakError }, { existsSync }, { join }] = await Promise.all([
        import('../../config.js'),
        import('../../sandbox/scenarios.js'),
        import('../../domain/playbooks/problems.js'),
        import('../../errors.js'),
        import('node:fs'),
        import('node:path'),
      ]);
      const { numberProblemText, parseNumber } = await import('../../domain/numbers/parse-number.js');
      const config = loadConfig();
      const say = await drillTexts(config.locale);
      const { t } = say;
      // 1,5 and 1.5 alike; what could be read two ways (1,000) is refused, never taken as another speed.
      const speedRules = { decimal: true, min: 0.1, max: 100 };
      const parsedSpeed = parseNumber(String(options.speed), speedRules);
      if (!parsedSpeed.ok) throw new FirebreakError('input_invalid', numberProblemText(config.locale, parsedSpeed.problem, '--speed', String(options.speed), speedRules));
      const speed = parsedSpeed.value;
      const waitMs = Number(options.wait) * 1000;
      if (!Number.isFinite(waitMs) || waitMs < 0) throw new FirebreakError('input_invalid', t('cli.drill.wait_invalid', { value: String(options.wait) }));

      // The scenario is checked here first, so problems point at the author's file and line.
      const directory = join(config.playbooksDir, 'scenarios');
      let file: string;
      if (given.endsWith('.yaml') || given.endsWith('.yml') || existsSync(given)) {
        file = given;
      } else {
        const { scenarios, problems } = await loadScenarios(directory);
        const found = scenarios.find((scenario) => scenario.id === given);
        if (!found) {
          for (const problem of problems) process.stderr.write(`${formatProblem(scenarioProblemIn(config.locale, problem))}\n`);
          const known = scenarios.map((scenario) => scenario.id).join(', ') || t('cli.drill.none', {});
          throw new FirebreakError('not_found', t('cli.drill.scenario_not_found', { scenario: given, directory, scenarios: known }));
        }
        file = found.file;
      }
      const result = await loadScenarioFile(file);
      if (!result.ok) {
        for (const problem of result.problems) process.stderr.write(`${formatProblem(scenarioProblemIn(config.locale, problem))}\n`);
        throw new FirebreakError('input_invalid', t('cli.drill.problems', { count: result.problems.length, file }));
      }
      if (options.check) {
        process.stdout.write(`${t('cli.drill.checked', { id: result.scenario.id, file, steps: result.scenario.steps.length })}\n`);
        return;
      }

      const { readFile } = await import('node:fs/promises');
      const base = (options.url ?? `http://127.0.0.1:${config.port}`).replace(/\/$/, '');
      const request = async (path: string, init?: RequestInit) => {
        try {
          // The sandbox's own refusals (a drill already playing, a failed step) come back in this language too.
          return await fetch(`${base}${path}`, { ...init, headers: { ...init?.headers, 'x-sandbox-language': config.locale } });
        } catch {
          throw new FirebreakError('not_found', t('cli.drill.unreachable', { url: base }));
        }
      };
      const started = await request('/sandbox/drills', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source: await readFile(file, 'utf8'), file, speed }),
      });
      if (started.status === 404) {
        throw new FirebreakError('conflict', t('cli.drill.not_sandbox', { url: base }));
      }
      const answer = (await started.json()) as { drill?: DrillStatus; message?: string };
      if (!started.ok || !answer.drill) throw new FirebreakError('input_invalid', answer.message ?? t('cli.drill.refused', { status: String(started.status) }));
      process.stdout.write(`${t('cli.drill.started', { id: answer.drill.id, name: answer.drill.scenarioName, speed: say.number(speed), url: `${base}/sandbox` })}\n`);

      let status = answer.drill;
      let playedAt: number | undefined;
      const said = new Set<string>();
      const sayOnce = (key: string, line: string) => {
        if (said.has(key)) return;
        said.add(key);
        process.stdout.write(`  ${line}\n`);
      };
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const response = await request(`/sandbox/drills/${encodeURIComponent(status.id)}`);
        if (!response.ok) throw new FirebreakError('not_found', t('cli.drill.lost', { id: status.id, status: String(response.status) }));
        status = (await response.json()) as DrillStatus;
        const m = status.metrics;
        if (m.timeToAlertMs !== null) sayOnce('alert', t('cli.drill.progress.alert', { time: say.seconds(m.timeToAlertMs), openedBy: say.openedBy(m.openedBy) }));
        if (m.timeToAcknowledgeMs !== null) sayOnce('ack', t('cli.drill.progress.acknowledged', { time: say.seconds(m.timeToAcknowledgeMs) }));
        if (m.timeToFirstApprovalMs !== null) sayOnce('approval', t('cli.drill.progress.approval', { time: say.seconds(m.timeToFirstApprovalMs) }));
        if (m.timeToFirstReplyMs !== null) sayOnce('reply', t('cli.drill.progress.reply', { time: say.seconds(m.timeToFirstReplyMs) }));
        if (status.state === 'failed' || status.state === 'stopped') break;
        if (status.state === 'played') {
          sayOnce('played', t('cli.drill.progress.played', { total: status.stepsTotal, wait: say.number(waitMs / 1000) }));
          playedAt ??= Date.now();
          if (m.timeToFirstReplyMs !== null || Date.now() - playedAt >= waitMs) break;
        }
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      } else {
        const m = status.metrics;
        const rows: [string, string][] = [
          [t('cli.drill.metric.messages', {}), String(m.messagesPlayed)],
          [t('cli.drill.metric.alert', {}), `${say.seconds(m.timeToAlertMs)}${m.openedBy ? ` (${say.openedBy(m.openedBy)})` : ''}`],
          [t('cli.drill.metric.acknowledge', {}), say.seconds(m.timeToAcknowledgeMs)],
          [t('cli.drill.metric.approval', {}), say.seconds(m.timeToFirstApprovalMs)],
          [t('cli.drill.metric.reply', {}), say.seconds(m.timeToFirstReplyMs)],
        ];
        // The figures in one column, however long the labels are in this language.
        const width = Math.max(...rows.map(([label]) => label.length)) + 2;
        process.stdout.write(
          [t('cli.drill.summary', { id: status.id, state: say.state(status.state), name: status.scenarioName }), ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`), ''].join('\n'),
        );
      }
      if (status.state === 'failed') throw new FirebreakError('conflict', t('cli.drill.failed', { error: status.error ?? t('cli.drill.unknown_error', {}) }));
    });
}
