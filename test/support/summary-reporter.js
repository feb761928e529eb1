/* Writes Jest's own summary counts to var/jest-summary.json, so .ci/run can print
 * "jest: N passed, N failed" from them after running exactly `npm test`. */
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const out = path.join(__dirname, '..', '..', 'var', 'jest-summary.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(
      out,
      JSON.stringify({
        numPassedTests: results.numPassedTests,
        numFailedTests: results.numFailedTests,
        numPendingTests: results.numPendingTests,
        numTotalTests: results.numTotalTests,
        numFailedTestSuites: results.numFailedTestSuites,
        numRuntimeErrorTestSuites: results.numRuntimeErrorTestSuites,
        success: results.success,
      }),
    );
  }
}
module.exports = SummaryReporter;
