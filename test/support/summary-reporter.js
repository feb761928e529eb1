/* Appends Jest's own summary counts to var/jest-summary.jsonl, so .ci/run can print
 * "jest: N passed, N failed" from them after running exactly `npm test`. */
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    // one line per Jest run (npm test runs the main suite, then the fault tests): .ci/run adds them up
    const out = path.join(__dirname, '..', '..', 'var', 'jest-summary.jsonl');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.appendFileSync(
      out,
      JSON.stringify({
        numPassedTests: results.numPassedTests,
        numFailedTests: results.numFailedTests,
        numPendingTests: results.numPendingTests,
        numTotalTests: results.numTotalTests,
        numFailedTestSuites: results.numFailedTestSuites,
        numRuntimeErrorTestSuites: results.numRuntimeErrorTestSuites,
        success: results.success,
      }) + '\n',
    );
  }
}
module.exports = SummaryReporter;
