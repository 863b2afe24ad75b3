/**
 * English texts of `firebreak drill`: the one command a community team runs itself (its drills), so it
 * speaks the team's language (LOCALE) as the sandbox page does, unlike the operators' other commands.
 */

type Empty = Record<string, never>;

export const drillCliEn = {
  'cli.drill.wait_invalid': (p: { value: string }) => `--wait must be a number of seconds, not "${p.value}".`,
  'cli.drill.scenario_not_found': (p: { scenario: string; directory: string; scenarios: string }) => `No scenario "${p.scenario}" in ${p.directory}; there are ${p.scenarios}.`,
  'cli.drill.none': (_: Empty) => 'none',
  'cli.drill.problems': (p: { count: number; file: string }) => `${p.count} problem${p.count === 1 ? '' : 's'} in ${p.file}.`,
  'cli.drill.checked': (p: { id: string; file: string; steps: number }) => `ok  ${p.id}  ${p.file} (${p.steps} step${p.steps === 1 ? '' : 's'})`,
  'cli.drill.unreachable': (p: { url: string }) => `No Firebreak answers at ${p.url}. Start it without Slack credentials (npm start) to get the sandbox, or pass --url.`,
  'cli.drill.not_sandbox': (p: { url: string }) => `Firebreak at ${p.url} runs with Slack credentials, not the sandbox: drills into a real Slack workspace are not supported yet.`,
  'cli.drill.refused': (p: { status: string }) => `The sandbox refused the drill (HTTP ${p.status}).`,
  'cli.drill.started': (p: { id: string; name: string; speed: string; url: string }) => `Drill ${p.id}: ${p.name} at ${p.speed}× — watch it at ${p.url}`,
  'cli.drill.lost': (p: { id: string; status: string }) => `The sandbox lost drill ${p.id} (HTTP ${p.status}); was Firebreak restarted?`,
  'cli.drill.progress.alert': (p: { time: string; openedBy: string }) => `alert after ${p.time} (${p.openedBy})`,
  'cli.drill.progress.acknowledged': (p: { time: string }) => `acknowledged ${p.time} after the alert`,
  'cli.drill.progress.approval': (p: { time: string }) => `first approval ${p.time} after the alert`,
  'cli.drill.progress.reply': (p: { time: string }) => `first approved reply posted ${p.time} after the alert`,
  'cli.drill.progress.played': (p: { total: number; wait: string }) => `all ${p.total} steps played; waiting for the team's reply (up to ${p.wait} s)`,
  'cli.drill.opened.detection': (_: Empty) => 'detection',
  'cli.drill.opened.declare': (_: Empty) => 'declare',
  'cli.drill.summary': (p: { id: string; state: string; name: string }) => `Drill ${p.id} ${p.state}: ${p.name}`,
  'cli.drill.metric.messages': (_: Empty) => 'messages played',
  'cli.drill.metric.alert': (_: Empty) => 'time to alert',
  'cli.drill.metric.acknowledge': (_: Empty) => 'time to acknowledge',
  'cli.drill.metric.approval': (_: Empty) => 'time to first approval',
  'cli.drill.metric.reply': (_: Empty) => 'time to first reply',
  'cli.drill.not_yet': (_: Empty) => 'not yet',
  'cli.drill.failed': (p: { error: string }) => `The drill failed: ${p.error}`,
  'cli.drill.unknown_error': (_: Empty) => 'unknown error',
};
