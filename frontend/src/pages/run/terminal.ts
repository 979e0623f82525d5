/** The states after which nothing more happens to a run. */
export const TERMINAL = ['succeeded', 'failed', 'cancelled'];
