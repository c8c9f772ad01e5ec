// jsdom lacks structuredClone, which fake-indexeddb needs; borrow Node's.
const BaseEnv = require('@jupyterlab/testing/lib/jest-env');
const Environment = BaseEnv.default || BaseEnv;

class RunsTestEnvironment extends Environment {
  async setup() {
    await super.setup();
    if (typeof this.global.structuredClone !== 'function') {
      this.global.structuredClone = structuredClone;
    }
  }
}

module.exports = RunsTestEnvironment;
