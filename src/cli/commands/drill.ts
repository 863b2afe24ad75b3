import type { Command } from 'commander';

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

const seconds = (ms: number | null) => (ms === null ? 'not yet' : `${(ms / 1000).toFixed(1)} s`);

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
      const [{ loadConfig }, { loadScenarioFile, loadScenarios }, { formatProblem }, { FirebreakError }, { existsSync }, { join }] = await Promise.all([
        import('../../config.js'),
        import('../../sandbox/scenarios.js'),
        import('../../domain/playbooks/problems.js'),
        import('../../errors.js'),
        import('node:fs'),
        import('node:path'),
      ]);
      const { numberProblemText, parseNumber } = await import('../../domain/numbers/parse-number.js');
      const config = loadConfig();
      // 1,5 and 1.5 alike; what could be read two ways (1,000) is refused, never taken as another speed.
      const speedRules = { decimal: true, min: 0.1, max: 100 };
      const parsedSpeed = parseNumber(String(options.speed), speedRules);
      if (!parsedSpeed.ok) throw new FirebreakError('input_invalid', numberProblemText(config.locale, parsedSpeed.problem, '--speed', String(options.speed), speedRules));
      const speed = parsedSpeed.value;
      const waitMs = Number(options.wait) * 1000;
      if (!Number.isFinite(waitMs) || waitMs < 0) throw new FirebreakError('input_invalid', '--wait must be a number of seconds.');

      // The scenario is checked here first, so problems point at the author's file and line.
      const directory = join(config.playbooksDir, 'scenarios');
      let file: string;
      if (given.endsWith('.yaml') || given.endsWith('.yml') || existsSync(given)) {
        file = given;
      } else {
        const { scenarios, problems } = await loadScenarios(directory);
        const found = scenarios.find((scenario) => scenario.id === given);
        if (!found) {
          for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
          throw new FirebreakError('not_found', `No scenario "${given}" in ${directory}; there are ${scenarios.map((scenario) => scenario.id).join(', ') || 'none'}.`);
        }
        file = found.file;
      }
      const result = await loadScenarioFile(file);
      if (!result.ok) {
        for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
        throw new FirebreakError('input_invalid', `${result.problems.length} problem(s) in ${file}.`);
      }
      if (options.check) {
        process.stdout.write(`ok  ${result.scenario.id}  ${file} (${result.scenario.steps.length} steps)\n`);
        return;
      }

      const { readFile } = await import('node:fs/promises');
      const base = (options.url ?? `http://127.0.0.1:${config.port}`).replace(/\/$/, '');
      const request = async (path: string, init?: RequestInit) => {
        try {
          return await fetch(`${base}${path}`, init);
        } catch {
          throw new FirebreakError('not_found', `No Firebreak answers at ${base}. Start it without Slack credentials (npm start) to get the sandbox, or pass --url.`);
        }
      };
      const started = await request('/sandbox/drills', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source: await readFile(file, 'utf8'), file, speed }),
      });
      if (started.status === 404) {
        throw new FirebreakError('conflict', `Firebreak at ${base} runs with Slack credentials, not the sandbox: drills into a real Slack workspace are not supported yet.`);
      }
      const answer = (await started.json()) as { drill?: DrillStatus; message?: string };
      if (!started.ok || !answer.drill) throw new FirebreakError('input_invalid', answer.message ?? `The sandbox refused the drill (HTTP ${started.status}).`);
      process.stdout.write(`Drill ${answer.drill.id}: ${answer.drill.scenarioName} at ${speed}× — watch it at ${base}/sandbox\n`);

      let status = answer.drill;
      let playedAt: number | undefined;
      const said = new Set<string>();
      const say = (key: string, line: string) => {
        if (said.has(key)) return;
        said.add(key);
        process.stdout.write(`${line}\n`);
      };
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const response = await request(`/sandbox/drills/${encodeURIComponent(status.id)}`);
        if (!response.ok) throw new FirebreakError('not_found', `The sandbox lost drill ${status.id} (HTTP ${response.status}); was Firebreak restarted?`);
        status = (await response.json()) as DrillStatus;
        const m = status.metrics;
        if (m.timeToAlertMs !== null) say('alert', `  alert after ${seconds(m.timeToAlertMs)} (${m.openedBy ?? 'detection'})`);
        if (m.timeToAcknowledgeMs !== null) say('ack', `  acknowledged ${seconds(m.timeToAcknowledgeMs)} after the alert`);
        if (m.timeToFirstApprovalMs !== null) say('approval', `  first approval ${seconds(m.timeToFirstApprovalMs)} after the alert`);
        if (m.timeToFirstReplyMs !== null) say('reply', `  first approved reply posted ${seconds(m.timeToFirstReplyMs)} after the alert`);
        if (status.state === 'failed' || status.state === 'stopped') break;
        if (status.state === 'played') {
          say('played', `  all ${status.stepsTotal} steps played; waiting for the team's reply (up to ${options.wait} s)`);
          playedAt ??= Date.now();
          if (m.timeToFirstReplyMs !== null || Date.now() - playedAt >= waitMs) break;
        }
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      } else {
        const m = status.metrics;
        process.stdout.write(
          [
            `Drill ${status.id} ${status.state}: ${status.scenarioName}`,
            `  messages played         ${m.messagesPlayed}`,
            `  time to alert           ${seconds(m.timeToAlertMs)}${m.openedBy ? ` (${m.openedBy})` : ''}`,
            `  time to acknowledge     ${seconds(m.timeToAcknowledgeMs)}`,
            `  time to first approval  ${seconds(m.timeToFirstApprovalMs)}`,
            `  time to first reply     ${seconds(m.timeToFirstReplyMs)}`,
            '',
          ].join('\n'),
        );
      }
      if (status.state === 'failed') throw new FirebreakError('conflict', `The drill failed: ${status.error ?? 'unknown error'}`);
    });
}
