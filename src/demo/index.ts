/** tokentax/demo: a local OpenAI-compatible API (no network, no account) for examples, demos and tests. */
export { startSimulator, type Simulator, type SimulatorOptions } from './simulator';
