// `npm run fuzz [-- --requests 20000 --seed 13 --provider sqlite|postgres|both --max-seconds 900 --concurrency 8]`
//
// Hostile-input fuzz against real `firebreak start` processes on loopback (test/support/fuzz.ts): signed
// malformed events, commands and interactions, with valid member messages mixed in. Prints one JSON
// report per backend and exits 1 unless, on each: the process is alive, no 5xx, no request without an
// answer, no 413 but to a body holding a string longer than Slack ever sends, none slower than 3 s, p99
// under 100 ms, no acknowledged valid message lost, no duplicate, and RSS grew by less than 200 MB.
import { availableProviders } from '../test/support/databases.js';
import { runFuzz, type FuzzReport } from '../test/support/fuzz.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const requests = Number(option('requests', '20000'));
const seed = Number(option('seed', '13'));
const maxSeconds = Number(option('max-seconds', '900'));
const concurrency = Number(option('concurrency', '8'));
const which = option('provider', 'both');
if (!(requests > 0) || !(maxSeconds > 0) || !(concurrency > 0) || !Number.isInteger(seed)) throw new Error('--requests, --max-seconds and --concurrency must be positive numbers, --seed a whole number');
const providers = which === 'both' ? availableProviders : [which as 'sqlite' | 'postgres'];

/** What must hold; each failure is named. */
export function failures(report: FuzzReport): string[] {
  const problems: string[] = [];
  if (!report.processAlive) problems.push(`the process died (exit code ${report.exitCode})`);
  if (report.serverErrors > 0) problems.push(`${report.serverErrors} answers were 5xx`);
  // 413 is the answer to a body Slack can never send; to any other it is a lost request.
  if (report.refusedPossible.count > 0) problems.push(`${report.refusedPossible.count} requests Slack could send were refused as too large: ${report.refusedPossible.examples.join(', ')}`);
  if (report.noAnswer > 0) problems.push(`${report.noAnswer} requests got no answer`);
  if (report.slowerThan3s > 0) problems.push(`${report.slowerThan3s} answers took more than 3 s`);
  if (report.p99Ms >= 100) problems.push(`p99 answer time ${report.p99Ms} ms (target < 100 ms)`);
  if (report.validLost > 0) problems.push(`${report.validLost} acknowledged valid messages were not stored`);
  if (report.foreignStored > 0) problems.push(`${report.foreignStored} messages of another team were stored`);
  if (report.duplicates > 0) problems.push(`${report.duplicates} messages were counted twice`);
  if (report.rssEndMb - report.rssStartMb >= 200) problems.push(`RSS grew by ${report.rssEndMb - report.rssStartMb} MB`);
  return problems;
}

let failed = false;
for (const provider of providers) {
  const report = await runFuzz({ provider, requests, seed, maxSeconds, concurrency, log: (line) => console.error(line) });
  const problems = failures(report);
  console.log(JSON.stringify({ ...report, problems }, null, 2));
  if (problems.length) failed = true;
}
process.exit(failed ? 1 : 0);
