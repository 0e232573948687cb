export type SimulatorErrorCode = 'simulator.bad_distribution' | 'simulator.bad_behaviours' | 'simulator.bad_option' | 'simulator.not_connected';

/** A setting the simulator cannot run with, or a wait it gave up on; the message says what to do. */
export class SimulatorError extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}
