// Names every test that passed only on its CI retry: a retry keeps one slow moment on a loaded machine
// from failing the run, and this list keeps such tests from passing unnoticed.
import type { Reporter, TestCase } from 'vitest/node';

export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    if (testCase.diagnostic()?.flaky) this.flaky.push(`${testCase.module.relativeModuleId} > ${testCase.fullName}`);
  }

  onTestRunEnd(): void {
    if (this.flaky.length === 0) return;
    console.log(`\nPassed only when retried (${this.flaky.length}):\n${this.flaky.map((name) => `  ${name}`).join('\n')}`);
  }
}
